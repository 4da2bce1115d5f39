/**
 * `shoal front`: the dashboard's files, and /api passed to a real hub (`shoal view` over a
 * capture file), the WebSocket included; a hub that is not there gets FRONT_ERR_HUB, not a hang.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { fixture, golden } from './helpers/fixtures.js';
import { collectEntries, ServingShoal } from './helpers/serving-shoal.js';

const KEEP_ALIVE = fixture('keep-alive.pcap');
const expected = golden('keep-alive.pcap').entries;
const BANNER = /the dashboard on (http:\/\/\S+)/;

/** A port nothing listens on: taken from the system, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('shoal front', () => {
  let view: ServingShoal;
  let front: ServingShoal;
  let url = '';

  before(async () => {
    view = new ServingShoal(['view', KEEP_ALIVE, '--port', '0', '--front-port', '0']);
    const hub = await view.hubUrl();
    front = new ServingShoal(['front', '--port', '0', '--hub', hub]);
    url = await front.printed(BANNER, 'the dashboard banner');
  });
  after(async () => {
    await front?.stop();
    await view?.stop();
  });

  it('serves the built page, its assets, and index.html for the app\'s own paths', async () => {
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const html = await page.text();
    assert.match(html, /<div id="root">/);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script !== undefined, `a script in:\n${html}`);
    const js = await fetch(`${url}${script}`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.match(js.headers.get('cache-control') ?? '', /immutable/);
    assert.ok((await js.text()).length > 1000);
    // A view of the app: the page itself, which then reads its own URL.
    assert.match(await (await fetch(`${url}/map?q=http`)).text(), /<div id="root">/);
  });

  it('answers 404 for missing files and for paths that climb out of the dashboard', async () => {
    for (const p of ['/assets/missing.js', '/%2e%2e/package.json', '/..%2f..%2fpackage.json']) {
      const res = await fetch(`${url}${p}`);
      assert.equal(res.status, 404, p);
      const body = (await res.json()) as { error: { code: string } };
      assert.equal(body.error.code, 'FRONT_ERR_NOT_FOUND', p);
    }
  });

  it('passes /api/* to the hub with the prefix removed, errors included', async () => {
    const status = (await (await fetch(`${url}/api/status`)).json()) as { workers: { name: string; up: boolean }[] };
    assert.deepEqual(status.workers.map((w) => [w.name, w.up]), [['view', true]]);
    const history = (await (await fetch(`${url}/api/entries?limit=1000`)).json()) as { entries: unknown[] };
    assert.equal(history.entries.length, expected.length);
    // A POST body goes through too.
    const checked = await fetch(`${url}/api/query/validate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filter: 'method ==' }) });
    assert.equal(checked.status, 200);
    const verdict = (await checked.json()) as { ok: boolean; error: { code: string; position: { offset: number } } };
    assert.equal(verdict.ok, false);
    assert.equal(verdict.error.code, 'FLT_ERR_SYNTAX');
    assert.equal(verdict.error.position.offset, 9);
    const missing = await fetch(`${url}/api/no-such-route`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'HUB_ERR_NOT_FOUND');
  });

  it("passes the /api/ws WebSocket to the hub's /ws", async () => {
    const entries = await collectEntries(`${url}/api`, '', 0, (e) => e.length >= expected.length);
    assert.equal(entries.length, expected.length);
  });

  it('answers FRONT_ERR_HUB when the hub cannot be reached, for requests and WebSockets', async () => {
    const port = await closedPort();
    const lonely = new ServingShoal(['front', '--port', '0', '--hub', `http://127.0.0.1:${port}`]);
    try {
      const base = await lonely.printed(BANNER, 'the dashboard banner');
      const res = await fetch(`${base}/api/status`);
      assert.equal(res.status, 502);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'FRONT_ERR_HUB');
      assert.match(body.error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
      const upgrade = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/api/ws?q=`);
        ws.on('unexpected-response', (_req, r) => resolve(r.statusCode ?? 0));
        ws.on('open', () => reject(new Error('the upgrade succeeded with no hub')));
        ws.on('error', () => undefined);
      });
      assert.equal(upgrade, 502);
    } finally {
      await lonely.stop();
    }
  });
});
