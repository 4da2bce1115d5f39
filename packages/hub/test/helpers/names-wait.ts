import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until `condition` holds, checking every few ms; fails naming `what` after `limitMs`.
 * The limit only bounds a broken run; no test asserts how long anything took.
 */
export async function waitFor(what: string, condition: () => boolean, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for: ${what}`);
    await sleep(5);
  }
}
