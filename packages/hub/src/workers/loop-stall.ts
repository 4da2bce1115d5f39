import { performance } from 'node:perf_hooks';

/**
 * How long this process's event loop has been blocked, in all. Why: when the hub's loop is
 * blocked (overload), a request's timeout timer fires as soon as the loop resumes, before the
 * worker's answer that arrived meanwhile is read, and a worker that answered in time would be
 * taken for silent. A timer that ticks every `tickMs` measures the stall: whatever it fires
 * later than due is time the loop could not run.
 */
export class LoopStallClock {
  private stalled = 0;
  private lastTick = 0;
  private timer: NodeJS.Timeout | undefined;
  private users = 0;

  constructor(private readonly tickMs = 50) {}

  /** Starts measuring (for as long as one user needs it). */
  retain(): void {
    if (this.users++ > 0) return;
    this.lastTick = performance.now();
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  release(): void {
    if (this.users === 0 || --this.users > 0) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Milliseconds the loop was blocked since measuring started, the stall in progress included. */
  stalledMs(): number {
    return this.stalled + this.lateness(performance.now());
  }

  private lateness(now: number): number {
    return this.timer === undefined ? 0 : Math.max(0, now - this.lastTick - this.tickMs);
  }

  private tick(): void {
    const now = performance.now();
    this.stalled += this.lateness(now);
    this.lastTick = now;
  }
}

/** The hub's one clock: every worker link measures the same loop. */
export const hubLoopStall = new LoopStallClock();

/**
 * Calls `fire` after `ms` of time the loop could run: when it comes due, the stall since the
 * start is added to the deadline, so a wait is given up only for the other side's silence, not
 * for the hub's own. Returns the function that cancels it (a timer not left behind). An `unref`
 * timer does not keep the process alive (one nobody cancels, waiting for its time to pass).
 */
export function runningTimer(ms: number, fire: () => void, clock: LoopStallClock = hubLoopStall, unref = false): () => void {
  const stalledAtStart = clock.stalledMs();
  let allowed = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = (delay: number): void => {
    timer = setTimeout(() => {
      const stalled = clock.stalledMs() - stalledAtStart;
      if (stalled > allowed) {
        // Give the stalled time back; the answer that came during it is read on this loop turn.
        const more = stalled - allowed;
        allowed = stalled;
        arm(more);
        return;
      }
      timer = undefined;
      fire();
    }, delay);
    if (unref) timer.unref();
  };
  arm(ms);
  return () => clearTimeout(timer);
}

/**
 * An AbortSignal that aborts with a `TimeoutError`, like `AbortSignal.timeout(ms)`, but after
 * `ms` of time the loop could run (runningTimer).
 */
export function runningTimeout(ms: number, clock: LoopStallClock = hubLoopStall): AbortSignal {
  const controller = new AbortController();
  runningTimer(ms, () => controller.abort(new DOMException('no answer within the timeout', 'TimeoutError')), clock, true);
  return controller.signal;
}
