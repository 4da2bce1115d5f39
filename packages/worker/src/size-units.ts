import { ShoalError } from '@shoal/model';

/** Binary (Ki, Mi, Gi, Ti) and decimal (k, K, M, G, T) suffixes, as Kubernetes quantities write them. */
const UNITS: Record<string, number> = {
  '': 1,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
};

/** `500Mi` → 524288000. Sizes are whole bytes; a bad value is a usage error naming the flag. */
export function parseSize(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)([A-Za-z]*)$/.exec(text.trim());
  const unit = m !== null ? UNITS[m[2]!] : undefined;
  if (m === null || unit === undefined) {
    throw new ShoalError('CLI_ERR_USAGE', `${flag} needs a size such as 500Mi, 2Gi or 100000000, got '${text}'`);
  }
  return Math.floor(Number(m[1]) * unit);
}
