import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from './usage-error.js';

/** node:util's parseArgs, with its complaints (unknown flag, missing value) as usage errors: exit 2. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw usageError((err as Error).message.replace(/\s*\n\s*/g, ' '));
  }
}
