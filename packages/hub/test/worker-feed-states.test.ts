/**
 * The hub's subscription to one worker (worker-feed.ts) and its heartbeat (heartbeat.ts) as
 * state machines, on a fake clock and fake sockets: reconnection, where a resumed subscription
 * starts (the feeds' rule, model's wire/feed.ts), what it drops, and a silent socket replaced.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RESUME_MARGIN_MS } from '@shoal/model';
import { Heartbeat } from '../dist/feed/heartbeat.js';
import { WorkerFeed, type WorkerFeedEvents } from '../dist/feed/worker-feed.js';
import { entry, FakeClock, FakeLink, FakeNetwork, FakeSocket, SILENT_LOG, type Json } from './helpers/fake-feed.js';

const HEARTBEAT_MS = 15_000;

function feedOn(link: FakeLink, since: number | undefined, options: { replayOnly?: boolean } = {}) {
  const net = new FakeNetwork();
  const got: Json[] = [];
  const lives: (string | null | undefined)[] = [];
  let settled = 0;
  let silent = 0;
  const events: WorkerFeedEvents = { entry: (e) => got.push(e), settled: () => settled++, live: (last) => lives.push(last), lost: () => undefined };
  const feed = new WorkerFeed(link, '', since, events, SILENT_LOG, { heartbeatMs: HEARTBEAT_MS, onSilent: () => silent++, ...options }, net);
  feed.start();
  return { net, feed, got, lives, settled: () => settled, silent: () => silent, ids: () => got.map((e) => e.id as string) };
}

describe('Heartbeat', () => {
  it('pings each period and terminates a socket that answered nothing for a whole period', () => {
    const clock = new FakeClock();
    const socket = new FakeSocket('ws://w/ws');
    socket.open();
    let silent = 0;
    new Heartbeat(socket, 1000, () => silent++, clock);
    clock.advance(1000);
    assert.equal(socket.pings, 1);
    socket.emit('pong');
    clock.advance(1000);
    assert.equal(socket.pings, 2, 'answered: pinged again');
    // A message is as good as a pong: the peer is alive.
    socket.emit('message', Buffer.from('{}'));
    clock.advance(1000);
    assert.equal(socket.terminated, false);
    clock.advance(1000);
    assert.equal(silent, 1);
    assert.equal(socket.terminated, true, 'no answer for a whole period');
  });

  it('reads the pong that came while the process stalled before it judges', () => {
    const clock = new FakeClock();
    const socket = new FakeSocket('ws://w/ws');
    socket.open();
    new Heartbeat(socket, 1000, () => undefined, clock);
    clock.advance(1000);
    // The loop stalls past the next beat; the pong is in the socket's buffer, read after the timer.
    const beat = () => clock.advance(1000);
    clock.afterIo(() => socket.emit('pong'));
    beat();
    assert.equal(socket.terminated, false, 'the pong read in the same turn counts');
  });

  it('stops with its socket', () => {
    const clock = new FakeClock();
    const socket = new FakeSocket('ws://w/ws');
    socket.open();
    const hb = new Heartbeat(socket, 1000, () => undefined, clock);
    hb.stop();
    clock.advance(5000);
    assert.equal(socket.pings, 0);
    assert.equal(socket.terminated, false);
  });
});

describe('WorkerFeed', () => {
  const T = 1_800_000_000_000;

  it('reconnects after a break and resumes a margin before the newest entry it had, dropping the repeats', () => {
    const link = new FakeLink('node-a');
    const f = feedOn(link, undefined);
    const first = f.net.last('node-a');
    assert.equal(first.since, undefined, 'live only at first');
    first.open();
    first.send({ ready: { filter: '', replayed: 0, last: 'node-a/r1/10' } });
    first.send(entry('node-a', 'r1', 11, T));
    first.send(entry('node-a', 'r1', 12, T + 5000));
    first.drop();
    assert.equal(f.net.to('node-a').length, 1, 'waits for its backoff');
    f.net.clock.advance(5000);
    const second = f.net.last('node-a');
    assert.equal(f.net.to('node-a').length, 2);
    assert.equal(second.since, T + 5000 - RESUME_MARGIN_MS);
    second.open();
    // The worker replays from there: what the feed had is dropped, what it missed comes, and
    // what the worker made before this feed went live (seq ≤ 10) was never this feed's.
    second.send(entry('node-a', 'r1', 9, T - 1000));
    second.send(entry('node-a', 'r1', 11, T));
    second.send(entry('node-a', 'r1', 12, T + 5000));
    second.send(entry('node-a', 'r1', 13, T + 4000));
    second.send({ ready: { filter: '', replayed: 4, last: 'node-a/r1/13' } });
    second.send(entry('node-a', 'r1', 14, T + 6000));
    assert.deepEqual(f.ids(), ['node-a/r1/11', 'node-a/r1/12', 'node-a/r1/13', 'node-a/r1/14']);
  });

  it('resumes a replay that gave nothing yet from its since, and one that did from its newest less the margin', () => {
    const link = new FakeLink('node-a');
    const f = feedOn(link, T - 3_600_000);
    const first = f.net.last('node-a');
    assert.equal(first.since, T - 3_600_000);
    first.open();
    first.drop();
    f.net.clock.advance(5000);
    assert.equal(f.net.last('node-a').since, T - 3_600_000, 'nothing came: the whole replay again');
    const second = f.net.last('node-a');
    second.open();
    second.send(entry('node-a', 'r1', 1, T - 100_000));
    second.drop();
    f.net.clock.advance(5000);
    assert.equal(f.net.last('node-a').since, T - 100_000 - RESUME_MARGIN_MS);
  });

  it('resumes a live feed that had nothing a margin before it lost the worker', () => {
    const link = new FakeLink('node-a');
    const f = feedOn(link, undefined);
    f.net.last('node-a').open();
    f.net.clock.advance(1000);
    const lostAt = f.net.clock.now();
    f.net.last('node-a').drop();
    f.net.clock.advance(5000);
    assert.equal(f.net.last('node-a').since, lostAt - RESUME_MARGIN_MS);
  });

  it('reconnects at once when the worker is seen up again, and backs off while it stays away', () => {
    const link = new FakeLink('node-a');
    const f = feedOn(link, undefined);
    f.net.last('node-a').drop();
    link.setUp(false);
    link.setUp(true);
    assert.equal(f.net.to('node-a').length, 2, 'up again: no need to wait for the backoff');
    f.net.last('node-a').drop();
    f.net.clock.advance(100);
    assert.equal(f.net.to('node-a').length, 2, 'within the backoff: no new socket');
    f.net.clock.advance(10_000);
    assert.equal(f.net.to('node-a').length, 3);
  });

  it('replaces a socket that went silent (a half-open one) and resumes it', () => {
    const link = new FakeLink('node-a');
    const f = feedOn(link, undefined);
    const first = f.net.last('node-a');
    first.open();
    first.send({ ready: { filter: '', replayed: 0, last: null } });
    first.send(entry('node-a', 'r1', 1, T));
    // The worker's node vanished: no pong, no close, nothing.
    first.removeAllListeners('pong');
    f.net.clock.advance(HEARTBEAT_MS);
    assert.equal(first.pings, 1);
    assert.equal(first.terminated, false);
    f.net.clock.advance(HEARTBEAT_MS);
    assert.equal(first.terminated, true, 'a whole period without an answer');
    assert.equal(f.silent(), 1);
    f.net.clock.advance(5000);
    const second = f.net.last('node-a');
    assert.notEqual(second, first, 'a new socket');
    assert.equal(second.since, T - RESUME_MARGIN_MS);
  });

  it('settles once, when the worker is down at the start or its first replay is done', () => {
    const down = new FakeLink('node-a');
    down.up = false;
    assert.equal(feedOn(down, T).settled(), 1, 'a worker known to be down does not hold the group');
    const up = feedOn(new FakeLink('node-b'), T);
    assert.equal(up.settled(), 0);
    const s = up.net.last('node-b');
    s.open();
    s.send({ ready: { filter: '', replayed: 0, last: 'node-b/r1/3' } });
    s.drop();
    up.net.clock.advance(5000);
    up.net.last('node-b').open();
    up.net.last('node-b').send({ ready: { filter: '', replayed: 0, last: 'node-b/r1/3' } });
    assert.equal(up.settled(), 1);
    assert.deepEqual(up.lives, ['node-b/r1/3', 'node-b/r1/3']);
  });

  it('replay only: closes at the worker\'s ready, reports its last, ignores what follows and never reconnects', () => {
    const link = new FakeLink('node-a');
    const f = feedOn(link, T, { replayOnly: true });
    const s = f.net.last('node-a');
    s.open();
    s.send(entry('node-a', 'r1', 1, T + 1));
    s.send({ ready: { filter: '', replayed: 1, last: 'node-a/r1/1' } });
    s.send(entry('node-a', 'r1', 2, T + 2));
    assert.equal(s.closedWith, 1000);
    assert.deepEqual(f.ids(), ['node-a/r1/1']);
    assert.deepEqual(f.lives, ['node-a/r1/1']);
    f.net.clock.advance(60_000);
    link.setUp(true);
    assert.equal(f.net.to('node-a').length, 1);
  });
});
