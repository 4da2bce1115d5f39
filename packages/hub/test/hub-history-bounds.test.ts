/**
 * The bounds of the hub's history routes (docs/hub.md, "Bounds of the history"), each with its
 * flag's option, its metric and what a client is told: `limit` lowered to --max-history-limit,
 * /stats and /servicemap walks capped by --max-walks (503 HUB_ERR_TOO_MANY_WALKS with
 * Retry-After), and the same walk asked again within --walk-share-ms answered from the first.
 * And a worker that cannot answer: named in `unavailable`, the others' history served.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import { waitFor } from '@shoal/testkit';
import { pino } from 'pino';
import { startHub } from '../dist/index.js';
import { FIXTURES, getJson, startCluster, type Json } from './helpers/cluster.js';
import { startWorkerProcess } from './helpers/worker-process.js';

async function metrics(base: string): Promise<string> {
  return (await fetch(`${base}/metrics`)).text();
}

/** The value of `name` in the hub's /metrics. */
async function metric(base: string, name: string): Promise<number> {
  const line = (await metrics(base)).split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line !== undefined, `${name} in /metrics`);
  return Number(line.slice(name.length + 1));
}

describe('hub history: bounds and partial answers', { timeout: 120_000 }, () => {
  it('lowers a limit above --max-history-limit to it, says so in the page and counts it; refuses bad parameters', async () => {
    const c = await startCluster(['node-a'], { history: { maxPageEntries: 3 } });
    try {
      await waitFor('c.hub.registry.up().length === 1', () => c.hub.registry.up().length === 1);
      await c.workers[0]!.play(FIXTURES.keepAlive.path);
      await waitFor('c.workers[0]!.stored() === FIXTURES.keepAlive.entries', () => c.workers[0]!.stored() === FIXTURES.keepAlive.entries);
      const newest = (await getJson(c.hubBase, '/entries?limit=100')).body;
      assert.equal(newest.limit, 3);
      assert.equal(newest.entries.length, 3, 'the keep-alive exchanges have four distinct timestamps');
      assert.equal(newest.next, newest.entries[2].timestamp);
      const rest = (await getJson(c.hubBase, `/entries?limit=3&before=${newest.next}`)).body;
      assert.deepEqual({ limit: rest.limit, entries: rest.entries.length, next: rest.next }, { limit: 3, entries: 1, next: null });
      assert.equal(await metric(c.hubBase, 'shoal_hub_history_limit_lowered_total'), 1, 'limit=3 was not lowered');
      for (const bad of ['0', '-1', 'abc', '1.5']) {
        const r = await getJson(c.hubBase, `/entries?limit=${bad}`);
        assert.equal(r.status, 400, bad);
        assert.equal(r.body.error.code, 'HUB_ERR_BAD_REQUEST');
        assert.match(r.body.error.message, /^limit= must be a whole number/);
      }
      for (const route of ['/entries', '/stats', '/servicemap']) {
        const r = await getJson(c.hubBase, `${route}?q=${encodeURIComponent('method ==')}`);
        assert.deepEqual([r.status, r.body.error.code, r.body.error.position.column], [400, 'FLT_ERR_SYNTAX', 10], `${route}: refused before any worker is asked`);
      }
    } finally {
      await c.close();
    }
  });

  it('refuses a walk beyond --max-walks with 503 and Retry-After; the same walk joins the running one', async () => {
    const worker = await startWorkerProcess('node-a');
    const hub = await startHub({
      port: 0,
      host: '127.0.0.1',
      workers: [{ name: 'node-a', host: '127.0.0.1', port: worker.port }],
      workerToken: fs.readFileSync(worker.tokenFile, 'utf8').trim(),
      logger: pino({ level: 'silent' }),
      // The stopped worker must not time out while the test looks at the walk it holds.
      link: { pollMs: 200, backoffBaseMs: 50, backoffMaxMs: 500, timeoutMs: 60_000 },
      history: { maxWalks: 1, shareMs: 0 },
    });
    const base = `http://127.0.0.1:${hub.port}`;
    try {
      await waitFor('the worker comes up', () => hub.registry.up().length === 1);
      worker.child.kill('SIGSTOP');
      const question = '/stats?from=1000&to=2000';
      const held = getJson(base, question);
      const joined = getJson(base, question);
      await waitFor('one walk waits for the stopped worker', async () => (await metric(base, 'shoal_hub_walks_running')) === 1);
      await waitFor('the same question joined it', async () => (await metric(base, 'shoal_hub_walks_shared_total')) === 1);
      const refused = await fetch(`${base}/servicemap?from=1000&to=2000`);
      assert.equal(refused.status, 503);
      assert.equal(refused.headers.get('retry-after'), '2');
      const body = (await refused.json()) as Json;
      assert.equal(body.error.code, 'HUB_ERR_TOO_MANY_WALKS');
      assert.match(body.error.message, /--max-walks 1/);
      worker.child.kill('SIGCONT');
      const [a, b] = await Promise.all([held, joined]);
      assert.equal(a.status, 200);
      assert.deepEqual(b, a, 'the same question shares the walk');
      assert.equal(a.body.entries, 0);
      assert.deepEqual(a.body.unavailable, {});
      const text = await metrics(base);
      for (const [name, value] of [['walks_total', 1], ['walks_refused_total', 1], ['walks_shared_total', 1], ['walks_running', 0]] as const) {
        assert.match(text, new RegExp(`^shoal_hub_${name} ${value}$`, 'm'));
      }
      assert.equal((await getJson(base, '/servicemap?from=1000&to=2000')).status, 200, 'a place is free again');
    } finally {
      worker.child.kill('SIGCONT');
      await hub.close();
      await worker.stop();
    }
  });

  it('names a worker that cannot answer and pages on through the others', async () => {
    const c = await startCluster(['node-a', 'node-b']);
    try {
      await waitFor('c.hub.registry.up().length === 2', () => c.hub.registry.up().length === 2);
      await Promise.all(c.workers.map((w) => w.play(FIXTURES.keepAlive.path)));
      await waitFor('c.workers.every((w) => w.stored() === FIXTURES.keepAlive.entries)', () => c.workers.every((w) => w.stored() === FIXTURES.keepAlive.entries));
      await c.workers[1]!.stop();
      const seen: Json[] = [];
      let before: number | null = Infinity;
      while (before !== null) {
        assert.ok(seen.length <= FIXTURES.keepAlive.entries, 'the walk ends');
        const page: Json = (await getJson(c.hubBase, `/entries?limit=1${before === Infinity ? '' : `&before=${before}`}`)).body;
        assert.deepEqual(Object.keys(page.unavailable ?? {}), ['node-b'], 'each page says it lacks node-b');
        seen.push(...page.entries);
        before = page.next;
      }
      assert.deepEqual(seen.map((e) => e.worker), Array(FIXTURES.keepAlive.entries).fill('node-a'));
      const stats = (await getJson(c.hubBase, '/stats?from=0')).body;
      assert.deepEqual([stats.entries, Object.keys(stats.unavailable)], [FIXTURES.keepAlive.entries, ['node-b']]);
    } finally {
      await c.close();
    }
  });

  it('answers the same walk asked again within --walk-share-ms from the first', async () => {
    const c = await startCluster(['node-a'], { history: { shareMs: 60_000 } }, { fileTime: true });
    try {
      await waitFor('c.hub.registry.up().length === 1', () => c.hub.registry.up().length === 1);
      const w = c.workers[0]!;
      await w.play(FIXTURES.keepAlive.path);
      await waitFor('w.stored() === FIXTURES.keepAlive.entries', () => w.stored() === FIXTURES.keepAlive.entries);
      // Both files' exchanges lie in this range (keep-alive.pcap, then head.pcap 2.3 s later).
      const range = 'from=1795671628000&to=1795671632000';
      const first = (await getJson(c.hubBase, `/stats?${range}`)).body;
      assert.equal(first.entries, FIXTURES.keepAlive.entries);
      await w.play(FIXTURES.head.path);
      await waitFor('w.stored() === FIXTURES.keepAlive.entries + FIXTURES.head.entries', () => w.stored() === FIXTURES.keepAlive.entries + FIXTURES.head.entries);
      assert.deepEqual((await getJson(c.hubBase, `/stats?${range}`)).body, first, 'the shared answer, not a new walk');
      assert.equal(await metric(c.hubBase, 'shoal_hub_walks_shared_total'), 1);
      const other = (await getJson(c.hubBase, `/stats?${range}&q=http`)).body;
      assert.equal(other.entries, FIXTURES.keepAlive.entries + FIXTURES.head.entries, 'another question walks anew');
      const map = (await getJson(c.hubBase, `/servicemap?${range}`)).body;
      assert.equal(map.entries, FIXTURES.keepAlive.entries + FIXTURES.head.entries, '/servicemap is another question than /stats');
      assert.equal(await metric(c.hubBase, 'shoal_hub_walks_total'), 3);
    } finally {
      await c.close();
    }
  });
});
