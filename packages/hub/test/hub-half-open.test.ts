/**
 * A half-open socket to a worker: the worker's node loses its link (no FIN, no RST reaches the
 * hub), reboots meanwhile (a new worker process on the same store), and comes back. Without a
 * heartbeat the hub's feed socket stays open forever, receiving nothing; with it, the socket
 * is replaced once the link is back, and the feed resumes by the feeds' rule: every entry the
 * new worker made reaches the client, and none twice. A real worker in a network namespace;
 * needs root.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@shoal/testkit';
import { pino } from 'pino';
import { startHub, type RunningHub } from '../dist/index.js';
import { FIXTURES } from './helpers/cluster.js';
import { FeedSocket } from './helpers/feed-socket.js';
import { netnsUnavailable, WorkerNetns } from './helpers/worker-netns.js';

const skip = netnsUnavailable();

describe('hub feed to a worker whose link went down', { skip: skip ?? false }, () => {
  let lab: WorkerNetns;
  let hub: RunningHub;
  before(async () => {
    lab = new WorkerNetns();
  });
  after(async () => {
    await hub?.close();
    lab?.destroy();
  });

  it('replaces the half-open socket once the link is back, with nothing lost or twice', async () => {
    const first = await lab.startWorker();
    hub = await startHub({
      port: 0,
      host: '127.0.0.1',
      workers: [{ name: 'node-h', host: lab.workerIp, port: lab.port }],
      workerToken: lab.token,
      logger: pino({ level: 'silent' }),
      link: { pollMs: 200, timeoutMs: 1000, backoffBaseMs: 50, backoffMaxMs: 500 },
      feed: { heartbeatMs: 500 },
    });
    await waitFor('the hub reaches the worker in its namespace', () => hub.registry.up().length === 1);
    const client = new FeedSocket(hub.port, '?q=');
    await client.ready();
    await first.play(FIXTURES.keepAlive.path);
    await waitFor('entries flow before the outage', () => client.entries.length === FIXTURES.keepAlive.entries);
    const feed = hub.feeds.list()[0]!.feedOf('node-h')!;
    assert.equal(feed.opened, 1);

    // The node drops off the network and reboots: the old worker's goodbye never reaches the hub.
    lab.linkDown();
    await first.kill();
    lab.forgetConnections();
    const second = await lab.startWorker();
    await second.play(FIXTURES.gzip.path);
    await waitFor('the heartbeat gives up on the silent socket', () => hub.feeds.guard.silent.workers >= 1);
    lab.linkUp();

    const expected = FIXTURES.keepAlive.entries + FIXTURES.gzip.entries;
    await waitFor(() => `${client.entries.length} of ${expected} entries after the link came back`, () => client.entries.length >= expected, 20_000);
    assert.ok(feed.opened > 1, 'a new socket');
    // The marker: an entry made after all of the above; once it is in, nothing else is on its way.
    await second.play(FIXTURES.head.path);
    await waitFor(() => `${client.entries.length} of ${expected + FIXTURES.head.entries}`, () => client.entries.length === expected + FIXTURES.head.entries);
    const ids = client.entries.map((e) => e.id as string);
    assert.equal(new Set(ids).size, ids.length, 'nothing twice');
    assert.equal(new Set(ids.map((id) => id.split('/')[1])).size, 2, 'entries of both runs of the worker');
    await client.close();
  });
});
