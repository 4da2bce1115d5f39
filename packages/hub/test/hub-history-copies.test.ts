/**
 * A call between pods on two nodes is captured by both nodes' workers: history shows and counts
 * it once, as the live feed does, by the copy with the earlier timestamp (the client's node).
 * Two real workers replay the same 125 connections (500 exchanges, real traffic copied by
 * helpers/spread-capture.ts, between a client pod on node-a and a server pod on node-b), node-b's
 * 50 µs later. The workers know no names: the hub's names (a fixed table behind the NameLookup
 * interface the names module implements) say which node each end is on, so only a hub that
 * fills names in, as the feed does, can tell the copies.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@shoal/testkit';
import type { Entry, Workload } from '@shoal/model';
import type { NameLookup } from '../dist/index.js';
import { fixture, getJson, startCluster, type Cluster, type Json } from './helpers/cluster.js';
import { dissectFile, writeSpreadCapture } from './helpers/spread-capture.js';

const CLIENT = '10.0.1.5';
const SERVER = '10.0.2.7';
const PODS: Record<string, Workload> = {
  [CLIENT]: { name: 'web-1', pod: 'web-1', namespace: 'shop', node: 'node-a' },
  [SERVER]: { name: 'api-1', pod: 'api-1', namespace: 'shop', node: 'node-b' },
};
const names: NameLookup = { namesAt: (ip) => PODS[ip] };
const COPIES = 125;
const START_MS = 1_800_000_000_000;
/** node-b, the server's node, sees each packet this much later. */
const LATER_MS = 0.05;

const keyOf = (e: Json): string => `${e.timestamp}|${e.src.ip}:${e.src.port}>${e.dst.ip}:${e.dst.port}|${e.summary.text}|${e.requestSize}|${e.responseSize}|${e.elapsedMs}`;

describe('hub history of calls captured on two nodes', { timeout: 120_000 }, () => {
  let c: Cluster;
  let dir: string;
  /** The calls, as `shoal dissect` reads node-a's capture. */
  let calls: Entry[];
  let to: number;

  before(async () => {
    dir = fs.mkdtempSync(join(tmpdir(), 'shoal-hub-copies-'));
    c = await startCluster(['node-a', 'node-b'], { names }, { fileTime: true, targets: [{ ip: CLIENT, name: 'web-1', namespace: 'shop' }, { ip: SERVER, name: 'api-1', namespace: 'shop' }] });
    const files = [0, LATER_MS].map((late, i) => {
      const path = join(dir, `${i}.pcap`);
      writeSpreadCapture(fixture('status-204-304'), path, { copies: COPIES, group: 2, startMs: START_MS + late, stepMs: 3, port: (k) => 30_000 + k, client: CLIENT, server: SERVER });
      return path;
    });
    calls = dissectFile(files[0]!);
    assert.equal(calls.length, COPIES * 4);
    await Promise.all(c.workers.map((w, i) => w.play(files[i]!)));
    await waitFor('c.workers.every((w) => w.stored() === calls.length)', () => c.workers.every((w) => w.stored() === calls.length), 60_000);
    await waitFor('c.hub.registry.up().length === 2', () => c.hub.registry.up().length === 2);
    to = Math.ceil(Math.max(...calls.map((e) => e.timestamp))) + 1;
  });

  after(async () => {
    await c?.close();
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('GET /entries gives each call once, by the client node\'s copy, whatever the page size', async () => {
    for (const limit of [1000, 7, 2]) {
      const seen: Json[] = [];
      let before: number | null = Infinity;
      for (let n = 0; before !== null; n++) {
        assert.ok(n < 1000, 'the walk ends');
        const page: Json = (await getJson(c.hubBase, `/entries?limit=${limit}${before === Infinity ? '' : `&before=${before}`}`)).body;
        seen.push(...page.entries);
        before = page.next;
      }
      assert.ok(seen.every((e) => e.worker === 'node-a'), `limit ${limit}: only node-a's copies`);
      assert.deepEqual(seen.map(keyOf).sort(), calls.map(keyOf).sort(), `limit ${limit}`);
      assert.ok(seen.every((e) => e.src.node === 'node-a' && e.dst.node === 'node-b' && e.dst.name === 'api-1'), 'names filled in');
    }
  });

  it('GET /stats counts each call once', async () => {
    const stats = (await getJson(c.hubBase, `/stats?from=${START_MS}&to=${to}&bucket=100`)).body;
    assert.equal(stats.entries, calls.length);
    const want = Array.from({ length: Math.ceil((to - START_MS) / 100) }, () => 0);
    for (const e of calls) want[Math.floor((e.timestamp - START_MS) / 100)]!++;
    assert.deepEqual(stats.buckets.map((b: Json) => b.protocols.http?.count ?? 0), want);
  });

  it('GET /servicemap has the two pods and one edge counting each call once, with the client node\'s latencies', async () => {
    const map = (await getJson(c.hubBase, `/servicemap?from=${START_MS}&to=${to}`)).body;
    const byId = (a: Json, b: Json) => (a.id < b.id ? -1 : 1);
    assert.deepEqual([...map.nodes].sort(byId), [
      { id: 'shop/api-1', name: 'api-1', namespace: 'shop', kind: 'pod', node: 'node-b' },
      { id: 'shop/web-1', name: 'web-1', namespace: 'shop', kind: 'pod', node: 'node-a' },
    ]);
    const sorted = calls.map((e) => e.elapsedMs).sort((a, b) => a - b);
    assert.deepEqual(map.edges, [{
      source: 'shop/web-1',
      target: 'shop/api-1',
      protocol: 'http',
      count: calls.length,
      bytes: calls.reduce((n, e) => n + e.requestSize + e.responseSize, 0),
      errors: 0,
      p50Ms: sorted[Math.ceil(0.5 * sorted.length) - 1],
      p95Ms: sorted[Math.ceil(0.95 * sorted.length) - 1],
    }]);
    assert.equal(map.entries, calls.length);
  });
});
