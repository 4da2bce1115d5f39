/**
 * The worker refuses browser pages of other origins (docs/security.md): a page the user visits
 * must not open the worker's /ws or change its targets, even with the token (a page can learn a
 * token from a shared link; it cannot forge its Origin). Programs send no Origin.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { auth, startHarness, type Harness } from './helpers/harness.js';

/** The status of a WebSocket upgrade to `url` from a page of `origin` (101 when accepted). */
function upgradeStatus(url: string, origin: string | undefined, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, ...(origin !== undefined ? { origin } : {}) });
    ws.on('open', () => (resolve(101), ws.close()));
    ws.on('unexpected-response', (_req, res) => (resolve(res.statusCode ?? 0), res.resume(), ws.terminate()));
    ws.on('error', (err) => reject(err));
  });
}

describe('worker: Origin', () => {
  let h: Harness;
  const PUT_BODY = JSON.stringify([]);

  before(async () => {
    h = await startHarness({ allowedOrigins: ['https://dash.example'] });
  });
  after(async () => h.close());

  it('refuses the WebSocket of a foreign page, with the token, and accepts programs and listed origins', async () => {
    const ws = `ws${h.base.slice(4)}/ws?q=http`;
    assert.equal(await upgradeStatus(ws, 'https://evil.example', auth(h.token)), 403);
    assert.equal(await upgradeStatus(ws, 'null', auth(h.token)), 403);
    assert.equal(await upgradeStatus(ws, undefined, auth(h.token)), 101);
    assert.equal(await upgradeStatus(ws, 'https://dash.example', auth(h.token)), 101);
    assert.equal(await upgradeStatus(ws, h.base, auth(h.token)), 101);
  });

  it('refuses a foreign page\'s PUT /targets with WRK_ERR_ORIGIN before looking at it', async () => {
    const put = (headers: Record<string, string>) => fetch(`${h.base}/targets`, { method: 'PUT', headers: { 'content-type': 'application/json', ...auth(h.token), ...headers }, body: PUT_BODY });
    const refused = await put({ origin: 'https://evil.example' });
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'WRK_ERR_ORIGIN');
    assert.equal((await put({})).status, 200);
    // A GET changes nothing and a foreign page cannot read its answer (no CORS headers): allowed.
    const get = await fetch(`${h.base}/health`, { headers: { origin: 'https://evil.example' } });
    assert.equal(get.status, 200);
    assert.equal(get.headers.get('access-control-allow-origin'), null);
  });
});
