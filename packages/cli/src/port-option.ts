import { usageError } from './usage-error.js';

/** Parses a `--port` value (0 lets the system pick a free port). */
export function portOption(text: string | undefined, fallback: number, flag = '--port'): number {
  if (text === undefined) return fallback;
  const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw usageError(`${flag} needs a port number 0-65535, got '${text}'`);
  return n;
}
