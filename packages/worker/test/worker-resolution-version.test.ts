/**
 * Versioned name tables on a real worker (docs/api.md, /resolution "Versions"): PUT keeps the
 * version it is given, a PATCH applies only to the table at its base (else 409 WRK_ERR_VERSION
 * with the worker's version, and nothing changes), unversioned PUT and PATCH leave the table
 * without a version. The names on new entries show which table is in force.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FeedSocket, FIXTURE, FIXTURE_ENTRIES, getJson, LOCAL_TARGET, putJson, sendJson, startHarness, type Harness, type Json } from './helpers/harness.js';

describe('worker API: versioned /resolution', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  const patch = (body: unknown) => sendJson('PATCH', h.base, '/resolution', body, h.token);
  const addresses = async (): Promise<number> => (await getJson(h.base, '/stats', h.token)).body.resolution;

  /** The pod names the worker gives the fixture's endpoints now (replayed once). */
  async function podNames(): Promise<string[]> {
    const feed = new FeedSocket(h.worker.port, h.token, '?q=');
    await feed.ready();
    assert.equal((await putJson(h.base, '/targets', LOCAL_TARGET, h.token)).status, 200);
    await h.source.play(FIXTURE);
    assert.ok(await feed.until(() => feed.entries.length >= FIXTURE_ENTRIES));
    await feed.close();
    return [...new Set(feed.entries.flatMap((e: Json) => [e.src.pod, e.dst.pod]))];
  }

  it('keeps the version of a PUT and moves it with each PATCH whose base is that version', async () => {
    const put = await putJson(h.base, '/resolution', { version: 'run1.0', table: { '127.0.0.1': { pod: 'web-1' } } }, h.token);
    assert.deepEqual(put, { status: 200, body: { ok: true, addresses: 1, version: 'run1.0' } });
    const next = await patch({ base: 'run1.0', version: 'run1.1', upsert: { '10.0.0.2': { pod: 'db-0' } } });
    assert.deepEqual(next, { status: 200, body: { ok: true, addresses: 2, version: 'run1.1' } });
    const again = await patch({ base: 'run1.1', version: 'run1.2', upsert: { '127.0.0.1': { pod: 'web-2' } }, remove: ['10.0.0.2'] });
    assert.deepEqual(again, { status: 200, body: { ok: true, addresses: 1, version: 'run1.2' } });
    assert.deepEqual(await podNames(), ['web-2']);
  });

  it('refuses with 409 and the worker\'s version a patch whose base is another version, changing nothing', async () => {
    await putJson(h.base, '/resolution', { version: 'run1.4', table: { '127.0.0.1': { pod: 'web-1' } } }, h.token);
    for (const base of ['run1.3', 'run0.4', 'run1.5']) {
      const res = await patch({ base, version: 'run1.6', upsert: { '127.0.0.1': { pod: 'stale' }, '10.0.0.9': { pod: 'x' } } });
      assert.equal(res.status, 409, base);
      assert.equal(res.body.error.code, 'WRK_ERR_VERSION');
      assert.equal(res.body.error.version, 'run1.4');
      assert.match(res.body.error.message, /send the whole table \(PUT \/resolution\)/);
    }
    assert.equal(await addresses(), 1);
    assert.deepEqual(await podNames(), ['web-1']);
  });

  it('an unversioned PUT or PATCH leaves the table without a version: every versioned patch then gets 409', async () => {
    await putJson(h.base, '/resolution', { version: 'run1.0', table: { '127.0.0.1': { pod: 'web-1' } } }, h.token);
    // Someone else (a script, the lab before the hub runs) changes the table by hand.
    assert.deepEqual((await patch({ upsert: { '10.0.0.2': { pod: 'db-0' } } })).body, { ok: true, addresses: 2, version: null });
    const after = await patch({ base: 'run1.0', version: 'run1.1', remove: ['127.0.0.1'] });
    assert.equal(after.status, 409);
    assert.equal(after.body.error.version, null);
    assert.match(after.body.error.message, /unversioned table/);
    assert.deepEqual((await putJson(h.base, '/resolution', { version: 'run1.1', table: {} }, h.token)).body, { ok: true, addresses: 0, version: 'run1.1' });
    assert.deepEqual((await putJson(h.base, '/resolution', { '127.0.0.1': { pod: 'web-3' } }, h.token)).body, { ok: true, addresses: 1, version: null });
    assert.equal((await patch({ base: 'run1.1', version: 'run1.2', upsert: {} })).status, 409);
  });

  it('refuses malformed versions with 400, keeping the table and its version', async () => {
    await putJson(h.base, '/resolution', { version: 'v1', table: { '127.0.0.1': { pod: 'web-1' } } }, h.token);
    for (const [method, body] of [
      ['PATCH', { base: 'v1', upsert: {} }],
      ['PATCH', { version: 'v2', upsert: {} }],
      ['PATCH', { base: 'v1', version: '', upsert: {} }],
      ['PATCH', { base: 'v1', version: 7 }],
      ['PATCH', { base: 'v1', version: 'x'.repeat(129) }],
      ['PUT', { version: 'v2', table: { '10.0.0.1': { pod: 7 } } }],
      ['PUT', { version: 'v2', table: [] }],
      ['PUT', { version: 'v2', table: {}, extra: {} }],
      ['PUT', { version: '', table: {} }],
    ] as const) {
      const res = await sendJson(method, h.base, '/resolution', body, h.token);
      assert.equal(res.status, 400, `${method} ${JSON.stringify(body)}`);
      assert.equal(res.body.error.code, 'WRK_ERR_BAD_REQUEST');
    }
    assert.equal(await addresses(), 1);
    assert.equal((await patch({ base: 'v1', version: 'v2' })).body.version, 'v2', 'still at v1 before');
  });
});
