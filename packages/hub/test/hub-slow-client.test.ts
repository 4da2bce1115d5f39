/**
 * A client that stops reading: the hub's queue for it stays bounded (entries are skipped and
 * counted), a steady client on the same query is not affected, and the slow one hears
 * `{"lost": n}` when it catches up, so that what it got plus what it lost is everything. The
 * same for a client that takes its entries in batches: the batch being built counts as queued.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@shoal/testkit';
import { allUp, FIXTURES, startCluster, type Cluster } from './helpers/cluster.js';
import { FeedSocket } from './helpers/feed-socket.js';

const LIMITS = { highWaterBytes: 64 * 1024, lowWaterBytes: 16 * 1024 };
/** The largest entry of the fixture as JSON is under this; one may go out past the high mark. */
const LARGEST_ENTRY_BYTES = 16 * 1024;

describe('hub /ws with a slow client', () => {
  let c: Cluster;
  before(async () => {
    // No merge window: each entry goes out as it arrives, so what the steady client (in this
    // process) has to read between two plays is one play's entries, never a window's worth.
    c = await startCluster(['node-a', 'node-b'], { clientLimits: LIMITS, feed: { windowMs: 0 } });
    await allUp(c);
  });
  after(async () => c.close());

  for (const batch of [false, true]) {
    it(`skips entries for it past a bounded queue, then sends {lost: n}${batch ? ' (batched client)' : ''}`, async () => {
      const lostBefore = c.hub.feeds.counters.lost;
      const slow = new FeedSocket(c.hub.port, batch ? '?q=&batch=1' : '?q=');
      const steady = new FeedSocket(c.hub.port, '?q=');
      await Promise.all([slow.ready(), steady.ready()]);
      slow.ws.pause();
      const group = c.hub.feeds.list().find((g) => g.filter.text === '')!;
      let maxQueued = 0;
      let plays = 0;
      // The paused client's kernel buffers (several MiB on loopback) take entries before the
      // hub's own queue grows: play until the hub skips some, bounded in count and time.
      const deadline = Date.now() + 120_000;
      const perPlay = FIXTURES.keepAlive.entries + FIXTURES.head.entries;
      const received = () => Object.values(group.receivedByWorker()).reduce((sum, n) => sum + n, 0);
      // Skipped by the hub for the slow client itself, not told on from a worker to both clients
      // (a count of what is still in flight from the workers makes this low, never high).
      const lostNow = () => c.hub.feeds.counters.lost - lostBefore - 2 * ((plays / 2) * perPlay - received());
      while (lostNow() < 50 && plays < 12_000 && Date.now() < deadline) {
        await Promise.all([c.workers[0]!.play(FIXTURES.keepAlive.path), c.workers[1]!.play(FIXTURES.head.path)]);
        // A small file replays without leaving the microtask queue: let the sockets move.
        await new Promise((resolve) => setImmediate(resolve));
        plays += 2;
        for (const client of group.clients.keys()) maxQueued = Math.max(maxQueued, client.queuedBytes);
      }
      assert.ok(lostNow() >= 50, `entries were skipped after ${plays} replays`);
      assert.ok(maxQueued <= LIMITS.highWaterBytes + LARGEST_ENTRY_BYTES, `the hub queued at most ${maxQueued} bytes for the slow client`);
      const published = (plays / 2) * perPlay;
      // On a busy machine a worker may skip entries for the hub itself (its own bounded queue):
      // every client of the query then hears of them. The steady client loses those and no more.
      const lostBy = (socket: FeedSocket) => socket.messages.filter((m) => typeof m.lost === 'number').reduce((sum, m) => sum + m.lost, 0);
      await steady.until(() => steady.entries.length + lostBy(steady) === published, `all ${published} entries (or their {lost}) at the steady client`, 20_000);
      const skippedByWorkers = published - received();
      assert.equal(lostBy(steady), skippedByWorkers, 'the steady client lost only what the hub never got');

      slow.ws.resume();
      const lostNotices = () => slow.messages.filter((m) => typeof m.lost === 'number');
      await slow.until(() => lostNotices().length > 0, 'a {lost} notice at the slow client', 20_000);
      const lost = () => lostBy(slow);
      await waitFor(() => `entries and lost to add up to ${published} (${slow.entries.length} + ${lost()})`, () => slow.entries.length + lost() === published, 20_000);
      if (batch) assert.ok(slow.frames < slow.messages.length, `batches: ${slow.frames} messages for ${slow.messages.length}`);
      const metrics = await (await fetch(`${c.hubBase}/metrics`)).text();
      assert.match(metrics, new RegExp(`^shoal_hub_feed_lost_entries_total ${lostBefore + lost() + lostBy(steady)}$`, 'm'));
      assert.ok(lost() > skippedByWorkers, `the slow client lost ${lost()}, more than the ${skippedByWorkers} the workers skipped`);
      await Promise.all([slow.close(), steady.close()]);
    });
  }
});
