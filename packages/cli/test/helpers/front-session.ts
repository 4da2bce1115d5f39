/**
 * Signing in to a dashboard from Node, as a user who opens the printed link does: the front
 * answers the link with its session cookie and a redirect to the same page without the token.
 */
import assert from 'node:assert/strict';
import { SIGN_IN_TOKEN_PARAM } from '@shoal/model';

export interface SignedIn {
  /** The dashboard's origin, e.g. http://127.0.0.1:8899. */
  base: string;
  /** The `Cookie` header that carries the session. */
  cookie: string;
  /** The `Set-Cookie` the front answered, attributes included. */
  setCookie: string;
}

/** The dashboard's origin from its sign-in link. */
export const dashboardBase = (link: string): string => new URL(link).origin;

/** Opens `link` (…/?token=…) without following the redirect; the session it gives. */
export async function signIn(link: string): Promise<SignedIn> {
  assert.ok(new URL(link).searchParams.has(SIGN_IN_TOKEN_PARAM), `a sign-in link: ${link}`);
  const res = await fetch(link, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  assert.equal(res.status, 303, `the sign-in link answers 303 (${link})`);
  assert.equal(new URL(res.headers.get('location') ?? '', link).searchParams.has(SIGN_IN_TOKEN_PARAM), false, 'the redirect drops the token');
  const setCookie = res.headers.get('set-cookie');
  assert.ok(setCookie !== null, 'the sign-in link sets the session cookie');
  return { base: dashboardBase(link), cookie: setCookie.split(';')[0]!, setCookie };
}
