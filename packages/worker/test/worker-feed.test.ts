import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from '@shoal/testkit';
import { FeedSocket, FIXTURE, FIXTURE_ENTRIES, FIXTURE_PACKETS, getJson, LOCAL_TARGET, metricValue, putJson, startHarness, type Json } from './helpers/harness.js';

describe('/ws with a slow client', () => {
  it('skips entries for a client that stops reading, tells it how many on catching up, and counts them', async () => {
    const h = await startHarness({ feedLimits: { highWaterBytes: 32 * 1024, lowWaterBytes: 8 * 1024 } });
    try {
      await putJson(h.base, '/targets', LOCAL_TARGET, h.token);
      const slow = new FeedSocket(h.worker.port, h.token, '?q=');
      const steady = new FeedSocket(h.worker.port, h.token, '?q=');
      await slow.ready();
      await steady.ready();
      slow.ws.pause();
      const feed = h.worker.core.pipeline.feed;
      let plays = 0;
      const deadline = Date.now() + 30_000;
      // Until the kernel's socket buffers are full and the worker's queue passed the limit. The
      // steady client shares this process: each replay waits for it, so it does keep up.
      while (feed.totals.lost < 50 && plays < 2000 && Date.now() < deadline) {
        await h.source.play(FIXTURE);
        plays++;
        await steady.until(() => steady.entries.length === plays * FIXTURE_ENTRIES, 'every entry at the client that reads', 5000);
      }
      assert.ok(feed.totals.lost >= 50, `entries were skipped after ${plays} replays`);
      const published = plays * FIXTURE_ENTRIES;
      assert.equal(steady.messages.filter((m) => m.lost !== undefined).length, 0);
      slow.ws.resume();
      const lostNotices = () => slow.messages.filter((m) => typeof m.lost === 'number');
      await slow.until(() => lostNotices().length > 0, 'a {lost} notice at the slow client', 10_000);
      const lost = lostNotices().reduce((sum, m) => sum + m.lost, 0);
      await slow.until(() => slow.entries.length + lost === published, `entries and lost to add up to ${published} (lost ${lost})`, 10_000);
      // After the notice the client gets entries again.
      await h.source.play(FIXTURE);
      await slow.until(() => slow.entries.length + lost === published + FIXTURE_ENTRIES, 'the entries after the notice');
      const text = await (await fetch(h.base + '/metrics')).text();
      assert.equal(metricValue(text, 'shoal_worker_feed_lost_entries_total'), lost);
      await Promise.all([slow.close(), steady.close()]);
    } finally {
      await h.close();
    }
  });
});

describe('/ws push-down counters', () => {
  it('counts per subscriber and in total the entries its filter kept from being sent', async () => {
    const h = await startHarness();
    try {
      await putJson(h.base, '/targets', LOCAL_TARGET, h.token);
      const all = new FeedSocket(h.worker.port, h.token, '?q=');
      const posts = new FeedSocket(h.worker.port, h.token, `?q=${encodeURIComponent('method == "POST"')}`);
      await all.ready();
      await posts.ready();
      assert.equal(await h.source.play(FIXTURE), FIXTURE_PACKETS);
      // Each entry is offered to every subscriber in one turn, so once `all` has the last one,
      // `posts` has been offered all of them too.
      await all.until(() => all.entries.length === FIXTURE_ENTRIES, 'the fixture\'s entries');
      await posts.until(() => posts.entries.length === 1, 'the POST');
      assert.equal(posts.entries[0].summary.method, 'POST');
      // A late subscriber replays the store: its filter runs on the stored entries the same way.
      const since = all.entries[0].timestamp;
      const users = new FeedSocket(h.worker.port, h.token, `?q=${encodeURIComponent('path == "/api/users"')}&since=${since}`);
      assert.equal((await users.ready()).replayed, 1);

      const feed = (await getJson(h.base, '/stats', h.token)).body.feed;
      const byFilter = new Map<string, Json>(feed.subscribers.map((s: Json) => [s.filter, s]));
      assert.equal(feed.clients, 3);
      const counts = (s: Json) => [s.evaluated, s.filtered, s.sent, s.lost];
      assert.deepEqual(counts(byFilter.get('')), [FIXTURE_ENTRIES, 0, FIXTURE_ENTRIES, 0]);
      assert.deepEqual(counts(byFilter.get('method == "POST"')), [FIXTURE_ENTRIES, FIXTURE_ENTRIES - 1, 1, 0]);
      assert.deepEqual(counts(byFilter.get('path == "/api/users"')), [FIXTURE_ENTRIES, FIXTURE_ENTRIES - 1, 1, 0]);
      for (const s of feed.subscribers) {
        assert.match(s.peer, /^127\.0\.0\.1:\d+$/);
        assert.equal(s.live, true);
        assert.equal(s.filterErrors, 0);
        assert.equal(typeof s.connectedAt, 'number');
      }
      assert.deepEqual(counts(feed), [3 * FIXTURE_ENTRIES, 2 * (FIXTURE_ENTRIES - 1), FIXTURE_ENTRIES + 2, 0]);

      // The totals outlive the subscribers.
      await Promise.all([all.close(), posts.close(), users.close()]);
      await waitFor('the worker to see the three clients gone', () => h.worker.core.pipeline.feed.clients.size === 0);
      const text = await (await fetch(h.base + '/metrics')).text();
      assert.equal(metricValue(text, 'shoal_worker_feed_entries_evaluated_total'), 3 * FIXTURE_ENTRIES);
      assert.equal(metricValue(text, 'shoal_worker_feed_entries_filtered_total'), 2 * (FIXTURE_ENTRIES - 1));
      assert.equal(metricValue(text, 'shoal_worker_feed_entries_sent_total'), FIXTURE_ENTRIES + 2);
      assert.deepEqual((await getJson(h.base, '/stats', h.token)).body.feed.subscribers, []);
    } finally {
      await h.close();
    }
  });
});

describe('/ws ready names where live begins', () => {
  it('gives the id of the last entry made before the subscription went live: every live entry comes after it', async () => {
    const h = await startHarness();
    try {
      await putJson(h.base, '/targets', LOCAL_TARGET, h.token);
      const first = new FeedSocket(h.worker.port, h.token, '?q=');
      assert.equal((await first.ready()).last, null, 'nothing made yet this run');
      await h.source.play(FIXTURE);
      assert.ok(await first.until(() => first.entries.length === FIXTURE_ENTRIES));
      const newest = first.entries[FIXTURE_ENTRIES - 1].id;
      const since = first.entries[0].timestamp;
      const replay = new FeedSocket(h.worker.port, h.token, `?q=&since=${since}`);
      const live = new FeedSocket(h.worker.port, h.token, '?q=');
      assert.equal((await replay.ready()).last, newest);
      assert.equal((await live.ready()).last, newest);
      await h.source.play(FIXTURE);
      assert.ok(await live.until(() => live.entries.length === FIXTURE_ENTRIES));
      const seq = (id: string) => Number(id.slice(id.lastIndexOf('/') + 1));
      assert.ok(live.entries.every((e) => e.id.startsWith(newest.slice(0, newest.lastIndexOf('/') + 1)) && seq(e.id) > seq(newest)));
      await Promise.all([first.close(), replay.close(), live.close()]);
    } finally {
      await h.close();
    }
  });
});
