import { usageError } from './usage-error.js';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug'];

/** Parses `--log-level`. */
export function logLevelOption(text: string | undefined, fallback: string): string {
  const level = text ?? fallback;
  if (!LEVELS.includes(level)) throw usageError(`--log-level must be fatal, error, warn, info or debug, got '${level}'`);
  return level;
}
