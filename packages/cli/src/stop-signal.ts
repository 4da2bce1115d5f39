import { EXIT_OK } from './exit-codes.js';

/**
 * Resolves at the first SIGTERM (a service manager, Kubernetes) or SIGINT (Ctrl-C). From then
 * on a second signal exits at once: a user pressing Ctrl-C twice does not wait for a slow close.
 */
export async function untilStopSignal(): Promise<NodeJS.Signals> {
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  const force = (): void => process.exit(EXIT_OK);
  process.once('SIGTERM', force);
  process.once('SIGINT', force);
  return signal;
}
