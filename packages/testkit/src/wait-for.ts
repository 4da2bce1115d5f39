/**
 * The one bounded wait of the tests: poll a condition until it holds, and fail naming what was
 * awaited when it does not. The bound only ends a broken run; no test asserts how long anything
 * took, so it is generous.
 */

import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Check again after this long (default 10 ms). */
  intervalMs?: number;
}

/** What `check` gives while the condition does not hold yet. */
type NotYet = undefined | null | false;

/** The wait ran out: `message` says what was awaited and, when `what` computes it, how far it got. */
export class WaitTimeout extends Error {
  override readonly name = 'WaitTimeout';
}

/**
 * Calls `check` until it gives something other than undefined, null or false, and returns that.
 * After `timeoutMs` it throws a WaitTimeout: "gave up after 10 s waiting for <what>". `what` can
 * be a function, read at that moment, to tell the state reached (`${n} of ${m} entries`). An
 * error thrown by `check` ends the wait at once: catch inside `check` what is expected to fail
 * for a while (a port not open yet).
 */
export async function waitFor<T>(
  what: string | (() => string),
  check: () => T | Promise<T>,
  options: number | WaitOptions = {},
): Promise<Exclude<T, NotYet>> {
  const { timeoutMs = 10_000, intervalMs = 10 } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value as Exclude<T, NotYet>;
    if (Date.now() >= deadline) {
      const described = typeof what === 'function' ? what() : what;
      throw new WaitTimeout(`gave up after ${timeoutMs / 1000} s waiting for ${described}`);
    }
    await sleep(intervalMs);
  }
}
