/**
 * Names filled in at delivery: an endpoint the worker could not name gets the workload that
 * held its address at the entry's time, from the hub's NameLookup; what the worker named stays.
 * The lookup here is a fixed table behind the interface the names module implements.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NameLookup } from '../dist/index.js';
import { allUp, FIXTURES, startCluster, waitFor, type Cluster } from './helpers/cluster.js';
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
    assert.ok(await allUp(c));
  });
  after(async () => c.close());

  it('names the endpoints the worker left unnamed, as of the entry\'s time', async () => {
    const client = new FeedSocket(c.hub.port, '?q=');
    await client.ready();
    await c.workers[0]!.play(FIXTURES.keepAlive.path);
    assert.ok(await waitFor(() => client.entries.length >= FIXTURES.keepAlive.entries));
    for (const e of client.entries) {
      assert.deepEqual({ pod: e.dst.pod, namespace: e.dst.namespace, name: e.dst.name, node: e.dst.node }, { pod: 'web-1', namespace: 'shop', name: 'web-1', node: 'node-a' });
      assert.equal(e.src.pod, undefined);
      assert.ok(asked.some((a) => a.port === e.dst.port && a.ts === e.timestamp), 'looked up at the entry\'s timestamp');
    }
    await client.close();
  });
});
