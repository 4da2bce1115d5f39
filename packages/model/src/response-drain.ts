import type { Writable } from 'node:stream';

/**
 * Waits for a full `out` (its write returned false) to drain. Resolves true on 'drain', false
 * when it closes first (the client went away). Both listeners go as soon as either fires, so a
 * long stream that waits at every write holds at most one of each at a time (awaiting
 * `Promise.race([once(out, 'drain'), once(out, 'close')])` instead leaves a 'close' listener
 * per wait, until Node warns of a leak).
 */
export function drained(out: Writable): Promise<boolean> {
  if (out.destroyed || out.closed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onDrain = (): void => settle(true);
    const onClose = (): void => settle(false);
    const settle = (drainedOk: boolean): void => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      resolve(drainedOk);
    };
    out.on('drain', onDrain);
    out.on('close', onClose);
  });
}
