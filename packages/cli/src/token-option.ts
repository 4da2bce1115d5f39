import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { usageError } from './usage-error.js';

/** The trimmed content of a token file given as `flag`; a usage error when unreadable or empty. */
export function tokenFileOption(file: string, flag: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw usageError(`cannot read ${flag} '${file}': ${(err as Error).message}`);
  }
  const token = text.trim();
  if (token === '') throw usageError(`${flag} '${file}' is empty: put the token in it`);
  return token;
}

/**
 * A hub's or worker's bearer token for a client: the file given as `flag`, else $SHOAL_TOKEN,
 * else none. $SHOAL_TOKEN is always the hub's (or worker's) client token, never a sign-in token.
 */
export function tokenOption(file: string | undefined, flag = '--token-file'): string | undefined {
  if (file === undefined) return process.env['SHOAL_TOKEN'] || undefined;
  return tokenFileOption(file, flag);
}

/** A fresh sign-in token for one run of the dashboard: 32 random bytes, base64url. */
export function newSignInToken(): string {
  return randomBytes(32).toString('base64url');
}
