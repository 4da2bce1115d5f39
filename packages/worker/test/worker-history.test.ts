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
function newestFirstEntries(entries: Json[]): Json[] {
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => b.e.timestamp - a.e.timestamp || b.i - a.i)
    .map(({ e }) => e);
}

const newestFirst = (entries: Json[]): string[] => newestFirstEntries(entries).map((e) => e.id);

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

/**
 * The pages the worker must give for `order` (its stored entries, newest first), by the rule of
 * docs/api.md: a page takes entries until it holds `limit` matches or has examined `maxExamined`,
 * then the rest of the last timestamp; `next` is that timestamp, null once nothing is left.
 */
function expectedPages(order: Json[], matches: (e: Json) => boolean, limit: number, maxExamined = 5000): { ids: string[]; next: number | null; examined: number }[] {
  const pages: { ids: string[]; next: number | null; examined: number }[] = [];
  let page = { ids: [] as string[], next: null as number | null, examined: 0 };
  for (let i = 0; i < order.length; i++) {
    const e = order[i];
    page.examined++;
    if (matches(e)) page.ids.push(e.id);
    const groupEnds = order[i + 1]?.timestamp !== e.timestamp;
    if (groupEnds && i + 1 < order.length && (page.ids.length >= limit || page.examined >= maxExamined)) {
      page.next = e.timestamp;
      pages.push(page);
      page = { ids: [], next: null, examined: 0 };
    }
  }
  pages.push(page);
  return pages;
}

const shape = (pages: Json[]) => pages.map((p) => ({ ids: p.entries.map((e: Json) => e.id), next: p.next, examined: p.examined }));
const POST = `q=${encodeURIComponent('method == "POST"')}`;

describe('GET /entries (history, newest first)', () => {
  it('pages through several store segments: before=next gives every entry once, in order', async () => {
    const h = await startHarness({ storageLimitBytes: 1 << 20 });
    try {
      const stored = await fill(h, 36);
      const store = (await getJson(h.base, '/stats', h.token)).body.store;
      assert.ok(store.segments >= 3, `${store.segments} segments, ${store.bytes} bytes`);
      assert.equal(store.evictedEntries, 0);

      const order = newestFirstEntries(stored);
      const pages = await allPages(h, 'limit=7');
      assert.deepEqual(ids(pages), newestFirst(stored));
      // A page never splits entries of one timestamp: a pipelined group may take it past 7.
      assert.deepEqual(shape(pages), expectedPages(order, () => true, 7));
      assert.ok(pages.some((p) => p.entries.length > 7), 'some page ends with a pipelined group');
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
      assert.deepEqual(shape([newest]), expectedPages(order, () => true, 100).slice(0, 1));

      // The filter applies: only the POSTs, newest first.
      const isPost = (e: Json) => e.summary.method === 'POST';
      const posts = await allPages(h, `${POST}&limit=5`);
      assert.deepEqual(shape(posts), expectedPages(order, isPost, 5));
      assert.equal(ids(posts).length, 36);
    } finally {
      await h.close();
    }
  });

  it('answers with what it found when the examine cap is hit, and `next` continues from there', async () => {
    const h = await startHarness({ historyMaxExamined: 9 });
    try {
      const stored = await fill(h, 12);
      const order = newestFirstEntries(stored);
      const isPost = (e: Json) => e.summary.method === 'POST';
      // The cap ends a page between two timestamps: after the 9th entry examined, or after
      // the pipelined group it falls in; `next` is the oldest examined, matching or not.
      const want = expectedPages(order, isPost, 100, 9);
      assert.ok(want.some((p) => p.examined > 9), 'a pipelined group takes a page past the cap');
      const pages = await allPages(h, POST);
      assert.deepEqual(shape(pages), want);
      assert.deepEqual(ids(pages), order.filter(isPost).map((e) => e.id));
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
      assert.deepEqual(bad.body.error.position, { offset: 19, line: 1, column: 20 }, 'at the end, where a term is missing');
      assert.equal(typeof bad.body.error.excerpt, 'string');
      assert.deepEqual((await getJson(h.base, '/entries?limit=1000&before=1795671600000.5', h.token)).body, { entries: [], next: null, examined: 0 });
      assert.equal((await getJson(h.base, '/entries', undefined)).status, 401);
    } finally {
      await h.close();
    }
  });
});
