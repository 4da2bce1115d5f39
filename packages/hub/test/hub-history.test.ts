/**
 * History and aggregates across real workers: /entries merged newest first and paged with
 * `next`, /stats per protocol per bucket, /servicemap edges. Each test starts its own cluster
 * (helpers/cluster.ts: in-process workers fed by ReplaySource, a real hub), replays the HTTP/1
 * fixtures into both workers, and checks the hub's answers against each worker's own
 * `GET /entries`. Both workers replay keep-alive, so the same calls are in both stores under
 * different ids; the hub does not merge them (a copy needs its ends named on two nodes), so
 * counts add up across workers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allUp, FIXTURES, getJson, startCluster, type Cluster, type Json } from './helpers/cluster.js';

const NAMES = ['node-a', 'node-b'];
/** node-a: keep-alive; node-b: keep-alive then head. */
const EXPECTED = { 'node-a': FIXTURES.keepAlive.entries, 'node-b': FIXTURES.keepAlive.entries + FIXTURES.head.entries } as Record<string, number>;

/** A worker's own answer to GET /entries (one page of up to 1000, which holds everything here). */
async function workerEntries(c: Cluster, i: number, q = ''): Promise<Json[]> {
  const r = await getJson(`http://127.0.0.1:${c.workers[i]!.port}`, `/entries?limit=1000&q=${encodeURIComponent(q)}`, { authorization: `Bearer ${c.token}` });
  assert.equal(r.status, 200);
  assert.equal(r.body.next, null);
  return r.body.entries;
}

/**
 * A cluster whose workers have stored the fixtures. The workers play one after the other, each
 * waiting for its entries to be stored, so no two workers' entries share a timestamp (the hub
 * does not promise to keep those on one page).
 */
async function playedCluster(): Promise<{ c: Cluster; stored: Json[][] }> {
  const c = await startCluster(NAMES);
  try {
    assert.ok(await allUp(c), 'both workers up');
    const k = FIXTURES.keepAlive;
    // [worker, fixture, entries that worker holds afterwards]
    const plays: [number, string, number][] = [[0, k.path, k.entries], [1, k.path, k.entries], [1, FIXTURES.head.path, k.entries + FIXTURES.head.entries]];
    for (const [i, path, want] of plays) {
      await c.workers[i]!.play(path);
      let n = -1;
      for (let tries = 0; tries < 500 && n < want; tries++) {
        n = (await workerEntries(c, i)).length;
        if (n < want) await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(n, want, `${NAMES[i]} stored its entries`);
    }
    const stored = await Promise.all(NAMES.map((_, i) => workerEntries(c, i)));
    NAMES.forEach((n, i) => {
      assert.equal(stored[i]!.length, EXPECTED[n]);
      assert.ok(stored[i]!.every((e) => e.worker === n));
    });
    return { c, stored };
  } catch (err) {
    await c.close();
    throw err;
  }
}

const bytesOf = (e: Json): number => e.requestSize + e.responseSize;
const isError = (e: Json): boolean => (e.summary.status ?? 0) >= 500 || e.malformed !== undefined;
const workload = (p: Json): string => {
  const name = p.name ?? p.pod ?? p.service ?? p.ip;
  return p.namespace === undefined ? name : `${p.namespace}/${name}`;
};
/** Nearest-rank percentile, computed here independently of the hub. */
function nearestRank(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

describe('hub history over two real workers', () => {
  it('GET /entries pages back through both workers, newest first, each entry once', async () => {
    const { c, stored } = await playedCluster();
    try {
      const byId = new Map(stored.flat().map((e) => [e.id, e]));
      const seen: Json[] = [];
      let before: number | null = null;
      let pages = 0;
      do {
        const r = await getJson(c.hubBase, `/entries?limit=3${before === null ? '' : `&before=${before}`}`);
        assert.equal(r.status, 200);
        assert.ok(r.body.entries.length > 0, 'no empty page before the end');
        seen.push(...r.body.entries);
        before = r.body.next;
        pages++;
      } while (before !== null && pages < 20);
      assert.equal(before, null, 'the last page says there is no more');
      assert.ok(pages >= Math.ceil(byId.size / 3), `paged in steps of 3 (${pages} pages)`);
      assert.equal(seen.length, byId.size, 'as many entries as both workers stored');
      assert.equal(new Set(seen.map((e) => e.id)).size, seen.length, 'no entry twice');
      assert.ok(seen.every((e, i) => i === 0 || seen[i - 1].timestamp >= e.timestamp), 'newest first');
      for (const e of seen) assert.deepEqual(e, byId.get(e.id), `${e.id} as its worker stored it`);
      NAMES.forEach((n, i) => {
        assert.deepEqual(seen.filter((e) => e.worker === n).map((e) => e.id), stored[i]!.map((e) => e.id), `${n}'s entries in its own order`);
      });
    } finally {
      await c.close();
    }
  });

  it('GET /entries?q= passes the filter down', async () => {
    const { c, stored } = await playedCluster();
    try {
      const q = 'method == "POST"';
      const filtered = await Promise.all(NAMES.map((_, i) => workerEntries(c, i, q)));
      const want = filtered.flat().map((e) => e.id).sort();
      assert.ok(want.length > 0 && want.length < stored.flat().length, 'the filter picks some entries, not all');
      const page = (await getJson(c.hubBase, `/entries?q=${encodeURIComponent(q)}`)).body;
      assert.deepEqual(page.entries.map((e: Json) => e.id).sort(), want);
      assert.ok(page.entries.every((e: Json) => e.summary.method === 'POST'));
      assert.deepEqual([...new Set(page.entries.map((e: Json) => e.worker))].sort(), NAMES, 'matches from both workers');
      assert.equal(page.next, null);
      assert.equal(page.examined, stored.flat().length, 'every stored entry was tested against the filter');
      const bad = await getJson(c.hubBase, `/entries?q=${encodeURIComponent('method ==')}`);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'FLT_ERR_SYNTAX');
    } finally {
      await c.close();
    }
  });

  it('GET /stats counts entries per protocol per bucket', async () => {
    const { c, stored } = await playedCluster();
    try {
      const all = stored.flat();
      const from = Math.floor(Math.min(...all.map((e) => e.timestamp)));
      const to = Math.ceil(Math.max(...all.map((e) => e.timestamp))) + 1;
      const bucket = Math.max(1, Math.ceil((to - from) / 4));
      const stats = (await getJson(c.hubBase, `/stats?from=${from}&to=${to}&bucket=${bucket}`)).body;
      const want = Array.from({ length: Math.ceil((to - from) / bucket) }, (_, i) => ({ start: from + i * bucket, protocols: {} as Json }));
      for (const e of all) {
        const p = (want[Math.floor((e.timestamp - from) / bucket)]!.protocols[e.protocol.name] ??= { count: 0, bytes: 0, errors: 0 });
        p.count++;
        p.bytes += bytesOf(e);
        if (isError(e)) p.errors++;
      }
      assert.equal(stats.bucketMs, bucket);
      assert.deepEqual(stats.buckets, want);
      assert.equal(stats.buckets.reduce((n: number, b: Json) => n + (b.protocols.http?.count ?? 0), 0), all.length, 'both workers counted');
      assert.equal(stats.entries, all.length);
      assert.equal(stats.truncated, false);
      assert.deepEqual(stats.unavailable, {});
    } finally {
      await c.close();
    }
  });

  it('GET /servicemap gives edges with count, bytes, errors and latency percentiles', async () => {
    const { c, stored } = await playedCluster();
    try {
      const all = stored.flat();
      const from = Math.floor(Math.min(...all.map((e) => e.timestamp)));
      const to = Math.ceil(Math.max(...all.map((e) => e.timestamp))) + 1;
      const map = (await getJson(c.hubBase, `/servicemap?from=${from}&to=${to}`)).body;
      const groups = new Map<string, Json[]>();
      for (const e of all) {
        const key = `${workload(e.src)} ${workload(e.dst)} ${e.protocol.name}`;
        groups.set(key, [...(groups.get(key) ?? []), e]);
      }
      const want = [...groups.values()].map((es) => ({
        source: workload(es[0].src),
        target: workload(es[0].dst),
        protocol: es[0].protocol.name,
        count: es.length,
        bytes: es.reduce((n, e) => n + bytesOf(e), 0),
        errors: es.filter(isError).length,
        p50Ms: nearestRank(es.map((e) => e.elapsedMs), 50),
        p95Ms: nearestRank(es.map((e) => e.elapsedMs), 95),
      }));
      const order = (a: Json, b: Json) => `${a.source} ${a.target} ${a.protocol}`.localeCompare(`${b.source} ${b.target} ${b.protocol}`);
      assert.deepEqual([...map.edges].sort(order), want.sort(order));
      assert.equal(map.edges.reduce((n: number, e: Json) => n + e.count, 0), all.length, 'both workers counted');
      for (const edge of map.edges) {
        assert.ok(map.nodes.some((n: Json) => n.id === edge.source));
        assert.ok(map.nodes.some((n: Json) => n.id === edge.target));
      }
      // The files' addresses are not named: no pod, so no Kubernetes node to group by.
      for (const n of map.nodes) assert.equal(n.node, null);
      assert.equal(map.entries, all.length);
      assert.equal(map.truncated, false);
      assert.deepEqual(map.unavailable, {});
    } finally {
      await c.close();
    }
  });
});
