import { readFileSync } from 'node:fs';
import { usageError } from './usage-error.js';

/** A hub's or worker's bearer token: `--token-file FILE`, else $SHOAL_TOKEN, else none. */
export function tokenOption(file: string | undefined): string | undefined {
  if (file === undefined) return process.env['SHOAL_TOKEN'] || undefined;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw usageError(`cannot read --token-file '${file}': ${(err as Error).message}`);
  }
}
