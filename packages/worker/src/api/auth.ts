import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { ShoalError } from '@shoal/model';

export interface TokenSource {
  token: string;
  /** The file it was read from or written to. */
  path: string;
  generated: boolean;
}

/**
 * The API token: the trimmed content of `tokenFile`, or (none given) DATA_DIR/token, made with
 * 32 random bytes and mode 0600 on first start and reused after, so a restart keeps the token
 * the hub was given.
 */
export function loadToken(tokenFile: string | undefined, dataDir: string): TokenSource {
  const path = tokenFile ?? join(dataDir, 'token');
  if (tokenFile === undefined && !fs.existsSync(path)) {
    fs.mkdirSync(dataDir, { recursive: true });
    const token = randomBytes(32).toString('base64url');
    fs.writeFileSync(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return { token, path, generated: true };
  }
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ShoalError('CLI_ERR_USAGE', `cannot read the token file ${path} (${why}); --token-file needs a readable file holding the API token`);
  }
  const token = text.trim();
  if (token.length === 0) throw new ShoalError('CLI_ERR_USAGE', `the token file ${path} is empty; put the API token in it`);
  return { token, path, generated: false };
}
