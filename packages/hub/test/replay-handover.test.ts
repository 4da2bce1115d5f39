/**
 * The history→live handover of the hub's query groups (feed-hub.ts, query-group.ts,
 * replay-group.ts, replay-handover.ts) on a fake clock and fake worker sockets: a client that
 * asks for `since` joins the shared live group of its query, gets its history from a replay of
 * its own, and nothing is lost or repeated where the two meet, whatever comes in between.
 * Also the bounds on replays.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isShoalError } from '@shoal/model';
import { DEFAULT_FEED_OPTIONS, FeedHub } from '../dist/feed/feed-hub.js';
import { entry, fakeClient, FakeLink, FakeNetwork, FakeRegistry, SILENT_LOG, type Json } from './helpers/fake-feed.js';

const WINDOW_MS = 100;

function setup(workers: string[], bounds: Partial<typeof DEFAULT_FEED_OPTIONS> = {}) {
  const links = workers.map((w) => new FakeLink(w));
  const net = new FakeNetwork();
  const registry = new FakeRegistry(links);
  const hub = new FeedHub(registry, undefined, { ...DEFAULT_FEED_OPTIONS, windowMs: WINDOW_MS, ...bounds }, 4 << 20, SILENT_LOG, net);
  const T = net.clock.now();
  /** Lets the merge windows release what they hold. */
  const settle = () => net.clock.advance(10 * WINDOW_MS);
  return { links, registry, net, hub, T, settle };
}

/** A worker's entries 1..n of run r1, one ms apart from `t0`. */
function stored(worker: string, from: number, to: number, t0: number): Json[] {
  const list: Json[] = [];
  for (let seq = from; seq <= to; seq++) list.push(entry(worker, 'r1', seq, t0 + seq));
  return list;
}

function sortedByTime(ids: string[], all: Json[]): boolean {
  const ts = new Map(all.map((e) => [e.id as string, e.timestamp as number]));
  return ids.every((id, i) => i === 0 || ts.get(ids[i - 1]!)! <= ts.get(id)!);
}

describe('replay handover', () => {
  it('joins the shared live group and hands the replay over at each worker\'s cut: nothing lost, nothing twice', () => {
    const { net, hub, T, settle } = setup(['a', 'b']);
    const filter = hub.compile('');
    // A live client: the shared group subscribes to both workers.
    const x = fakeClient();
    hub.join(x.client, filter, undefined, 'x');
    const [la, lb] = [net.last('a'), net.last('b')];
    la.open();
    lb.open();
    la.send({ ready: { filter: '', replayed: 0, last: 'a/r1/5' } });
    lb.send({ ready: { filter: '', replayed: 0, last: 'b/r1/3' } });
    const a = stored('a', 1, 9, T);
    const b = stored('b', 1, 5, T + 0.5);
    la.send(a[5]);
    lb.send(b[3]);
    settle();
    assert.deepEqual(x.socket.ids, ['b/r1/4', 'a/r1/6']);

    // A client with a replay: same group, no new live subscription.
    const c = fakeClient();
    hub.join(c.client, filter, T - 60_000, 'c');
    assert.equal(hub.list().length, 1);
    assert.equal(hub.list()[0]!.clients.size, 2);
    assert.equal(hub.replaying, 1);
    const [ra, rb] = [net.last('a'), net.last('b')];
    assert.notEqual(ra, la);
    assert.equal(ra.since, T - 60_000);
    // a7 is made while the replay runs: the live group has it, and so will a's replay.
    la.send(a[6]);
    settle();
    ra.open();
    rb.open();
    for (const e of a.slice(0, 7)) ra.send(e);
    ra.send({ ready: { filter: '', replayed: 7, last: 'a/r1/7' } });
    // b5 is made after b's replay went live: on the live socket only.
    for (const e of b.slice(0, 4)) rb.send(e);
    rb.send({ ready: { filter: '', replayed: 4, last: 'b/r1/4' } });
    assert.equal(ra.closedWith, 1000, 'the replay\'s socket closes at its ready');
    lb.send(b[4]);
    la.send(a[7]);
    settle();
    assert.equal(hub.replaying, 0, 'the replay is over');

    const { replay, live } = c.socket.split();
    const ready = c.socket.messages.find((m) => m.ready !== undefined).ready;
    assert.equal(ready.replayed, 11);
    assert.equal(ready.query, hub.list()[0]!.id, 'the query is the shared one');
    assert.deepEqual([...replay].sort(), [...a.slice(0, 7), ...b.slice(0, 4)].map((e) => e.id).sort());
    assert.ok(sortedByTime(replay, [...a, ...b]), `the replay in time order: ${replay.join(' ')}`);
    assert.deepEqual(live, ['b/r1/5', 'a/r1/8'], 'after the cut only, once each');
    // Later entries reach both clients alike.
    la.send(a[8]);
    settle();
    assert.deepEqual(c.socket.split().live.slice(-1), ['a/r1/9']);
    assert.deepEqual(x.socket.ids.slice(-1), ['a/r1/9']);
  });

  it('opens a worker\'s replay only once the shared group is live on it', () => {
    const { net, hub, T, settle } = setup(['a']);
    const c = fakeClient();
    hub.join(c.client, hub.compile(''), T - 1000, 'c');
    assert.equal(net.to('a').length, 1, 'only the live group\'s socket so far');
    const la = net.last('a');
    la.open();
    la.send({ ready: { filter: '', replayed: 0, last: 'a/r1/2' } });
    assert.equal(net.to('a').length, 2, 'now the replay');
    const ra = net.last('a');
    ra.open();
    const a = stored('a', 1, 3, T);
    ra.send(a[0]);
    ra.send(a[1]);
    la.send(a[2]);
    ra.send(a[2]);
    ra.send({ ready: { filter: '', replayed: 3, last: 'a/r1/3' } });
    settle();
    assert.deepEqual(c.socket.split(), { replay: ['a/r1/1', 'a/r1/2', 'a/r1/3'], live: [] });
  });

  it('says ready after the wait while a slow worker replays, and holds that worker\'s live entries until its cut', () => {
    const { net, hub, T, settle } = setup(['a', 'b'], { readyWaitMs: 5000 });
    const x = fakeClient();
    hub.join(x.client, hub.compile(''), undefined, 'x');
    for (const w of ['a', 'b']) {
      net.last(w).open();
      net.last(w).send({ ready: { filter: '', replayed: 0, last: null } });
    }
    const [la, lb] = [net.last('a'), net.last('b')];
    const c = fakeClient();
    hub.join(c.client, hub.compile(''), T - 1000, 'c');
    const [ra, rb] = [net.last('a'), net.last('b')];
    ra.open();
    rb.open();
    const a = stored('a', 1, 2, T);
    const b = stored('b', 1, 3, T);
    ra.send(a[0]);
    ra.send({ ready: { filter: '', replayed: 1, last: 'a/r1/1' } });
    rb.send(b[0]);
    lb.send(b[1]);
    la.send(a[1]);
    net.clock.advance(5000);
    const ready = c.socket.messages.findIndex((m) => m.ready !== undefined);
    assert.ok(ready >= 0, 'ready after the wait');
    assert.ok(c.socket.split().live.includes('a/r1/2'), 'a was handed over');
    assert.ok(!c.socket.ids.includes('b/r1/2'), 'b\'s live entry waits for b\'s cut');
    rb.send(b[1]);
    rb.send({ ready: { filter: '', replayed: 2, last: 'b/r1/2' } });
    lb.send(b[2]);
    settle();
    const ids = c.socket.ids;
    assert.deepEqual([...ids].sort(), ['a/r1/1', 'a/r1/2', 'b/r1/1', 'b/r1/2', 'b/r1/3']);
    assert.equal(new Set(ids).size, ids.length, 'nothing twice');
    assert.equal(hub.replaying, 0);
  });

  it('does not wait for a worker that is down, and a worker going down ends its part', () => {
    const { links, net, hub, T, settle } = setup(['a', 'b']);
    const x = fakeClient();
    hub.join(x.client, hub.compile(''), undefined, 'x');
    net.last('a').open();
    net.last('a').send({ ready: { filter: '', replayed: 0, last: null } });
    links[1]!.up = false;
    const c = fakeClient();
    hub.join(c.client, hub.compile(''), T - 1000, 'c');
    assert.equal(net.to('b').length, 1, 'no replay opened to a worker that is down');
    const ra = net.last('a');
    ra.open();
    ra.send(entry('a', 'r1', 1, T));
    links[0]!.setUp(false);
    settle();
    assert.deepEqual(c.socket.split().replay, ['a/r1/1']);
    assert.ok(c.socket.messages.some((m) => m.ready !== undefined), 'ready without waiting');
    assert.equal(hub.replaying, 0);
  });

  it('waits for a worker the hub has not polled yet (it just started): its history is not skipped', () => {
    const { links, net, hub, T, settle } = setup(['a']);
    links[0]!.up = false;
    links[0]!.polled = false;
    const c = fakeClient();
    hub.join(c.client, hub.compile(''), T - 1000, 'c');
    // The first poll answers: the live group's socket opens and goes live, then the replay.
    links[0]!.up = true;
    links[0]!.polled = true;
    const la = net.last('a');
    la.open();
    la.send({ ready: { filter: '', replayed: 0, last: 'a/r1/2' } });
    const ra = net.last('a');
    assert.notEqual(ra, la, 'a replay opened once the worker was live');
    ra.open();
    const a = stored('a', 1, 2, T);
    ra.send(a[0]);
    ra.send(a[1]);
    ra.send({ ready: { filter: '', replayed: 2, last: 'a/r1/2' } });
    settle();
    assert.deepEqual(c.socket.split(), { replay: ['a/r1/1', 'a/r1/2'], live: [] });
  });

  it('ends the part of a worker that is gone, and gives what it gave', () => {
    const { links, registry, net, hub, T, settle } = setup(['a', 'b']);
    const x = fakeClient();
    hub.join(x.client, hub.compile(''), undefined, 'x');
    for (const w of ['a', 'b']) {
      net.last(w).open();
      net.last(w).send({ ready: { filter: '', replayed: 0, last: null } });
    }
    const c = fakeClient();
    hub.join(c.client, hub.compile(''), T - 1000, 'c');
    const [ra, rb] = [net.last('a'), net.last('b')];
    ra.open();
    rb.open();
    ra.send({ ready: { filter: '', replayed: 0, last: null } });
    rb.send(entry('b', 'r1', 1, T));
    registry.remove(links[1]!);
    settle();
    assert.deepEqual(c.socket.split().replay, ['b/r1/1']);
    assert.equal(rb.readyState, 3, 'its replay socket is closed');
    assert.equal(hub.replaying, 0, 'the replay is over: it no longer counts against the bounds');
  });

  it('ends, once the wait is over, the part of a worker the live group never got live on', () => {
    const { net, hub, T, settle } = setup(['a'], { readyWaitMs: 5000 });
    const c = fakeClient();
    hub.join(c.client, hub.compile(''), T - 1000, 'c');
    // The worker takes the shared subscription's socket but never says ready.
    net.last('a').open();
    net.clock.advance(5000);
    assert.ok(c.socket.messages.some((m) => m.ready !== undefined));
    assert.equal(hub.replaying, 0, 'the replay no longer holds its place in the bounds');
    assert.equal(net.to('a').length, 1, 'no replay socket was opened');
    // When the shared subscription goes live at last, its entries reach the client.
    net.last('a').send({ ready: { filter: '', replayed: 0, last: null } });
    net.last('a').send(entry('a', 'r1', 1, T));
    settle();
    assert.deepEqual(c.socket.split().live, ['a/r1/1']);
  });

  it('gives a live entry older than since, made while the replay ran (a slow response), once', () => {
    const { net, hub, T, settle } = setup(['a']);
    const x = fakeClient();
    hub.join(x.client, hub.compile(''), undefined, 'x');
    const la = net.last('a');
    la.open();
    la.send({ ready: { filter: '', replayed: 0, last: 'a/r1/1' } });
    const c = fakeClient();
    hub.join(c.client, hub.compile(''), T, 'c');
    const ra = net.last('a');
    ra.open();
    // a2 started a minute ago and just ended: live, before the replay's cut, older than since.
    la.send(entry('a', 'r1', 2, T - 60_000));
    ra.send(entry('a', 'r1', 3, T + 1));
    ra.send({ ready: { filter: '', replayed: 1, last: 'a/r1/3' } });
    settle();
    assert.deepEqual(c.socket.ids, ['a/r1/3', 'a/r1/2']);
  });

  it('keeps the cut after the handover: a live subscription that resumes does not repeat the replay', () => {
    const { net, hub, T, settle } = setup(['a']);
    const x = fakeClient();
    hub.join(x.client, hub.compile(''), undefined, 'x');
    const la = net.last('a');
    la.open();
    la.send({ ready: { filter: '', replayed: 0, last: 'a/r1/2' } });
    const a = stored('a', 1, 6, T);
    const c = fakeClient();
    hub.join(c.client, hub.compile(''), T - 1000, 'c');
    // The shared socket breaks before the replay's socket is live: a3, a4 are made meanwhile.
    la.drop();
    const ra = net.last('a');
    ra.open();
    for (const e of a.slice(0, 4)) ra.send(e);
    ra.send({ ready: { filter: '', replayed: 4, last: 'a/r1/4' } });
    settle();
    // The shared subscription resumes: it replays a3, a4 (new to it and to x) and goes on.
    net.clock.advance(5000);
    const la2 = net.last('a');
    assert.notEqual(la2, ra);
    la2.open();
    la2.send(a[2]);
    la2.send(a[3]);
    la2.send({ ready: { filter: '', replayed: 2, last: 'a/r1/4' } });
    la2.send(a[4]);
    settle();
    assert.deepEqual(x.socket.ids, ['a/r1/3', 'a/r1/4', 'a/r1/5']);
    assert.deepEqual(c.socket.ids, ['a/r1/1', 'a/r1/2', 'a/r1/3', 'a/r1/4', 'a/r1/5']);
  });

  it('tells a worker restarted during the handover apart by id: its new run comes, the replayed old run does not come twice', () => {
    const { net, hub, T, settle } = setup(['a']);
    const x = fakeClient();
    hub.join(x.client, hub.compile(''), undefined, 'x');
    net.last('a').open();
    net.last('a').send({ ready: { filter: '', replayed: 0, last: 'a/r1/1' } });
    const c = fakeClient();
    hub.join(c.client, hub.compile(''), T - 1000, 'c');
    const ra = net.last('a');
    ra.open();
    ra.send(entry('a', 'r1', 1, T));
    ra.send(entry('a', 'r1', 2, T + 1));
    // The replay ended on the new run (the worker restarted): its cut is r2's.
    ra.send({ ready: { filter: '', replayed: 2, last: 'a/r2/1' } });
    const la = net.to('a')[0]!;
    la.send(entry('a', 'r1', 2, T + 1));
    la.send(entry('a', 'r2', 2, T + 3));
    settle();
    assert.deepEqual(c.socket.ids, ['a/r1/1', 'a/r1/2', 'a/r2/2']);
  });

  it('skips, and counts as lost, the live entries past its bound while the replay runs', () => {
    const links = [new FakeLink('a')];
    const net = new FakeNetwork();
    const hub = new FeedHub(new FakeRegistry(links), undefined, { ...DEFAULT_FEED_OPTIONS, windowMs: WINDOW_MS }, 1500, SILENT_LOG, net);
    const T = net.clock.now();
    const x = fakeClient();
    hub.join(x.client, hub.compile(''), undefined, 'x');
    net.last('a').open();
    net.last('a').send({ ready: { filter: '', replayed: 0, last: null } });
    const c = fakeClient();
    hub.join(c.client, hub.compile(''), T - 1000, 'c');
    const ra = net.last('a');
    ra.open();
    for (let seq = 1; seq <= 10; seq++) net.to('a')[0]!.send(entry('a', 'r1', seq, T + seq));
    net.clock.advance(1000);
    ra.send({ ready: { filter: '', replayed: 0, last: null } });
    net.clock.advance(1000);
    const lost = c.socket.messages.filter((m) => typeof m.lost === 'number').reduce((n, m) => n + m.lost, 0);
    assert.ok(lost > 0, 'some were skipped');
    assert.equal(c.socket.ids.length + lost, 10, `${c.socket.ids.length} delivered + ${lost} lost`);
  });
});

describe('replay bounds', () => {
  function refusal(run: () => void): Json {
    try {
      run();
    } catch (err) {
      assert.ok(isShoalError(err));
      return err;
    }
    assert.fail('not refused');
  }

  it('refuses a replay past the hub\'s bound, and takes one again once a replay is over', () => {
    const { net, hub, T } = setup(['a'], { maxReplays: 1 });
    const one = fakeClient();
    const two = fakeClient();
    hub.join(one.client, hub.compile(''), T - 1000, 'one');
    const err = refusal(() => hub.join(two.client, hub.compile(''), T - 1000, 'two'));
    assert.equal(err.code, 'HUB_ERR_REPLAY_LIMIT');
    assert.match(err.message, /--max-replays/);
    assert.equal(hub.guard.replaysRefused.hub, 1);
    // A live subscription is not a replay.
    hub.join(two.client, hub.compile(''), undefined, 'two');
    // A client replacing its own replay is not refused for it.
    hub.join(one.client, hub.compile('http'), T - 1000, 'one');
    hub.leave(one.client);
    assert.equal(hub.replaying, 0);
    hub.join(two.client, hub.compile(''), T - 1000, 'two');
    assert.equal(hub.replaying, 1);
    assert.ok(net.sockets.length > 0);
  });

  it('refuses a replay past the client\'s bound while another client may still replay', () => {
    const { hub, T } = setup(['a'], { maxReplays: 10, maxClientReplays: 1 });
    const [t1, t2, other] = [fakeClient(), fakeClient(), fakeClient()];
    hub.join(t1.client, hub.compile(''), T - 1000, 'front-session-1');
    const err = refusal(() => hub.join(t2.client, hub.compile(''), T - 1000, 'front-session-1'));
    assert.match(err.message, /--max-client-replays/);
    assert.equal(hub.guard.replaysRefused.client, 1);
    hub.join(other.client, hub.compile(''), T - 1000, 'front-session-2');
    assert.equal(hub.replaying, 2);
  });
});
