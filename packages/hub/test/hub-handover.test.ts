/**
 * A client that asks for history (`since`) against real workers while they keep making entries:
 * it shares the live group of its query with the live clients (one subscription per worker for
 * both), and where its replay hands over to the shared stream nothing is lost and nothing comes
 * twice, wherever that point falls among the entries being made.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@shoal/testkit';
import { allUp, FIXTURES, startCluster, type Cluster } from './helpers/cluster.js';
import { FeedSocket } from './helpers/feed-socket.js';

/** Plays of each fixture per worker: enough for the replay's join to fall among them. */
const PLAYS = 12;

describe('hub /ws: replay handed over to the shared live group', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster(['node-a', 'node-b']);
    assert.ok(await allUp(c));
  });
  after(async () => c.close());

  it('gives a replaying client exactly the entries a live client had since the same instant, once each', async () => {
    const live = new FeedSocket(c.hub.port, '?q=');
    await live.ready();
    const since = Date.now();
    const [a, b] = c.workers as [typeof c.workers[0], typeof c.workers[0]];
    let replay: FeedSocket | undefined;
    for (let i = 0; i < PLAYS; i++) {
      const plays = Promise.all([a.play(FIXTURES.keepAlive.path), b.play(FIXTURES.gzip.path)]);
      // The replay starts while entries are being made: its handover falls among them.
      if (i === PLAYS / 2) replay = new FeedSocket(c.hub.port, `?q=&since=${since}&batch=1`);
      await plays;
    }
    const total = PLAYS * (FIXTURES.keepAlive.entries + FIXTURES.gzip.entries);
    await waitFor(() => `live client: ${live.entries.length} of ${total}`, () => live.entries.length === total);
    await waitFor(() => `replaying client: ${replay!.entries.length} of ${total}`, () => replay!.entries.length >= total);
    // The marker: once both have an entry made after everything above, they had all they would get.
    await a.play(FIXTURES.head.path);
    await waitFor('replay!.entries.length === total + FIXTURES.head.entries && live.entries.length === total + FIXTURES.head.entries', () => replay!.entries.length === total + FIXTURES.head.entries && live.entries.length === total + FIXTURES.head.entries);
    const ids = replay!.entries.map((e) => e.id as string);
    assert.equal(new Set(ids).size, ids.length, 'nothing twice');
    assert.deepEqual([...ids].sort(), live.entries.map((e) => e.id as string).sort(), 'nothing lost');
    assert.equal(replay!.messages.filter((m) => m.ready !== undefined).length, 1);
    assert.equal(replay!.messages.filter((m) => m.lost !== undefined).length, 0);

    // One live group, shared: the replay added no subscription that outlives it.
    const groups = c.hub.feeds.list();
    assert.equal(groups.length, 1);
    assert.equal(groups[0]!.clients.size, 2);
    assert.equal((await replay!.ready()).query, groups[0]!.id);
    assert.equal(c.hub.feeds.replaying, 0);
    await Promise.all([live.close(), replay!.close()]);
  });
});
