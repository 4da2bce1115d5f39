import { useCallback, useEffect, useState } from 'react';
import type { FrontSessionState } from '@shoal/model';
import { linkRefusal, readSession, signOut } from '../../domain/front-session.js';
import { App } from '../App/index.js';
import { SignIn } from '../SignIn/index.js';

const pageFetch = (url: string, init?: RequestInit) => fetch(url, init);

/** Why a refused sign-in link brought the page here; the query is cleaned of it at once. */
function takeLinkRefusal(): string | undefined {
  const refusal = linkRefusal(location.search);
  if (refusal === undefined) return undefined;
  history.replaceState(null, '', `${location.pathname}${refusal.search}`);
  return refusal.message;
}

type GateState = { kind: 'loading' } | { kind: 'unreachable'; message: string } | { kind: 'session'; session: FrontSessionState };

/**
 * The dashboard once the page is signed in, the sign-in form until then. It asks the front
 * (`GET /auth/session`) on load and after a sign-in; the dashboard reports a session that ended
 * under it (an answer `401 FRONT_ERR_UNAUTHENTICATED`), which brings the form back.
 */
export function SessionGate() {
  const [state, setState] = useState<GateState>({ kind: 'loading' });
  const [notice, setNotice] = useState<string | undefined>(takeLinkRefusal);
  const refresh = useCallback(() => {
    readSession(pageFetch)
      .then((session) => setState({ kind: 'session', session }))
      .catch((err: Error) => setState({ kind: 'unreachable', message: err.message }));
  }, []);
  useEffect(refresh, [refresh]);
  const signedOut = useCallback((why: string | undefined) => {
    setNotice(why);
    setState({ kind: 'session', session: { method: 'token', signedIn: false } });
  }, []);
  const onSessionLost = useCallback(() => signedOut('Your session ended: sign in again.'), [signedOut]);
  const onSignOut = useCallback(() => void signOut(pageFetch).finally(() => signedOut(undefined)), [signedOut]);

  if (state.kind === 'loading') return null;
  if (state.kind === 'unreachable') {
    return (
      <p className="sign-in-error" role="alert">
        The dashboard server cannot be reached ({state.message}): reload once it runs.
      </p>
    );
  }
  if (!state.session.signedIn) return <SignIn onSignedIn={refresh} {...(notice !== undefined ? { notice } : {})} />;
  return <App onSessionLost={onSessionLost} {...(state.session.method === 'token' ? { onSignOut } : {})} />;
}
