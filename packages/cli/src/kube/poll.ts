import { setTimeout as sleep } from 'node:timers/promises';

/**
 * How the commands wait on a cluster: ask, and ask again after POLL_MS, until `check` gives an
 * answer, the deadline passes (undefined) or `signal` aborts (Ctrl-C: the abort's reason is
 * thrown). One request at a time, so a slow API server slows the asking rather than piling up.
 */
export const POLL_MS = 500;

export async function poll<T>(check: () => Promise<T | undefined>, deadline: number, signal?: AbortSignal): Promise<T | undefined> {
  for (;;) {
    signal?.throwIfAborted();
    const answer = await check();
    if (answer !== undefined) return answer;
    if (Date.now() >= deadline) return undefined;
    await sleep(POLL_MS, undefined, signal !== undefined ? { signal } : undefined).catch(() => signal?.throwIfAborted());
  }
}
