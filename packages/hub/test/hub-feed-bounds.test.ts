/**
 * The bounds of the hub's /ws over real sockets (docs/hub.md, Bounds): replays at once per hub
 * and per client, subscriptions per socket per second, and the heartbeat that closes a client
 * gone silent. Each is refused with its coded error, counted in /metrics, and leaves the socket
 * as documented.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@shoal/testkit';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { NODE_CLOCK, NODE_FEED_ENVIRONMENT, startHub, type RunningHub } from '../dist/index.js';
import { allUp, FIXTURES, startCluster, type Cluster } from './helpers/cluster.js';
import { FeedSocket } from './helpers/feed-socket.js';
import { hubMetrics, metricValue } from './helpers/metrics-text.js';

describe('hub /ws replay bounds', () => {
  let c: Cluster;
  before(async () => {
    // No replay at all for the hub (--max-replays 0): what a refusal looks like, whatever the timing.
    c = await startCluster(['node-a'], { feed: { maxReplays: 0 } });
    assert.ok(await allUp(c));
  });
  after(async () => c.close());

  it('refuses a first subscription with since: the coded error, then close 4429 (try later)', async () => {
    const client = new FeedSocket(c.hub.port, `?q=&since=${Date.now() - 60_000}`);
    assert.equal(await client.whenClosed(), 4429);
    assert.equal(client.messages[0].error.code, 'HUB_ERR_REPLAY_LIMIT');
    assert.match(client.messages[0].error.message, /--max-replays/);
    assert.equal(c.hub.feeds.replaying, 0);
    assert.equal(metricValue(await hubMetrics(c.hubBase), 'shoal_hub_feed_replays_refused_total{bound="hub"}'), 1);
  });

  it('refuses a later subscription with since, keeping the socket and its live query', async () => {
    const client = new FeedSocket(c.hub.port, '?q=');
    await client.ready();
    client.send({ filter: 'http', since: Date.now() - 60_000 });
    assert.ok(await client.until((m) => m.some((x) => x.error !== undefined)));
    assert.equal(client.messages.find((x) => x.error !== undefined).error.code, 'HUB_ERR_REPLAY_LIMIT');
    await c.workers[0]!.play(FIXTURES.head.path);
    assert.ok(await client.until(() => client.entries.length === FIXTURES.head.entries), 'the live query goes on');
    assert.equal(client.closeCode, undefined);
    await client.close();
  });
});

describe('hub /ws per-client replay bound', () => {
  let hub: RunningHub;
  before(async () => {
    hub = await startHub({ port: 0, host: '127.0.0.1', workers: [], logger: pino({ level: 'silent' }), feed: { maxClientReplays: 0 } });
  });
  after(async () => hub.close());

  it('names the client bound, per client id of the proxy in front', async () => {
    const client = new FeedSocket(hub.port, `?q=&since=${Date.now()}`, { 'x-shoal-client': 'session-1' });
    assert.equal(await client.whenClosed(), 4429);
    assert.match(client.messages[0].error.message, /--max-client-replays/);
    const text = await hubMetrics(`http://127.0.0.1:${hub.port}`);
    assert.equal(metricValue(text, 'shoal_hub_feed_replays_refused_total{bound="client"}'), 1);
    assert.equal(metricValue(text, 'shoal_hub_feed_replays'), 0);
  });
});

describe('hub /ws subscriptions per second', () => {
  let hub: RunningHub;
  /** The hub's clock for its bounds, moved by the test: the window is one second of it. */
  let now = 1_800_000_000_000;
  before(async () => {
    hub = await startHub({
      port: 0, host: '127.0.0.1', workers: [], logger: pino({ level: 'silent' }),
      feed: { maxResubscribes: 2 },
      feedEnvironment: { ...NODE_FEED_ENVIRONMENT, clock: { ...NODE_CLOCK, now: () => now } },
    });
  });
  after(async () => hub.close());

  it('refuses the subscription past the bound with HUB_ERR_RESUBSCRIBE_RATE, keeps the socket and the previous query, takes one a second later', async () => {
    const client = new FeedSocket(hub.port, '?q=');
    await client.ready();
    client.send({ filter: 'http' });
    assert.equal((await client.ready(2)).filter, 'http');
    client.send({ filter: 'dns' });
    assert.ok(await client.until((m) => m.some((x) => x.error !== undefined)));
    const error = client.messages.find((x) => x.error !== undefined).error;
    assert.equal(error.code, 'HUB_ERR_RESUBSCRIBE_RATE');
    assert.match(error.message, /--max-resubscribes/);
    assert.equal(hub.feeds.list().map((g) => g.filter.text).join(), 'http', 'the previous query stays in force');
    assert.equal(client.closeCode, undefined);
    now += 1000;
    client.send({ filter: 'dns' });
    assert.equal((await client.ready(3)).filter, 'dns');
    assert.equal(metricValue(await hubMetrics(`http://127.0.0.1:${hub.port}`), 'shoal_hub_feed_resubscribes_refused_total'), 1);
    await client.close();
  });
});

describe('hub /ws heartbeat', () => {
  let hub: RunningHub;
  before(async () => {
    hub = await startHub({ port: 0, host: '127.0.0.1', workers: [], logger: pino({ level: 'silent' }), feed: { heartbeatMs: 300 } });
  });
  after(async () => hub.close());

  it('terminates a client socket that does not answer its pings', async () => {
    // A client whose side vanished: it neither answers pings nor sends anything.
    const silent = new WebSocket(`ws://127.0.0.1:${hub.port}/ws?q=`, { autoPong: false });
    const closed = new Promise<number>((resolve) => silent.on('close', (code) => resolve(code)));
    silent.on('error', () => undefined);
    assert.equal(await closed, 1006, 'cut, not closed with a handshake');
    await waitFor('hub.feeds.clients === 0', () => hub.feeds.clients === 0);
    assert.equal(metricValue(await hubMetrics(`http://127.0.0.1:${hub.port}`), 'shoal_hub_feed_silent_sockets_total{peer="clients"}'), 1);
  });
});
