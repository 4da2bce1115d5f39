import { createHash, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import { ShoalError } from '@shoal/model';

/** Reads a token file (`--token-file`, `--worker-token-file`): its trimmed content. */
export function readTokenFile(path: string, option: string): string {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (err) {
    throw new ShoalError('CLI_ERR_USAGE', `cannot read ${option} ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const token = text.trim();
  if (token === '') throw new ShoalError('CLI_ERR_USAGE', `${option} ${path} is empty; put the token in it`);
  return token;
}

/**
 * Checks `Authorization: Bearer <token>` for the hub's clients. Both sides are hashed first so
 * the constant-time comparison sees equal lengths and leaks nothing, as on the worker
 * (docs/api.md, Authentication). Without a token the hub is open: it is meant to sit behind a
 * ClusterIP Service or on localhost, unlike the worker on the node's own addresses.
 */
export class ClientAuth {
  private readonly expected: Buffer | undefined;

  constructor(token: string | undefined) {
    this.expected = token === undefined ? undefined : createHash('sha256').update(token).digest();
  }

  allows(header: string | undefined): boolean {
    if (this.expected === undefined) return true;
    const m = header === undefined ? null : /^Bearer[ \t]+(.*?)[ \t]*$/i.exec(header);
    const given = createHash('sha256').update(m?.[1] ?? '').digest();
    return timingSafeEqual(given, this.expected) && m !== null;
  }
}
