/**
 * History and aggregates across workers: /entries merged newest first and paged with `next`,
 * /stats per protocol per bucket, /servicemap edges. The entries are recorded from two real
 * workers (fixtures replayed through their pipelines, received through the hub's /ws) and
 * served back by stand-ins for the workers' coming /entries route (helpers/history-stand-in.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { startHub, type RunningHub } from '../dist/index.js';
import { allUp, FIXTURES, getJson, startCluster, waitFor, type Json } from './helpers/cluster.js';
import { FeedSocket } from './helpers/feed-socket.js';
import { startHistoryStandIn } from './helpers/history-stand-in.js';

describe('hub history over two workers', () => {
  let hub: RunningHub;
  let base: string;
  let recorded: Json[] = [];
  const closers: (() => Promise<void>)[] = [];

  before(async () => {
    const c = await startCluster(['node-a', 'node-b']);
    closers.push(() => c.close());
    assert.ok(await allUp(c));
    const client = new FeedSocket(c.hub.port, '?q=');
    await client.ready();
    await Promise.all([c.workers[0]!.play(FIXTURES.keepAlive.path), c.workers[1]!.play(FIXTURES.keepAlive.path)]);
    await c.workers[1]!.play(FIXTURES.head.path);
    const total = 2 * FIXTURES.keepAlive.entries + FIXTURES.head.entries;
    assert.ok(await waitFor(() => client.entries.length >= total));
    recorded = client.entries;
    await client.close();
    const standIns = await Promise.all(['node-a', 'node-b'].map((n) => startHistoryStandIn(n, recorded.filter((e) => e.worker === n), c.token)));
    for (const s of standIns) closers.push(() => s.close());
    hub = await startHub({
      port: 0, host: '127.0.0.1', workerToken: c.token, logger: pino({ level: 'silent' }),
      workers: standIns.map((s, i) => ({ name: ['node-a', 'node-b'][i]!, host: '127.0.0.1', port: s.port })),
      link: { pollMs: 200, backoffBaseMs: 50, backoffMaxMs: 500 },
    });
    closers.push(() => hub.close());
    base = `http://127.0.0.1:${hub.port}`;
    assert.ok(await waitFor(() => hub.registry.up().length === 2));
  });
  after(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('GET /entries pages back through both workers, newest first, each entry once', async () => {
    const seen: Json[] = [];
    let before: number | null = Infinity;
    for (let pages = 0; before !== null && pages < 20; pages++) {
      const page: Json = (await getJson(base, `/entries?limit=3${before === Infinity ? '' : `&before=${before}`}`)).body;
      assert.ok(page.entries.length <= 3);
      seen.push(...page.entries);
      before = page.next;
    }
    assert.equal(before, null, 'the last page says there is no more');
    assert.equal(seen.length, recorded.length);
    assert.ok(seen.every((e, i) => i === 0 || seen[i - 1].timestamp >= e.timestamp), 'newest first');
    assert.deepEqual(new Set(seen.map((e) => e.id)), new Set(recorded.map((e) => e.id)));
  });

  it('GET /entries?q= passes the filter down', async () => {
    const page = (await getJson(base, `/entries?q=${encodeURIComponent('method == "POST"')}`)).body;
    assert.deepEqual(page.entries.map((e: Json) => e.worker).sort(), ['node-a', 'node-b']);
    assert.equal(page.next, null);
    const bad = await getJson(base, `/entries?q=${encodeURIComponent('method ==')}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'FLT_ERR_SYNTAX');
  });

  it('GET /stats counts entries per protocol per bucket', async () => {
    const from = Math.floor(Math.min(...recorded.map((e) => e.timestamp)));
    const to = Math.ceil(Math.max(...recorded.map((e) => e.timestamp))) + 1;
    const stats = (await getJson(base, `/stats?from=${from}&to=${to}&bucket=${to - from}`)).body;
    assert.equal(stats.buckets.length, 1);
    assert.equal(stats.buckets[0].protocols.http.count, recorded.length);
    assert.equal(stats.buckets[0].protocols.http.bytes, recorded.reduce((n, e) => n + e.requestSize + e.responseSize, 0));
    assert.equal(stats.truncated, false);
    assert.deepEqual(stats.unavailable, {});
  });

  it('GET /servicemap gives edges with count, bytes, errors and latency percentiles', async () => {
    const from = Math.floor(Math.min(...recorded.map((e) => e.timestamp)));
    const map = (await getJson(base, `/servicemap?from=${from}&to=${Date.now() + 1}`)).body;
    assert.equal(map.edges.reduce((n: number, e: Json) => n + e.count, 0), recorded.length);
    for (const edge of map.edges) {
      assert.equal(edge.protocol, 'http');
      assert.ok(edge.p50Ms <= edge.p95Ms);
      assert.equal(edge.errors, 0);
      assert.ok(map.nodes.some((n: Json) => n.id === edge.source));
    }
  });
});
