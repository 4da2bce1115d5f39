/**
 * Lower-cased field names (field names are case-insensitive, RFC 9110 §5.1). The names seen in
 * almost every message, in their usual spellings, are recognised in place and shared, which
 * saves an allocation and gives the header object an internalized key; anything else is
 * lower-cased. Header parsing is the hot path of the dissector.
 */

/** Field names common enough to be worth recognising without a string allocation. */
const COMMON = [
  'host', 'user-agent', 'accept', 'accept-encoding', 'accept-language', 'accept-ranges',
  'connection', 'keep-alive', 'authorization', 'proxy-authorization', 'www-authenticate',
  'cookie', 'set-cookie', 'content-type', 'content-length', 'content-encoding',
  'content-language', 'content-disposition', 'content-range', 'content-security-policy',
  'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect', 'date', 'server', 'via', 'age',
  'cache-control', 'pragma', 'expires', 'etag', 'last-modified', 'if-none-match',
  'if-modified-since', 'vary', 'location', 'referer', 'origin', 'range', 'link', 'allow',
  'retry-after', 'forwarded', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host',
  'x-real-ip', 'x-request-id', 'x-correlation-id', 'x-requested-with', 'traceparent',
  'tracestate', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-sampled', 'x-amzn-trace-id',
  'access-control-allow-origin', 'access-control-allow-credentials', 'strict-transport-security',
  'x-content-type-options', 'x-frame-options', 'x-xss-protection', 'referrer-policy',
  'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-accept', 'sec-websocket-protocol',
  'sec-websocket-extensions', 'http2-settings', 'grpc-status', 'grpc-message', 'server-timing',
  'alt-svc', 'priority', 'dnt', 'upgrade-insecure-requests', 'sec-fetch-mode', 'sec-fetch-site',
  'sec-fetch-dest', 'sec-fetch-user', 'sec-ch-ua', 'sec-ch-ua-mobile', 'sec-ch-ua-platform',
];

/** Spellings seen on the wire for COMMON: lower-case (HTTP/2 habit), Title-Case, and a few quirks. */
function spellings(name: string): string[] {
  const title = name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
  const out = new Set([name, title]);
  if (name === 'etag') out.add('ETag');
  if (name === 'www-authenticate') out.add('WWW-Authenticate');
  if (name === 'te' || name === 'dnt') out.add(name.toUpperCase());
  if (name.endsWith('-id')) out.add(title.slice(0, -2) + 'ID');
  return [...out];
}

const MAX_LEN = 48;
/** Exact spellings by (length, first char); a comparison confirms a candidate. */
const table: Array<Array<[string, string]> | undefined> = new Array<undefined>(MAX_LEN * 128).fill(undefined);
const key = (length: number, first: number): number => length * 128 + (first & 0x7f);
for (const name of COMMON) {
  for (const spelled of spellings(name)) {
    const k = key(spelled.length, spelled.charCodeAt(0));
    (table[k] ??= []).push([spelled, name]);
  }
}

/** `s` holds `word` at `from` (a JIT-inlined loop beats `startsWith` with a position here). */
function sameAt(s: string, from: number, word: string): boolean {
  for (let i = word.length - 1; i > 0; i--) if (s.charCodeAt(from + i) !== word.charCodeAt(i)) return false;
  return true;
}

/**
 * `s[from, to)`, as the shared string of `words` it spells if it spells one (start-line words
 * seen in almost every message: a shared string saves an allocation per message), else a slice.
 */
export function sharedSlice(s: string, from: number, to: number, words: readonly string[]): string {
  const n = to - from;
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    if (w.length === n && s.charCodeAt(from) === w.charCodeAt(0) && sameAt(s, from, w)) return w;
  }
  return s.slice(from, to);
}

/** The lower-cased field name `s[from, to)`. */
export function fieldName(s: string, from: number, to: number): string {
  const list = to - from < MAX_LEN ? table[key(to - from, s.charCodeAt(from))] : undefined;
  if (list !== undefined) {
    for (let k = 0; k < list.length; k++) {
      const entry = list[k]!;
      if (sameAt(s, from, entry[0])) return entry[1];
    }
  }
  return s.slice(from, to).toLowerCase();
}
