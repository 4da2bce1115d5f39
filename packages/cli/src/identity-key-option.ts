import { readFileSync } from 'node:fs';
import { identityKey } from '@shoal/model/http';
import { usageError } from './usage-error.js';

/**
 * The key of the identity assertions (`--identity-key-file`, the same file for the front and the
 * hub: docs/security.md), read as the model reads it (surrounding whitespace dropped, at least
 * MIN_IDENTITY_KEY_BYTES); a usage error when unreadable or too short.
 */
export function identityKeyFileOption(file: string, flag = '--identity-key-file'): Buffer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw usageError(`cannot read ${flag} '${file}': ${(err as Error).message}`);
  }
  try {
    return identityKey(text, `${flag} '${file}'`);
  } catch (err) {
    throw usageError((err as Error).message);
  }
}
