import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pacedSchedule } from '../src/domain/paced-schedule.js';

function clock() {
  let t = 0;
  const frames: (() => void)[] = [];
  const timers: { at: number; fn: () => void }[] = [];
  return {
    now: () => t,
    frame: (fn: () => void) => frames.push(fn),
    setTimer: (fn: () => void, ms: number) => timers.push({ at: t + ms, fn }),
    /** Moves time to `to`, running due timers, then draws a frame. */
    advance(to: number) {
      t = to;
      for (const timer of timers.splice(0)) {
        if (timer.at <= t) timer.fn();
        else timers.push(timer);
      }
      for (const f of frames.splice(0)) f();
    },
  };
}

describe('pacedSchedule', () => {
  it('flushes on the next frame when the last flush is older than the interval', () => {
    const c = clock();
    const schedule = pacedSchedule({ intervalMs: 100, ...c });
    const flushed: number[] = [];
    schedule(() => flushed.push(c.now()));
    c.advance(16);
    assert.deepEqual(flushed, [16]);
    schedule(() => flushed.push(c.now()));
    c.advance(200);
    assert.deepEqual(flushed, [16, 200]);
  });

  it('holds a flush asked for within the interval until the interval has passed', () => {
    const c = clock();
    const schedule = pacedSchedule({ intervalMs: 100, ...c });
    const flushed: number[] = [];
    schedule(() => flushed.push(c.now()));
    c.advance(10);
    schedule(() => flushed.push(c.now()));
    c.advance(50);
    assert.deepEqual(flushed, [10], 'not before 110');
    c.advance(110);
    assert.deepEqual(flushed, [10, 110]);
  });
});
