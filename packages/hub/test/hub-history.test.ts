/**
 * History across three real workers (helpers/cluster.ts: in-process workers fed by ReplaySource
 * at the files' own times, a real hub), each holding 20,000 entries of a capture made from real
 * traffic (helpers/spread-capture.ts): copies of one keep-alive connection, in groups of four
 * sharing their packets' times, on one timeline for all workers, so twelve entries share each
 * timestamp across the workers. The ground truth is `shoal dissect` of the same files, through
 * the same CEL filter (@shoal/filter): GET /entries paged with `next`, /stats and /servicemap
 * must give exactly that.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@shoal/testkit';
import { compileFilter } from '@shoal/filter';
import { isErrorEntry, type Entry } from '@shoal/model';
import { fixture, getJson, startCluster, type Cluster, type Json } from './helpers/cluster.js';
import { dissectFile, writeSpreadCapture } from './helpers/spread-capture.js';

const NAMES = ['node-a', 'node-b', 'node-c'];
/** status-204-304.pcap: one connection, four exchanges. */
const EXCHANGES = 4;
const COPIES = 5_000;
const PER_WORKER = COPIES * EXCHANGES;
const GROUP = 4;
const START_MS = 1_800_000_000_000;
const STEP_MS = 2;
/** Copy k of worker w speaks from this port: the ports say which copies are the oldest. */
const portOf = (w: number, k: number): number => 20_000 + NAMES.length * k + w;
/** The GET /api/users of the two oldest copies of each worker: six of 60,000 entries. */
const RARE = `src.port < ${portOf(0, 2)} && path == "/api/users"`;
/** A worker reads at most this many entries per GET /entries (its examine cap), so RARE takes many. */
const MAX_EXAMINED = 2_000;

/** What identifies an exchange whichever process dissected it (ids and names differ). */
const keyOf = (e: Json): string => `${e.timestamp}|${e.src.ip}:${e.src.port}>${e.dst.ip}:${e.dst.port}|${e.summary.text}|${e.requestSize}|${e.responseSize}|${e.elapsedMs}`;

/**
 * Follows `next` from `before` (default: the newest entry) until the hub says nothing is left,
 * or until a page reaches back to `from`.
 */
async function allPages(c: Cluster, query: string, before = Infinity, from = -Infinity): Promise<Json[]> {
  const pages: Json[] = [];
  let cursor: number | null = before;
  for (let n = 0; n < 1000; n++) {
    const r = await getJson(c.hubBase, `/entries?${query}${cursor === Infinity ? '' : `&before=${cursor}`}`);
    assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
    pages.push(r.body);
    cursor = r.body.next;
    if (cursor === null || cursor <= from) return pages;
  }
  assert.fail('more than 1000 pages');
}

/** `got` holds exactly the exchanges of `want`, newest first, each once. */
function assertSameHistory(got: Json[], want: Entry[]): void {
  assert.equal(new Set(got.map((e) => e.id)).size, got.length, 'no entry twice');
  assert.ok(got.every((e, i) => i === 0 || got[i - 1].timestamp >= e.timestamp), 'newest first');
  assert.deepEqual(got.map(keyOf).sort(), want.map(keyOf).sort());
}

describe('hub history over three real workers × 20,000 entries', { timeout: 300_000 }, () => {
  let c: Cluster;
  let dir: string;
  /** Each worker's capture as `shoal dissect` reads it. */
  let truth: Entry[];

  before(async () => {
    dir = fs.mkdtempSync(join(tmpdir(), 'shoal-hub-history-'));
    c = await startCluster(NAMES, {}, { fileTime: true, historyMaxExamined: MAX_EXAMINED, storageLimitBytes: 256 << 20 });
    truth = [];
    await Promise.all(
      c.workers.map(async (w, i) => {
        const path = join(dir, `${w.name}.pcap`);
        writeSpreadCapture(fixture('status-204-304'), path, { copies: COPIES, group: GROUP, startMs: START_MS, stepMs: STEP_MS, port: (k) => portOf(i, k) });
        truth.push(...dissectFile(path));
        await w.play(path);
      }),
    );
    assert.equal(truth.length, NAMES.length * PER_WORKER, 'dissect finds every exchange');
    await waitFor(() => `stored: ${c.workers.map((w) => w.stored())}`, () => c.workers.every((w) => w.stored() === PER_WORKER), 60_000);
    await waitFor('every worker up', () => c.hub.registry.up().length === NAMES.length);
  });

  after(async () => {
    await c?.close();
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the captures have runs of equal timestamps, across workers', () => {
    const perTimestamp = new Map<number, number>();
    for (const e of truth) perTimestamp.set(e.timestamp, (perTimestamp.get(e.timestamp) ?? 0) + 1);
    assert.equal(Math.min(...perTimestamp.values()), GROUP * NAMES.length);
  });

  it('GET /entries pages back through every entry, newest first, each once, never cutting a timestamp', async () => {
    const limit = 1000;
    const pages = await allPages(c, `limit=${limit}`);
    assertSameHistory(pages.flatMap((p) => p.entries), truth);
    for (const page of pages.slice(0, -1)) {
      // At least `limit`, then only the rest of the limit-th entry's timestamp.
      const last = page.entries[limit - 1].timestamp;
      assert.ok(page.entries.slice(limit).every((e: Json) => e.timestamp === last), 'past the limit, only one timestamp\'s group');
      assert.equal(page.next, last, 'the next page starts below that group');
      assert.equal(page.limit, limit);
      assert.equal(page.unavailable, undefined);
    }
  });

  it('a filter matching a handful of the oldest entries pages on through the examine caps until every store is exhausted', async () => {
    const filter = compileFilter(RARE);
    const want = truth.filter((e) => filter.matches(e));
    assert.equal(want.length, 2 * NAMES.length);
    const pages = await allPages(c, `limit=100&q=${encodeURIComponent(RARE)}`);
    assertSameHistory(pages.flatMap((p) => p.entries), want);
    // The workers read 2,000 entries per request: the first pages find nothing, yet go on.
    assert.deepEqual(pages[0].entries, []);
    assert.equal(typeof pages[0].next, 'number');
    assert.ok(pages.length > 1, `${pages.length} pages`);
  });

  it('GET /stats counts exactly the filtered history, per protocol and bucket', async () => {
    const from = START_MS;
    const to = Math.ceil(Math.max(...truth.map((e) => e.timestamp))) + 1;
    const bucket = 500;
    for (const q of ['', RARE, 'status_code == 304']) {
      const filter = compileFilter(q);
      const want = truth.filter((e) => filter.matches(e));
      const stats = (await getJson(c.hubBase, `/stats?q=${encodeURIComponent(q)}&from=${from}&to=${to}&bucket=${bucket}`)).body;
      const buckets = Array.from({ length: Math.ceil((to - from) / bucket) }, (_, i) => ({ start: from + i * bucket, protocols: {} as Json }));
      for (const e of want) {
        const p = (buckets[Math.floor((e.timestamp - from) / bucket)]!.protocols[e.protocol.name] ??= { count: 0, bytes: 0, errors: 0 });
        p.count++;
        p.bytes += e.requestSize + e.responseSize;
        if (isErrorEntry(e)) p.errors++;
      }
      assert.deepEqual(stats.buckets, buckets, q);
      assert.equal(stats.entries, want.length, q);
      assert.equal(stats.truncated, false);
      assert.deepEqual(stats.unavailable, {});
    }
  });

  it('GET /stats over part of the range counts what paging GET /entries gives there', async () => {
    const from = START_MS + 1000.5;
    const to = START_MS + 2000.25;
    const paged = (await allPages(c, 'limit=1000', to, from)).flatMap((p) => p.entries).filter((e) => e.timestamp >= from);
    const stats = (await getJson(c.hubBase, `/stats?from=${from}&to=${to}&bucket=100`)).body;
    assert.equal(stats.entries, paged.length);
    assert.equal(stats.buckets.reduce((n: number, b: Json) => n + (b.protocols.http?.count ?? 0), 0), paged.length);
    assert.equal(paged.length, truth.filter((e) => e.timestamp >= from && e.timestamp < to).length);
  });

  it('GET /servicemap counts every exchange once: one edge, the full count', async () => {
    const to = Math.ceil(Math.max(...truth.map((e) => e.timestamp))) + 1;
    const map = (await getJson(c.hubBase, `/servicemap?from=${START_MS}&to=${to}`)).body;
    // The files' two ends are 127.0.0.1, which nothing names.
    assert.deepEqual(map.nodes, [{ id: '127.0.0.1', name: '127.0.0.1', namespace: null, kind: 'ip', node: null }]);
    assert.equal(map.edges.length, 1);
    const sorted = truth.map((e) => e.elapsedMs).sort((a, b) => a - b);
    assert.deepEqual(map.edges[0], {
      source: '127.0.0.1',
      target: '127.0.0.1',
      protocol: 'http',
      count: truth.length,
      bytes: truth.reduce((n, e) => n + e.requestSize + e.responseSize, 0),
      errors: 0,
      p50Ms: sorted[Math.ceil(0.5 * sorted.length) - 1],
      p95Ms: sorted[Math.ceil(0.95 * sorted.length) - 1],
    });
    assert.equal(map.entries, truth.length);
  });
});
