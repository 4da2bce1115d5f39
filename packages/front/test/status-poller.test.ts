import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff } from '../src/domain/backoff.js';
import { StatusPoller, type PollState } from '../src/domain/status-poller.js';

/** Timers run by hand: `fire()` runs the pending one and says after how long it was due. */
class ManualTimers {
  pending: { fn: () => void; ms: number } | undefined;
  set = (fn: () => void, ms: number): unknown => (this.pending = { fn, ms });
  clear = (): void => {
    this.pending = undefined;
  };
  fire(): number {
    const p = this.pending!;
    this.pending = undefined;
    p.fn();
    return p.ms;
  }
}

const settle = () => new Promise((r) => setImmediate(r));

function poller(answers: (number | Error)[]) {
  const timers = new ManualTimers();
  const states: PollState<number>[] = [];
  let calls = 0;
  const p = new StatusPoller<number>({
    load: async () => {
      const a = answers[Math.min(calls++, answers.length - 1)]!;
      if (a instanceof Error) throw a;
      return a;
    },
    listener: (s) => states.push(s),
    periodMs: 3000,
    backoff: new Backoff(1000, 8000, 0),
    now: () => 42,
    setTimer: timers.set,
    clearTimer: timers.clear,
  });
  return { p, timers, states, calls: () => calls };
}

describe('StatusPoller', () => {
  it('polls every period while the hub answers', async () => {
    const { p, timers, states } = poller([1, 2]);
    p.start();
    await settle();
    assert.deepEqual(states[0], { value: 1, at: 42, error: undefined, failures: 0 });
    assert.equal(timers.fire(), 3000);
    await settle();
    assert.equal(states[1]!.value, 2);
    assert.equal(timers.pending!.ms, 3000);
  });

  it('backs off while polls fail, keeps the last snapshot, and returns to the period once one succeeds', async () => {
    const down = new Error('the hub answered 502');
    const { p, timers, states } = poller([1, down, down, down, 5]);
    p.start();
    await settle();
    const delays = [];
    for (let i = 0; i < 4; i++) {
      delays.push(timers.fire());
      await settle();
    }
    assert.deepEqual(delays, [3000, 1000, 2000, 4000], 'the period, then doubling');
    assert.deepEqual(states[3], { value: 1, at: 42, error: 'the hub answered 502', failures: 3 });
    assert.deepEqual(states[4], { value: 5, at: 42, error: undefined, failures: 0 });
    assert.equal(timers.pending!.ms, 3000);
  });

  it('polls at once on refresh(), and ignores the answer of a poll that refresh() overtook', async () => {
    let release: (v: number) => void = () => undefined;
    const timers = new ManualTimers();
    const states: PollState<number>[] = [];
    let call = 0;
    const p = new StatusPoller<number>({
      load: () => (++call === 1 ? new Promise<number>((r) => (release = r)) : Promise.resolve(call)),
      listener: (s) => states.push(s),
      setTimer: timers.set,
      clearTimer: timers.clear,
    });
    p.start();
    p.refresh();
    await settle();
    release(1);
    await settle();
    assert.deepEqual(states.map((s) => s.value), [2], 'only the newer poll counts');
    p.stop();
    assert.equal(timers.pending, undefined, 'stop() cancels the next poll');
  });
});
