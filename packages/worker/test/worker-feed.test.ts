import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FeedSocket, FIXTURE, FIXTURE_ENTRIES, LOCAL_TARGET, metricValue, putJson, startHarness, waitFor } from './helpers/harness.js';

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
      while (feed.lostTotal < 50 && plays < 2000 && Date.now() < deadline) {
        await h.source.play(FIXTURE);
        plays++;
        assert.ok(await steady.until(() => steady.entries.length === plays * FIXTURE_ENTRIES, 5000), 'a client that reads loses nothing');
      }
      assert.ok(feed.lostTotal >= 50, `entries were skipped after ${plays} replays`);
      const published = plays * FIXTURE_ENTRIES;
      assert.equal(steady.messages.filter((m) => m.lost !== undefined).length, 0);
      slow.ws.resume();
      const lostNotices = () => slow.messages.filter((m) => typeof m.lost === 'number');
      assert.ok(await slow.until(() => lostNotices().length > 0, 10_000), 'the slow client hears of its losses');
      const lost = lostNotices().reduce((sum, m) => sum + m.lost, 0);
      assert.ok(await waitFor(() => slow.entries.length + lost === published, 10_000), `${slow.entries.length} + ${lost} = ${published}`);
      // After the notice the client gets entries again.
      await h.source.play(FIXTURE);
      assert.ok(await slow.until(() => slow.entries.length + lost === published + FIXTURE_ENTRIES));
      const text = await (await fetch(h.base + '/metrics')).text();
      assert.equal(metricValue(text, 'shoal_worker_feed_lost_entries_total'), lost);
      await Promise.all([slow.close(), steady.close()]);
    } finally {
      await h.close();
    }
  });
});
