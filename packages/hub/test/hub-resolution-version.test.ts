/**
 * The hub's versioned name pushes against a real worker: when the worker's table is not the
 * version the hub's next change applies to (someone replaced it by hand, or the worker
 * restarted), the worker answers the PATCH with 409 and the hub sends the whole table, so the
 * worker ends with exactly the hub's names, not the hub's change on top of a foreign table.
 * The names come from a fixed table behind the NameLookup interface the names module implements.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@shoal/testkit';
import type { ResolutionPatch, Workload } from '@shoal/model';
import type { NameLookup } from '../dist/index.js';
import { allUp, FIXTURES, getJson, startCluster, type Cluster, type Json } from './helpers/cluster.js';
import { FeedSocket } from './helpers/feed-socket.js';

describe('hub names: a worker whose table is not the hub\'s version', () => {
  let c: Cluster;
  const table: Record<string, Workload> = { '127.0.0.1': { pod: 'fixture-pod', namespace: 'test' } };
  const listeners = new Set<(patch: ResolutionPatch) => void>();
  const names: NameLookup = {
    namesAt: (ip) => table[ip],
    current: () => structuredClone(table),
    onPatch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const change = (patch: ResolutionPatch): void => {
    Object.assign(table, patch.upsert);
    for (const l of listeners) l(patch);
  };
  const worker = () => `http://127.0.0.1:${c.workers[0]!.port}`;
  const auth = () => ({ authorization: `Bearer ${c.token}` });
  const workerAddresses = async (): Promise<number> => (await getJson(worker(), '/stats', auth())).body.resolution;
  const hubNames = async (): Promise<Json> => (await getJson(c.hubBase, '/status')).body.workers[0].names;

  /** The pods the worker itself names on the entries of one replay (the hub fills nothing it named). */
  async function podsNamedByWorker(): Promise<string[]> {
    const feed = new FeedSocket(c.hub.port, '?q=');
    await feed.ready();
    await c.workers[0]!.play(FIXTURES.head.path);
    await waitFor('feed.entries.length >= FIXTURES.head.entries', () => feed.entries.length >= FIXTURES.head.entries);
    await feed.close();
    return [...new Set(feed.entries.flatMap((e: Json) => [e.src.pod, e.dst.pod]))];
  }

  before(async () => {
    c = await startCluster(['node-a'], { names });
    assert.ok(await allUp(c));
    await waitFor('the worker got the hub\'s table', async () => (await workerAddresses()) === 1 && (await hubNames()).pending === false);
  });
  after(async () => c.close());

  it('a table replaced by hand: the next change gets 409 and the hub sends its whole table', async () => {
    // An unversioned PUT, as `shoal lab` or a person with curl sends one.
    const foreign = { '127.0.0.1': { pod: 'impostor' }, '10.9.9.1': { pod: 'x' }, '10.9.9.2': { pod: 'y' } };
    const put = await fetch(`${worker()}/resolution`, { method: 'PUT', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify(foreign) });
    assert.deepEqual(await put.json(), { ok: true, addresses: 3, version: null });
    change({ upsert: { '127.0.0.9': { service: 'api', namespace: 'test' } } });
    // Applied on top of the foreign table, the change would leave 4 addresses and the impostor.
    let addresses = 0;
    await waitFor(() => `the worker to have the hub's 2 addresses (has ${addresses})`, async () => (addresses = await workerAddresses()) === 2 && (await hubNames()).pending === false);
    assert.deepEqual(await podsNamedByWorker(), ['fixture-pod']);
    const status = await hubNames();
    assert.equal(status.error, null, 'a 409 is not a failure');
    assert.equal(typeof status.pushedAt, 'number');
  });

  it('a worker restarted on the same address gets the whole table again', async () => {
    await c.workers[0]!.stop();
    // A restarted worker starts with an empty table: 2 addresses again means the hub re-pushed.
    await c.workers[0]!.start();
    // The first request may still go out on a pooled connection to the stopped worker.
    await waitFor('the hub pushed its table again', async () => (await workerAddresses().catch(() => -1)) === 2);
    assert.deepEqual(await podsNamedByWorker(), ['fixture-pod']);
  });
});
