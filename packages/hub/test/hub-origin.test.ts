/**
 * The hub refuses browser pages of other origins (docs/security.md): with `shoal local` running,
 * any page the user visits could otherwise open ws://127.0.0.1:8898/ws and read every entry.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { startCluster, type Cluster } from './helpers/cluster.js';

/** The status of a WebSocket upgrade to `url` from a page of `origin` (101 when accepted). */
function upgradeStatus(url: string, origin: string | undefined, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, ...(origin !== undefined ? { origin } : {}) });
    ws.on('open', () => (resolve(101), ws.close()));
    ws.on('unexpected-response', (_req, res) => (resolve(res.statusCode ?? 0), res.resume(), ws.terminate()));
    ws.on('error', (err) => reject(err));
  });
}

describe('hub: Origin and token', () => {
  let open: Cluster;
  let locked: Cluster;

  before(async () => {
    open = await startCluster(['node-a']);
    locked = await startCluster(['node-a'], { token: 'client-secret', allowedOrigins: ['https://dash.example'] });
  });
  after(async () => {
    await open.close();
    await locked.close();
  });

  it('a foreign page cannot open /ws of a hub without a token; programs and its own origin can', async () => {
    const ws = `ws${open.hubBase.slice(4)}/ws?q=http`;
    assert.equal(await upgradeStatus(ws, 'https://evil.example'), 403);
    assert.equal(await upgradeStatus(ws, 'http://127.0.0.1:8899'), 403);
    assert.equal(await upgradeStatus(ws, undefined), 101);
    assert.equal(await upgradeStatus(ws, open.hubBase), 101);
  });

  it('a foreign page cannot change the targets or validate through the hub; GET is unaffected', async () => {
    const post = await fetch(`${open.hubBase}/query/validate`, { method: 'POST', headers: { origin: 'https://evil.example' }, body: 'http' });
    assert.equal(post.status, 403);
    assert.equal(((await post.json()) as { error: { code: string } }).error.code, 'HUB_ERR_ORIGIN');
    const put = await fetch(`${open.hubBase}/targets`, { method: 'PUT', headers: { origin: 'https://evil.example' }, body: '{}' });
    assert.equal(put.status, 403);
    assert.equal((await fetch(`${open.hubBase}/query/validate`, { method: 'POST', body: 'http' })).status, 200);
    const get = await fetch(`${open.hubBase}/status`, { headers: { origin: 'https://evil.example' } });
    assert.equal(get.status, 200);
    assert.equal(get.headers.get('access-control-allow-origin'), null);
  });

  it('with a token: the listed origin still needs it, and the wrong one is refused whatever the token', async () => {
    const ws = `ws${locked.hubBase.slice(4)}/ws?q=http`;
    const bearer = { authorization: 'Bearer client-secret' };
    assert.equal(await upgradeStatus(ws, 'https://dash.example'), 401);
    assert.equal(await upgradeStatus(ws, 'https://dash.example', bearer), 101);
    assert.equal(await upgradeStatus(ws, 'https://evil.example', bearer), 403);
    assert.equal(await upgradeStatus(ws, undefined, { authorization: 'bearer \t client-secret \t' }), 101);
    assert.equal(await upgradeStatus(ws, undefined, { authorization: `Bearer ${' '.repeat(16_000)}x` }), 401);
  });
});
