/**
 * A selective filter over a store larger than one request reads: the hub's pages come back
 * empty with more to come (wire/history.ts), and the dashboard goes on by itself until it finds
 * the rows or history ends. A real hub over keep-alive.pcap then head.pcap (seven exchanges),
 * whose worker reads one entry per request; the filter matches only the oldest exchange.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FeedController } from '../src/domain/feed-controller.js';
import { FeedModel } from '../src/domain/feed-model.js';
import { HubApi } from '../src/domain/hub-api.js';
import { HubStream } from '../src/domain/hub-stream.js';
import { fixture, startFileHub, type FileHub } from './helpers/file-hub.js';

/** keep-alive.pcap's first exchange (GET / from port 34494); head.pcap's GET / comes from 34532. */
const OLDEST = 'src.port == 34494 && path == "/"';
const FIRST = 1795671628873.735;

/** Resolves once `check` holds after a change of `model`; rejects after `ms`. */
function changeUntil(model: FeedModel, check: () => boolean, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const timer = setTimeout(() => (off(), reject(new Error('the feed did not change as expected'))), ms);
    const off = model.subscribe(() => {
      if (!check()) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

describe('feed over pages a selective filter leaves empty (real hub)', { timeout: 60_000 }, () => {
  let hub: FileHub;
  before(async () => {
    hub = await startFileHub([fixture('keep-alive'), fixture('head')], { historyMaxExamined: 1 });
  });
  after(async () => {
    await hub?.close();
  });

  it('the first page is empty, yet has a next page', async () => {
    const page = await new HubApi(fetch, hub.base).history(OLDEST, undefined, 100);
    assert.deepEqual(page.entries, []);
    assert.equal(typeof page.next, 'number');
  });

  it('asks the next pages by itself until it finds the rows', async () => {
    const model = new FeedModel();
    const stream = new HubStream({
      url: `${hub.base.replace('http', 'ws')}/ws`,
      socket: () => {
        throw new Error('window mode opens no live stream');
      },
      schedule: (flush) => setImmediate(flush),
      listener: { entries: () => undefined, state: () => undefined, gap: () => undefined, filterError: () => undefined },
    });
    const controller = new FeedController(model, stream, new HubApi(fetch, hub.base));
    await controller.openWindow(OLDEST, { from: FIRST - 1000, to: FIRST + 10_000 });
    await changeUntil(model, () => model.olderCursor === null);
    assert.deepEqual([...model.entriesNewestFirst()].map((r) => r.text), ['/']);
    assert.equal(model.history.examined, 7, 'each exchange tested once');
  });

  it('HubApi.historyUpTo walks the pages up to the limit', async () => {
    const api = new HubApi(fetch, hub.base);
    const oldest = await api.historyUpTo(OLDEST, 200);
    assert.deepEqual(oldest.entries.map((e) => e.timestamp), [FIRST]);
    assert.equal(oldest.more, false);
    const newest = await api.historyUpTo('', 2);
    assert.equal(newest.entries.length, 2);
    assert.equal(newest.more, true);
    assert.ok(newest.entries[0]!.timestamp < newest.entries[1]!.timestamp, 'oldest first');
  });
});
