/**
 * Names filled in at delivery: an endpoint the worker could not name gets the workload that
 * held its address at the entry's time, from the hub's NameLookup; what the worker named stays.
 * The lookup here is a fixed table behind the interface the names module implements.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NameLookup } from '../dist/index.js';
import type { ResolutionPatch, Workload } from '@shoal/model';
import { waitFor } from '@shoal/testkit';
import { allUp, FIXTURES, getJson, startCluster, type Cluster } from './helpers/cluster.js';
import { FeedSocket } from './helpers/feed-socket.js';

describe('hub names at delivery', () => {
  let c: Cluster;
  const asked: { ip: string; port: number; ts: number }[] = [];
  const names: NameLookup = {
    namesAt(ip, port, ts) {
      asked.push({ ip, port, ts });
      // The fixture's server listens on 40291; its client port is ephemeral and stays unnamed.
      return port === 40291 ? { pod: 'web-1', namespace: 'shop', node: 'node-a' } : undefined;
    },
  };
  before(async () => {
    c = await startCluster(['node-a'], { names });
    await allUp(c);
  });
  after(async () => c.close());

  it('names the endpoints the worker left unnamed, as of the entry\'s time', async () => {
    const client = new FeedSocket(c.hub.port, '?q=');
    await client.ready();
    await c.workers[0]!.play(FIXTURES.keepAlive.path);
    await client.until(() => client.entries.length >= FIXTURES.keepAlive.entries, 'the fixture\'s entries');
    assert.equal(client.entries.length, FIXTURES.keepAlive.entries);
    for (const e of client.entries) {
      assert.deepEqual({ pod: e.dst.pod, namespace: e.dst.namespace, name: e.dst.name, node: e.dst.node }, { pod: 'web-1', namespace: 'shop', name: 'web-1', node: 'node-a' });
      assert.equal(e.src.pod, undefined);
      assert.ok(asked.some((a) => a.port === e.dst.port && a.ts === e.timestamp), 'looked up at the entry\'s timestamp');
    }
    await client.close();
  });
});

describe('hub names pushed to the workers', () => {
  let c: Cluster;
  let table: Record<string, Workload> = { '127.0.0.1': { pod: 'fixture-pod', namespace: 'test' } };
  const listeners = new Set<(patch: ResolutionPatch) => void>();
  const names: NameLookup = {
    namesAt: (ip) => table[ip],
    current: () => table,
    onPatch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const workerStats = async () => (await getJson(`http://127.0.0.1:${c.workers[0]!.port}`, '/stats', { authorization: `Bearer ${c.token}` })).body;

  before(async () => {
    c = await startCluster(['node-a'], { names });
    await allUp(c);
  });
  after(async () => c.close());

  it('gives a worker that comes up the whole table, so it names entries itself', async () => {
    let stats: { resolution: number } = { resolution: 0 };
    await waitFor(() => `the worker to hold the hub's table of 1 address (it holds ${stats.resolution})`, async () => (stats = await workerStats()).resolution === 1);
    const client = new FeedSocket(c.hub.port, '?q=');
    await client.ready();
    await c.workers[0]!.play(FIXTURES.head.path);
    await client.until(() => client.entries.length >= FIXTURES.head.entries, 'the fixture\'s entries');
    assert.equal(client.entries.length, FIXTURES.head.entries);
    assert.ok(client.entries.every((e) => e.src.pod === 'fixture-pod' && e.dst.pod === 'fixture-pod'));
    await client.close();
  });

  it('sends each change; a worker without PATCH /resolution gets the whole table instead', async () => {
    table = { ...table, '127.0.0.9': { service: 'api', namespace: 'test' } };
    for (const l of listeners) l({ upsert: { '127.0.0.9': { service: 'api', namespace: 'test' } } });
    let stats: { resolution: number } = { resolution: 0 };
    await waitFor(() => `the worker to hold the 2 addresses (it holds ${stats.resolution})`, async () => (stats = await workerStats()).resolution === 2);
    const status = (await getJson(c.hubBase, '/status')).body;
    assert.equal(status.workers[0].names.error, null);
    assert.equal(typeof status.workers[0].names.pushedAt, 'number');
  });
});
