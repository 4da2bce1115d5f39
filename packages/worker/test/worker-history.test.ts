import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FeedSocket,
  FIXTURE,
  FIXTURE_ENTRIES,
  getJson,
  LOCAL_TARGET,
  PIPELINED_FIXTURE,
  putJson,
  startHarness,
  type Harness,
  type Json,
} from './helpers/harness.js';

/**
 * Stores the entries of `plays` replays (every third one the pipelined capture, whose four
 * entries share a timestamp; `until` may end it early) and returns them as /ws streamed them,
 * which is store order.
 */
async function fill(h: Harness, plays: number, until: () => Promise<boolean> = async () => false): Promise<Json[]> {
  assert.equal((await putJson(h.base, '/targets', LOCAL_TARGET, h.token)).status, 200);
  const feed = new FeedSocket(h.worker.port, h.token, '?q=');
  await feed.ready();
  let played = 0;
  while (played < plays) {
    assert.ok((await h.source.play(played % 3 === 2 ? PIPELINED_FIXTURE : FIXTURE)) > 0);
    played++;
    if (await until()) break;
  }
  assert.ok(await feed.until(() => feed.entries.length === played * FIXTURE_ENTRIES), `${feed.entries.length} entries streamed`);
  await feed.close();
  return feed.entries;
}

/** Newest first by timestamp; equal timestamps, the later stored first (the worker's order). */
function newestFirst(entries: Json[]): string[] {
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => b.e.timestamp - a.e.timestamp || b.i - a.i)
    .map(({ e }) => e.id);
}

/** Follows `next` from the newest entry until the worker says there is nothing older. */
async function allPages(h: Harness, query: string): Promise<Json[]> {
  const pages: Json[] = [];
  let before = '';
  for (let n = 0; n < 500; n++) {
    const res = await getJson(h.base, `/entries?${query}${before}`, h.token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    pages.push(res.body);
    if (res.body.next === null) return pages;
    before = `&before=${res.body.next}`;
  }
  assert.fail('more than 500 pages');
}

const ids = (pages: Json[]): string[] => pages.flatMap((p) => p.entries.map((e: Json) => e.id));
const POST = `q=${encodeURIComponent('method == "POST"')}`;

describe('GET /entries (history, newest first)', () => {
  it('pages through several store segments: before=next gives every entry once, in order', async () => {
    const h = await startHarness({ storageLimitBytes: 1 << 20 });
    try {
      const stored = await fill(h, 36);
      const store = (await getJson(h.base, '/stats', h.token)).body.store;
      assert.ok(store.segments >= 3, `${store.segments} segments, ${store.bytes} bytes`);
      assert.equal(store.evictedEntries, 0);

      const pages = await allPages(h, 'limit=7');
      assert.deepEqual(ids(pages), newestFirst(stored));
      assert.equal(pages[0].examined, pages[0].entries.length, 'the walk stops at the page\'s end');
      for (const page of pages.slice(0, -1)) {
        // A page never splits entries of one timestamp: a pipelined group may take it past 7.
        assert.ok(page.entries.length >= 7 && page.entries.length <= 7 + 3, `${page.entries.length} entries`);
        assert.ok(page.entries.slice(6).every((e: Json) => e.timestamp === page.next), 'past the 7th, only its timestamp group');
      }
      // Entries are exactly what /ws streamed and GET /entries/:id returns.
      const byId = new Map(stored.map((e) => [e.id, e]));
      for (const page of pages) for (const e of page.entries) assert.deepEqual(e, byId.get(e.id));

      // Entries sharing a timestamp come together, even with limit=1.
      const pipelined = stored[2 * FIXTURE_ENTRIES].timestamp;
      const group = (await getJson(h.base, `/entries?limit=1&before=${pipelined + 0.001}`, h.token)).body;
      assert.deepEqual(group.entries.map((e: Json) => e.timestamp), [pipelined, pipelined, pipelined, pipelined]);
      assert.equal(group.next, pipelined);

      // `before` is strict; the default limit is 100.
      const middle = stored[50].timestamp;
      const older = (await getJson(h.base, `/entries?before=${middle}`, h.token)).body;
      assert.deepEqual(older.entries.map((e: Json) => e.id), newestFirst(stored.filter((e) => e.timestamp < middle)));
      assert.equal(older.next, null);
      const newest = (await getJson(h.base, '/entries', h.token)).body;
      assert.ok(newest.entries.length >= 100 && newest.entries.length <= 103, `${newest.entries.length} entries`);
      assert.deepEqual(newest.entries.map((e: Json) => e.id), newestFirst(stored).slice(0, newest.entries.length));

      // The filter applies: only the POSTs, newest first.
      const posts = await allPages(h, `${POST}&limit=5`);
      assert.deepEqual(ids(posts), newestFirst(stored.filter((e) => e.summary.method === 'POST')));
      assert.equal(ids(posts).length, 36);
    } finally {
      await h.close();
    }
  });

  it('answers with what it found when the examine cap is hit, and `next` continues from there', async () => {
    const h = await startHarness({ historyMaxExamined: 10 });
    try {
      const stored = await fill(h, 12);
      const order = newestFirst(stored);
      const first = (await getJson(h.base, `/entries?${POST}`, h.token)).body;
      // The cap ends the page between two timestamps: 10, or up to 3 more for a pipelined group.
      assert.ok(first.examined >= 10 && first.examined <= 13, `examined ${first.examined}`);
      const examined = new Set(order.slice(0, first.examined));
      const byId = new Map(stored.map((e) => [e.id, e]));
      assert.deepEqual(first.entries.map((e: Json) => e.id), order.filter((id) => examined.has(id) && byId.get(id).summary.method === 'POST'));
      assert.equal(first.next, byId.get(order[first.examined - 1]!).timestamp, 'the oldest entry examined, matching or not');
      const pages = await allPages(h, POST);
      assert.ok(pages.length >= 4, `${pages.length} pages`);
      assert.deepEqual(ids(pages), order.filter((id) => byId.get(id).summary.method === 'POST'));
      assert.equal(pages.reduce((sum, p) => sum + p.examined, 0), stored.length, 'every stored entry examined once');
    } finally {
      await h.close();
    }
  });

  it('returns no evicted entry', async () => {
    const h = await startHarness({ storageLimitBytes: 256 * 1024 });
    try {
      const evicted = async () => (await getJson(h.base, '/stats', h.token)).body.store.evictedEntries > 0;
      const stored = await fill(h, 400, evicted);
      assert.ok(await evicted());
      const kept = (await getJson(h.base, '/stats', h.token)).body.store.entries;
      const got = ids(await allPages(h, 'limit=1000'));
      assert.equal(got.length, kept);
      assert.deepEqual(got, newestFirst(stored).slice(0, kept));
      assert.equal((await getJson(h.base, `/entries/${stored[0].id}`, h.token)).status, 404, 'the oldest was evicted');
    } finally {
      await h.close();
    }
  });

  it('refuses bad parameters with 400, a bad filter with its position', async () => {
    const h = await startHarness();
    try {
      for (const query of ['limit=0', 'limit=1001', 'limit=abc', 'limit=1.5', 'limit=-3', 'before=abc', 'before=Infinity', 'before=1e400']) {
        const res = await getJson(h.base, `/entries?${query}`, h.token);
        assert.equal(res.status, 400, query);
        assert.equal(res.body.error.code, 'WRK_ERR_BAD_REQUEST', query);
        assert.match(res.body.error.message, /^(limit|before)= must be/);
      }
      const bad = await getJson(h.base, `/entries?q=${encodeURIComponent('method == "POST" &&')}`, h.token);
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.code, /^FLT_ERR_/);
      assert.equal(bad.body.error.position.line, 1);
      assert.ok(bad.body.error.position.column >= 18);
      assert.equal(typeof bad.body.error.excerpt, 'string');
      assert.deepEqual((await getJson(h.base, '/entries?limit=1000&before=1795671600000.5', h.token)).body, { entries: [], next: null, examined: 0 });
      assert.equal((await getJson(h.base, '/entries', undefined)).status, 401);
    } finally {
      await h.close();
    }
  });
});
