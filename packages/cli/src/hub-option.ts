import { usageError } from './usage-error.js';

export const DEFAULT_HUB = 'http://localhost:8898';

/** A hub's (or worker's) base URL: `--hub URL`, else $SHOAL_HUB, else DEFAULT_HUB. */
export function hubOption(text: string | undefined): string {
  const base = (text ?? process.env['SHOAL_HUB'] ?? DEFAULT_HUB).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+$/.test(base)) throw usageError(`--hub must look like http://host:port, got '${base}'`);
  return base;
}
