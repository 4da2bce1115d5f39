/**
 * `shoal observe`'s reconnection and resumption (observe/stream-follower.ts) as a state machine:
 * fake streams, a fake clock and waits the test releases, so each step is the test's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResumeState, RESUME_MARGIN_MS, ShoalError, type Entry } from '@shoal/model';
import type { FeedMessage } from '../dist/observe/hub-client.js';
import { StreamFollower } from '../dist/observe/stream-follower.js';

interface FakeStream {
  since: number;
  on: (m: FeedMessage) => void;
  end(): void;
  fail(err: Error): void;
  closed: boolean;
}

const T = 1_800_000_000_000;
const entry = (id: string, timestamp: number) => ({ id, timestamp }) as Entry;

function harness(since: number | undefined, live = true) {
  let time = T;
  const streams: FakeStream[] = [];
  const sleeps: { ms: number; wake: () => void }[] = [];
  const warnings: string[] = [];
  const resume = new ResumeState(since);
  const printed: string[] = [];
  const sink = { print: (e: Entry) => void (resume.deliver(e.id, e.timestamp) && printed.push(e.id)), resumeSince: (at: number) => resume.resumeSince(at) };
  const follower = new StreamFollower(sink, {
    open: (from, on) => {
      let end!: () => void;
      let fail!: (err: Error) => void;
      const done = new Promise<void>((resolve, reject) => ((end = resolve), (fail = reject)));
      const s: FakeStream = { since: from, on, end, fail, closed: false };
      streams.push(s);
      return { done, close: () => ((s.closed = true), end()) };
    },
    sleep: (ms) => new Promise<void>((wake) => sleeps.push({ ms, wake })),
    now: () => time,
    warn: (line) => warnings.push(line),
  }, live, 'http://hub');
  /** Lets the follower's promise chain run. */
  const turn = () => new Promise((r) => setImmediate(r));
  return { follower, streams, sleeps, warnings, printed, turn, advance: (ms: number) => (time += ms) };
}

describe('StreamFollower', () => {
  it('reopens a dropped stream after a growing wait, resuming a response timeout before the newest entry printed', async () => {
    const h = harness(T - 60_000);
    const run = h.follower.run(T - 60_000);
    assert.equal(h.streams[0]!.since, T - 60_000);
    h.streams[0]!.on({ kind: 'open' });
    h.streams[0]!.on({ kind: 'entry', entry: entry('a/r/1', T - 10_000) });
    h.streams[0]!.on({ kind: 'entry', entry: entry('a/r/2', T - 5000) });
    h.streams[0]!.on({ kind: 'ready' });
    h.advance(1000);
    h.streams[0]!.end();
    await h.turn();
    assert.deepEqual(h.sleeps.map((s) => s.ms), [500]);
    assert.match(h.warnings[0]!, /the stream from http:\/\/hub dropped; reconnecting in 0.5s/);
    h.advance(500);
    h.sleeps[0]!.wake();
    await h.turn();
    assert.equal(h.streams[1]!.since, T - 5000 - RESUME_MARGIN_MS);
    // The hub replays from there: only what was not printed is printed.
    h.streams[1]!.on({ kind: 'entry', entry: entry('a/r/1', T - 10_000) });
    h.streams[1]!.on({ kind: 'entry', entry: entry('a/r/3', T - 7000) });
    assert.deepEqual(h.printed, ['a/r/1', 'a/r/2', 'a/r/3']);
    // Dropped again before its ready: the wait doubles.
    h.streams[1]!.end();
    await h.turn();
    assert.deepEqual(h.sleeps.map((s) => s.ms), [500, 1000]);
    h.follower.stop();
    h.sleeps[1]!.wake();
    await run;
  });

  it('resumes a live-only stream that printed nothing from the moment it was lost, less the margin', async () => {
    const h = harness(undefined);
    const run = h.follower.run(T);
    h.streams[0]!.on({ kind: 'open' });
    h.streams[0]!.on({ kind: 'ready' });
    const lostAt = T + 2000;
    h.advance(2000);
    h.streams[0]!.end();
    await h.turn();
    // A long outage: the resumption still starts from when it was lost, not from when it reconnects.
    h.advance(60_000);
    h.sleeps[0]!.wake();
    await h.turn();
    assert.equal(h.streams[1]!.since, lostAt - RESUME_MARGIN_MS);
    h.follower.stop();
    await run;
  });

  it('retries a hub that asked to be tried later, saying why', async () => {
    const h = harness(T - 60_000);
    const run = h.follower.run(T - 60_000);
    h.streams[0]!.on({ kind: 'open' });
    h.streams[0]!.on({ kind: 'closed', code: 4429, reason: 'the hub is running its 32 replays at once (--max-replays)' });
    h.streams[0]!.end();
    await h.turn();
    assert.match(h.warnings[0]!, /^the hub asked to try later \(the hub is running its 32 replays at once \(--max-replays\)\); reconnecting in 0.5s$/);
    h.sleeps[0]!.wake();
    await h.turn();
    assert.equal(h.streams[1]!.since, T - 60_000, 'nothing printed yet: the same replay again');
    h.follower.stop();
    await run;
  });

  it('stops at the first ready without --follow, and gives up on a hub never reached', async () => {
    const once = harness(T, false);
    const run = once.follower.run(T);
    once.streams[0]!.on({ kind: 'ready' });
    assert.ok(once.streams[0]!.closed);
    await run;
    assert.equal(once.streams.length, 1);

    const never = harness(T);
    const failing = never.follower.run(T);
    never.streams[0]!.fail(new ShoalError('CLI_ERR_CONNECT', 'cannot reach http://hub'));
    await assert.rejects(failing, /cannot reach/);
  });
});
