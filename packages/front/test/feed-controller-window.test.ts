/**
 * The feed's window mode against a real hub over keep-alive.pcap (four entries, at the file's
 * own times): only the entries inside [from, to) are shown, oldest first, walked back one page
 * at a time down to `from`, and no live stream is opened.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FeedController } from '../src/domain/feed-controller.js';
import { FeedModel } from '../src/domain/feed-model.js';
import { HubApi } from '../src/domain/hub-api.js';
import { HubStream } from '../src/domain/hub-stream.js';
import { fixture, startFileHub, type FileHub } from './helpers/file-hub.js';

// keep-alive.pcap's entries: 1795671628873.735 GET /, …874.02 /api/users, …874.176 /missing, …874.335 POST /api/orders.
const FIRST = 1795671628873.735;
const LAST = 1795671628874.335;

function feedOver(base: string, pageSize: number) {
  const model = new FeedModel();
  const sockets: string[] = [];
  const stream = new HubStream({
    url: `${base.replace('http', 'ws')}/ws`,
    socket: (url) => {
      sockets.push(url);
      throw new Error('window mode opens no live stream');
    },
    schedule: (flush) => setImmediate(flush),
    listener: { entries: () => undefined, state: () => undefined, gap: () => undefined, filterError: () => undefined },
  });
  const controller = new FeedController(model, stream, new HubApi(fetch, base), Date.now, { first: pageSize, older: pageSize });
  const paths = () => [...model.entriesNewestFirst()].reverse().map((r) => r.text);
  return { model, controller, sockets, paths };
}

describe('FeedController window mode (real hub)', { timeout: 60_000 }, () => {
  let hub: FileHub;
  before(async () => {
    hub = await startFileHub(fixture('keep-alive'));
  });
  after(async () => {
    await hub?.close();
  });

  it('shows only the entries inside the window, oldest first', async () => {
    const { model, controller, sockets, paths } = feedOver(hub.base, 300);
    await controller.openWindow('', { from: FIRST + 0.1, to: LAST });
    assert.deepEqual(paths(), ['/api/users', '/missing']);
    assert.equal(model.olderCursor, null, 'the page reached back past `from`');
    assert.deepEqual(model.window, { from: FIRST + 0.1, to: LAST });
    assert.deepEqual(sockets, []);
  });

  it('pages back to `from` as the view asks, then stops', async () => {
    const { model, controller, paths } = feedOver(hub.base, 1);
    await controller.openWindow('', { from: FIRST, to: LAST + 1 });
    assert.deepEqual(paths(), ['/api/orders']);
    const pages: string[][] = [];
    while (model.olderCursor !== null) {
      assert.ok(pages.length < 10, 'the walk ends');
      await controller.loadOlder();
      pages.push(paths());
    }
    assert.deepEqual(pages.at(-1), ['/', '/api/users', '/missing', '/api/orders']);
  });

  it('applies the query inside the window', async () => {
    const { controller, paths } = feedOver(hub.base, 300);
    await controller.openWindow('status_code == 200', { from: FIRST, to: LAST + 1 });
    assert.deepEqual(paths(), ['/', '/api/users']);
  });
});
