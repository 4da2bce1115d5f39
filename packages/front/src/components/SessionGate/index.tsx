import { useCallback, useEffect, useState } from 'react';
import type { FrontSessionState } from '@shoal/model';
import { FRONT_SESSION_EXPIRED_PATH } from '@shoal/model';
import { linkRefusal, readSession, signInLocation, signOut } from '../../domain/front-session.js';
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
 * under it (an answer `401 FRONT_ERR_UNAUTHENTICATED` or `FRONT_ERR_SESSION_EXPIRED`), which
 * brings the form back. With OIDC there is no form: the page goes to the front's sign-in, which
 * goes to the provider (or to the front's page saying the session expired).
 */
export function SessionGate() {
  const [state, setState] = useState<GateState>({ kind: 'loading' });
  const [notice, setNotice] = useState<string | undefined>(takeLinkRefusal);
  const refresh = useCallback(() => {
    readSession(pageFetch)
      .then((session) => {
        const elsewhere = signInLocation(session, `${location.pathname}${location.search}`);
        if (elsewhere !== undefined) location.assign(elsewhere);
        else setState({ kind: 'session', session });
      })
      .catch((err: Error) => setState({ kind: 'unreachable', message: err.message }));
  }, []);
  useEffect(refresh, [refresh]);
  const oidc = state.kind === 'session' && state.session.method === 'oidc';
  const signedOut = useCallback((why: string | undefined) => {
    setNotice(why);
    setState({ kind: 'session', session: { method: 'token', signedIn: false } });
  }, []);
  const onSessionLost = useCallback(() => (oidc ? location.assign(FRONT_SESSION_EXPIRED_PATH) : signedOut('Your session ended: sign in again.')), [oidc, signedOut]);
  const onSignOut = useCallback(
    () =>
      void signOut(pageFetch)
        .then((next) => (next !== undefined ? location.assign(next) : signedOut(undefined)))
        .catch(() => signedOut(undefined)),
    [signedOut],
  );

  if (state.kind === 'loading') return null;
  if (state.kind === 'unreachable') {
    return (
      <p className="sign-in-error" role="alert">
        The dashboard server cannot be reached ({state.message}): reload once it runs.
      </p>
    );
  }
  if (!state.session.signedIn) return <SignIn onSignedIn={refresh} {...(notice !== undefined ? { notice } : {})} />;
  const user = state.session.user;
  return (
    <App
      onSessionLost={onSessionLost}
      {...(state.session.method !== 'none' ? { onSignOut } : {})}
      {...(user !== undefined ? { user: user.name ?? user.subject } : {})}
      {...(state.session.span !== undefined ? { span: state.session.span } : {})}
    />
  );
}
