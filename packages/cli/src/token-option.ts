import { readFileSync } from 'node:fs';
import { usageError } from './usage-error.js';

/** A token file's trimmed content; `option` names the flag in the error (exit 2). */
export function readTokenFile(file: string, option: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw usageError(`cannot read ${option} '${file}' (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const token = text.trim();
  if (token === '') throw usageError(`${option} '${file}' is empty; put the token in it`);
  return token;
}

/** A hub's or worker's bearer token: `--token-file FILE`, else $SHOAL_TOKEN, else none. */
export function tokenOption(file: string | undefined): string | undefined {
  if (file === undefined) return process.env['SHOAL_TOKEN'] || undefined;
  return readTokenFile(file, '--token-file');
}
