import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linkRefusal, sessionLost } from '../src/domain/front-session.js';

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
    assert.equal(await sessionLost(answer(401, 'HUB_ERR_UNAUTHORIZED')), false, 'the hub refusing the front is no sign-out');
    assert.equal(await sessionLost(answer(502, 'FRONT_ERR_HUB')), false);
    assert.equal(await sessionLost(new Response('not json', { status: 401 })), false);
    const read = answer(401, 'FRONT_ERR_UNAUTHENTICATED');
    await sessionLost(read);
    assert.equal(((await read.json()) as { error: { code: string } }).error.code, 'FRONT_ERR_UNAUTHENTICATED', 'the body is left for its reader');
  });
});
