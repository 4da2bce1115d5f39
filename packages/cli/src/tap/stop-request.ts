import { untilStopSignal } from '../stop-signal.js';

/**
 * Ctrl-C (or SIGTERM) as an AbortSignal, from the moment this is called: long waits (a rollout,
 * the dashboard proxy) end on it, and a command can still clean up before it exits. A second
 * signal exits at once (untilStopSignal).
 */
export class StopRequested extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`stopped by ${signal}`);
  }
}

export function stopOnSignal(): AbortSignal {
  const controller = new AbortController();
  void untilStopSignal().then((signal) => controller.abort(new StopRequested(signal)));
  return controller.signal;
}

/** Resolves when `signal` aborts. */
export function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
