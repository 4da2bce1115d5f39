/**
 * Close status codes (RFC 6455 §7.4.1 and IANA's "WebSocket Close Code Number Registry", §11.7),
 * in words for an entry's `closeCodeName`. 3000–3999 are registered by libraries and frameworks,
 * 4000–4999 are for applications' private use (§7.4.2): those are named by their range only.
 */

const NAMES: Readonly<Record<number, string>> = {
  1000: 'normal closure',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1005: 'no status received',
  1006: 'abnormal closure',
  1007: 'invalid frame payload data',
  1008: 'policy violation',
  1009: 'message too big',
  1010: 'mandatory extension',
  1011: 'internal error',
  1012: 'service restart',
  1013: 'try again later',
  1014: 'bad gateway',
  1015: 'TLS handshake',
};

export function closeCodeName(code: number): string {
  if (Object.hasOwn(NAMES, code)) return NAMES[code]!;
  if (code >= 3000 && code <= 3999) return 'registered (3000-3999)';
  if (code >= 4000 && code <= 4999) return 'private use (4000-4999)';
  return 'not a valid close code';
}
