/**
 * A clock for the state machines of the hub's links (workers/clock.ts) that moves only when the
 * test says so: `advance(ms)` fires the timers that come due, in order, letting the promise
 * chains each one starts run to their next wait before the next fires. No real time passes.
 */
import type { Clock, Timer } from '../../dist/workers/clock.js';

interface Pending extends Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** Lets every promise chain started so far run until it waits on something else. */
export async function settle(): Promise<void> {
  // setImmediate runs after the microtasks queued before it: a few turns drain chains that
  // cross a stream or two (a Response body read). Nothing here waits for I/O.
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Set<Pending>();

  constructor(start = 1_800_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): Timer {
    const timer: Pending = { at: this.time + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(timer: Timer | undefined): void {
    if (timer !== undefined) this.timers.delete(timer as Pending);
  }

  /** Moves time on by `ms`, firing what comes due on the way (each at its own time). */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await settle();
    for (;;) {
      const next = [...this.timers].sort(order)[0];
      if (next === undefined || next.at > end) break;
      this.timers.delete(next);
      this.time = next.at;
      next.fn();
      await settle();
    }
    this.time = end;
  }

  /** An AbortSignal that aborts with a TimeoutError `ms` from now on this clock (a link's timeout). */
  timeout(ms: number): AbortSignal {
    const controller = new AbortController();
    this.setTimeout(() => controller.abort(new DOMException('no answer within the timeout', 'TimeoutError')), ms);
    return controller.signal;
  }
}

function order(a: Pending, b: Pending): number {
  return a.at - b.at || a.seq - b.seq;
}
