/**
 * The page's side of the front's sign-in (docs/front.md#sign-in): whether it is signed in, the
 * token form's post, signing out, and why a sign-in link was refused. `fetch` is given, as in
 * hub-api.ts, so the code runs in Node's tests too.
 */
import {
  ErrorCodes,
  FRONT_OIDC_SIGN_IN_PATH,
  FRONT_SESSION_EXPIRED_PATH,
  FRONT_SESSION_PATH,
  FRONT_SIGN_IN_PATH,
  FRONT_SIGN_OUT_PATH,
  FRONT_SIGNED_OUT_PATH,
  SIGN_IN_FAILED_PARAM,
  type FrontSessionState,
  type SignOutAnswer,
} from '@shoal/model';

export type SessionFetch = (url: string, init?: { method?: string; body?: string; headers?: Record<string, string> }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export type SignInResult = { ok: true } | { ok: false; code: string; message: string };

/** What the form says for each refusal: what happened and what to do. */
const REFUSALS: Record<string, string> = {
  [ErrorCodes.FRONT_ERR_SIGN_IN]: 'That token is not this dashboard’s. Use the link or token printed when it started: each run of shoal local, shoal view and shoal lab up makes a new one.',
  [ErrorCodes.FRONT_ERR_SIGN_IN_LIMITED]: 'Too many wrong tokens from this address: wait a minute, then try again.',
  [ErrorCodes.FRONT_ERR_SESSIONS_FULL]: 'The dashboard has as many signed-in sessions as it allows: sign out elsewhere, or ask whoever runs it to raise --max-sessions.',
};

export function refusalMessage(code: string, fallback: string): string {
  return REFUSALS[code] ?? fallback;
}

export async function readSession(fetch: SessionFetch): Promise<FrontSessionState> {
  const res = await fetch(FRONT_SESSION_PATH);
  if (!res.ok) throw new Error(`${FRONT_SESSION_PATH} answered ${res.status}`);
  return (await res.json()) as FrontSessionState;
}

export async function signIn(fetch: SessionFetch, token: string): Promise<SignInResult> {
  const res = await fetch(FRONT_SIGN_IN_PATH, { method: 'POST', body: JSON.stringify({ token }), headers: { 'content-type': 'application/json' } });
  if (res.ok) return { ok: true };
  const error = ((await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null)?.error;
  const code = error?.code ?? 'HTTP';
  return { ok: false, code, message: refusalMessage(code, error?.message ?? `the sign-in answered ${res.status}`) };
}

/**
 * Ends the session. With OIDC the front answers where the page goes next (the provider's
 * end-session page, or the front's signed-out page), which this returns; undefined otherwise.
 */
export async function signOut(fetch: SessionFetch): Promise<string | undefined> {
  const res = await fetch(FRONT_SIGN_OUT_PATH, { method: 'POST' });
  if (res.status !== 200) return undefined;
  const answer = (await res.json().catch(() => null)) as Partial<SignOutAnswer> | null;
  return typeof answer?.location === 'string' ? answer.location : FRONT_SIGNED_OUT_PATH;
}

/**
 * With OIDC the sign-in happens at the provider, not in a form of the page: where the page goes
 * when it has no session (the front's expired-session page when its session ran out, else the
 * start of a sign-in, which lands on `here`, the page's path and query, once signed in).
 * Undefined when the page signs in itself (token) or needs no sign-in.
 */
export function signInLocation(session: FrontSessionState, here = '/'): string | undefined {
  if (session.method !== 'oidc' || session.signedIn) return undefined;
  if (session.expired === true) return FRONT_SESSION_EXPIRED_PATH;
  return here === '/' ? FRONT_OIDC_SIGN_IN_PATH : `${FRONT_OIDC_SIGN_IN_PATH}?return=${encodeURIComponent(here)}`;
}

/**
 * Why the sign-in link the page was opened with was refused (the front's redirect says so in
 * the query), and the query without it; undefined when it says nothing.
 */
export function linkRefusal(search: string): { message: string; search: string } | undefined {
  const params = new URLSearchParams(search);
  const code = params.get(SIGN_IN_FAILED_PARAM);
  if (code === null) return undefined;
  params.delete(SIGN_IN_FAILED_PARAM);
  const rest = params.toString();
  return { message: refusalMessage(code, `The sign-in link was refused (${code}).`), search: rest === '' ? '' : `?${rest}` };
}

/**
 * Whether an answer of the front means the session is gone (expired, signed out elsewhere): its
 * own 401s, FRONT_ERR_UNAUTHENTICATED and (OIDC) FRONT_ERR_SESSION_EXPIRED, not the hub's.
 */
export async function sessionLost(res: { status: number; clone(): { json(): Promise<unknown> } }): Promise<boolean> {
  if (res.status !== 401) return false;
  const body = (await res.clone().json().catch(() => null)) as { error?: { code?: string } } | null;
  const code = body?.error?.code;
  return code === ErrorCodes.FRONT_ERR_UNAUTHENTICATED || code === ErrorCodes.FRONT_ERR_SESSION_EXPIRED;
}
