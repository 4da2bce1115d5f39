import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RESUME_MARGIN_MS } from '@shoal/model';
import { Backoff } from '../src/domain/backoff.js';
import type { EntryJson } from '../src/domain/entry-row.js';
import { HubStream, type Gap, type SocketLike, type StreamState } from '../src/domain/hub-stream.js';

class FakeSocket implements SocketLike {
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {}
  send(): void {}
  close(): void {
    this.closed = true;
  }
  deliver(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

const entry = (id: string, timestamp: number) => ({ id, timestamp }) as EntryJson;

function harness() {
  const sockets: FakeSocket[] = [];
  const batches: string[][] = [];
  const flushes: (() => void)[] = [];
  const states: StreamState[] = [];
  const gaps: Gap[] = [];
  const filterErrors: string[] = [];
  /** The page's clock and timers, moved by the test. */
  let time = 1_800_000_000_000;
  const timers: { at: number; fn: () => void }[] = [];
  const stream = new HubStream({
    url: 'ws://front/api/ws',
    socket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    schedule: (f) => flushes.push(f),
    listener: { entries: (b) => batches.push(b.map((e) => e.id)), state: (s) => states.push(s), gap: (g) => gaps.push(g), filterError: (e) => filterErrors.push(e.code) },
    now: () => time,
    backoff: new Backoff(250, 10_000, 0),
    setTimer: (fn, ms) => {
      const t = { at: time + ms, fn };
      timers.push(t);
      return t;
    },
    clearTimer: (t) => {
      const i = timers.indexOf(t as (typeof timers)[0]);
      if (i >= 0) timers.splice(i, 1);
    },
  });
  const flush = () => flushes.splice(0).forEach((f) => f());
  /** Moves the clock by `ms`, running the timers due on the way. */
  const advance = (ms: number) => {
    time += ms;
    for (const t of timers.filter((x) => x.at <= time)) {
      timers.splice(timers.indexOf(t), 1);
      t.fn();
    }
  };
  const since = (s: FakeSocket) => {
    const v = new URL(s.url).searchParams.get('since');
    return v === null ? undefined : Number(v);
  };
  return { stream, sockets, batches, flush, states, gaps, filterErrors, advance, since, now: () => time };
}

describe('HubStream', () => {
  it('batches the entries that arrive between two flushes', () => {
    const { stream, sockets, batches, flush } = harness();
    stream.start('');
    sockets[0]!.deliver({ ready: { filter: '', replayed: 0 } });
    sockets[0]!.deliver(entry('a/1', 1));
    sockets[0]!.deliver(entry('a/2', 2));
    flush();
    assert.deepEqual(batches, [['a/1', 'a/2']]);
  });

  it('asks for batches and takes a batch as its entries, in order, copies dropped', () => {
    const { stream, sockets, batches, flush } = harness();
    stream.start('');
    assert.match(sockets[0]!.url, /[?&]batch=1(&|$)/);
    sockets[0]!.deliver({ ready: { filter: '', replayed: 0 } });
    sockets[0]!.deliver({ entries: [entry('a/1', 1), entry('b/1', 2)] });
    // A hub that sends entry by entry is understood as well, and an entry seen already is not shown twice.
    sockets[0]!.deliver(entry('a/2', 3));
    sockets[0]!.deliver({ entries: [entry('a/2', 3), entry('b/2', 4)] });
    flush();
    assert.deepEqual(batches, [['a/1', 'b/1', 'a/2', 'b/2']]);
  });

  it('opens a new query on a new socket and ignores what the old one still delivers', () => {
    const { stream, sockets, batches, flush } = harness();
    stream.start('');
    const old = sockets[0]!;
    old.deliver({ ready: { filter: '', replayed: 0 } });
    old.deliver(entry('a/1', 1));
    stream.start('method == "POST"', 1000);
    assert.equal(sockets.length, 2);
    assert.ok(old.closed);
    assert.match(sockets[1]!.url, /q=method\+%3D%3D\+%22POST%22&since=1000$/);
    // Entries of the old query were on their way: neither the unflushed one nor these show.
    old.deliver(entry('a/2', 2));
    old.onclose?.({ code: 1000, reason: 'reconnecting' });
    sockets[1]!.deliver(entry('a/9', 1001));
    flush();
    assert.deepEqual(batches, [['a/9']]);
    assert.equal(sockets.length, 2, 'the old socket closing does not reconnect');
  });

  it('reconnects after the hub went away and resumes a response timeout before the newest entry, dropping the repeats', () => {
    const h = harness();
    const T = h.now();
    h.stream.start('');
    h.sockets[0]!.deliver({ ready: { filter: '', replayed: 0 } });
    h.sockets[0]!.deliver({ entries: [entry('a/r/1', T - 10_000), entry('a/r/2', T - 2000)] });
    h.sockets[0]!.onclose?.({ code: 1006, reason: '' });
    assert.equal(h.states.at(-1)!.kind, 'disconnected');
    h.advance(250);
    assert.equal(h.sockets.length, 2, 'a new socket after the backoff');
    assert.equal(h.since(h.sockets[1]!), T - 2000 - RESUME_MARGIN_MS, 'the feeds\' rule: the margin is the response timeout');
    // The hub replays from there: what the page had is dropped, what came meanwhile shows.
    h.sockets[1]!.deliver({ entries: [entry('a/r/1', T - 10_000), entry('a/r/2', T - 2000), entry('a/r/3', T - 5000), entry('a/r/4', T + 100)] });
    h.sockets[1]!.deliver({ ready: { filter: '', replayed: 4 } });
    h.flush();
    assert.deepEqual(h.batches.flat(), ['a/r/1', 'a/r/2', 'a/r/3', 'a/r/4']);
    assert.deepEqual(h.gaps, [{ kind: 'outage', from: T, to: T + 250 }]);
    assert.equal(h.states.at(-1)!.kind, 'live');
  });

  it('resumes a replay that broke before its first entry from its own since', () => {
    const h = harness();
    h.stream.start('http', h.now() - 3_600_000);
    h.sockets[0]!.onclose?.({ code: 1006, reason: '' });
    h.advance(250);
    assert.equal(h.since(h.sockets[1]!), h.now() - 250 - 3_600_000);
  });

  it('takes the hub\'s "try later" (its bound on replays) as a reason to retry, not as a filter error', () => {
    const h = harness();
    h.stream.start('', h.now() - 60_000);
    h.sockets[0]!.deliver({ error: { code: 'HUB_ERR_REPLAY_LIMIT', message: 'the hub is running its 32 replays at once (--max-replays): try again in a few seconds' } });
    h.sockets[0]!.onclose?.({ code: 4429, reason: 'HUB_ERR_REPLAY_LIMIT' });
    assert.deepEqual(h.filterErrors, []);
    const state = h.states.at(-1)!;
    assert.equal(state.kind, 'disconnected');
    assert.match((state as { reason: string }).reason, /--max-replays/);
    h.advance(250);
    assert.equal(h.sockets.length, 2, 'retried');
  });
});

