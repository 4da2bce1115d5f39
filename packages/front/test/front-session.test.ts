import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linkRefusal, sessionLost, signInLocation, signOut } from '../src/domain/front-session.js';

describe('front session helpers', () => {
  it("reads why a sign-in link was refused from the front's redirect, and gives the query without it", () => {
    const refused = linkRefusal('?view=map&sign-in-failed=FRONT_ERR_SIGN_IN&q=http');
    assert.equal(refused?.search, '?view=map&q=http');
    assert.match(refused?.message ?? '', /not this dashboard’s/);
    assert.match(linkRefusal('?sign-in-failed=FRONT_ERR_SIGN_IN_LIMITED')?.message ?? '', /wait a minute/);
    assert.equal(linkRefusal('?sign-in-failed=SOMETHING_NEW')?.search, '');
    assert.match(linkRefusal('?sign-in-failed=SOMETHING_NEW')?.message ?? '', /SOMETHING_NEW/);
    assert.equal(linkRefusal('?q=http'), undefined);
  });

  it("takes only the front's own 401 for a session that ended, not the hub's", async () => {
    const answer = (status: number, code: string) => new Response(JSON.stringify({ error: { code, message: '' } }), { status });
    assert.equal(await sessionLost(answer(401, 'FRONT_ERR_UNAUTHENTICATED')), true);
    assert.equal(await sessionLost(answer(401, 'FRONT_ERR_SESSION_EXPIRED')), true, 'an OIDC session that expired');
    assert.equal(await sessionLost(answer(401, 'HUB_ERR_UNAUTHORIZED')), false, 'the hub refusing the front is no sign-out');
    assert.equal(await sessionLost(answer(502, 'FRONT_ERR_HUB')), false);
    assert.equal(await sessionLost(new Response('not json', { status: 401 })), false);
    const read = answer(401, 'FRONT_ERR_UNAUTHENTICATED');
    await sessionLost(read);
    assert.equal(((await read.json()) as { error: { code: string } }).error.code, 'FRONT_ERR_UNAUTHENTICATED', 'the body is left for its reader');
  });

  it('sends a page without an OIDC session to the sign-in, or to the expired page when its session ran out', () => {
    assert.equal(signInLocation({ method: 'oidc', signedIn: false }), '/auth/oidc/sign-in');
    assert.equal(signInLocation({ method: 'oidc', signedIn: false }, '/?view=map&q=http'), '/auth/oidc/sign-in?return=%2F%3Fview%3Dmap%26q%3Dhttp', 'back to this view once signed in');
    assert.equal(signInLocation({ method: 'oidc', signedIn: false, expired: true }), '/auth/expired');
    assert.equal(signInLocation({ method: 'oidc', signedIn: true, user: { subject: 'alice' } }), undefined);
    assert.equal(signInLocation({ method: 'token', signedIn: false }), undefined, 'the token form is the page\'s own');
    assert.equal(signInLocation({ method: 'none', signedIn: true }), undefined);
  });

  it("signs out: with OIDC it goes where the front says (the provider's end-session page)", async () => {
    const posted: string[] = [];
    const answering = (status: number, body: unknown) => async (url: string, init?: { method?: string }) => {
      posted.push(`${init?.method} ${url}`);
      return new Response(body === undefined ? null : JSON.stringify(body), { status });
    };
    assert.equal(await signOut(answering(200, { location: 'https://id.example/logout?id_token_hint=x' })), 'https://id.example/logout?id_token_hint=x');
    assert.equal(await signOut(answering(204, undefined)), undefined, 'a token sign-out stays on the page');
    assert.deepEqual(posted, ['POST /auth/sign-out', 'POST /auth/sign-out']);
  });
});
