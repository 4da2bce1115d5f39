/**
 * "Copy as curl": a shell command that sends an HTTP entry's request again, over HTTP/2 for an
 * HTTP/2 one (its pseudo-header fields become the URL and the method: RFC 9113 §8.3.1). POSIX
 * shell quoting: single quotes keep every character as it is, newlines included; a single quote
 * itself is closed, escaped and reopened (`'\''`).
 */
import type { EndpointJson } from './entry-row.js';
import type { MessageJson } from './entry-detail.js';

export interface CurlCommand {
  command: string;
  /** What the command cannot reproduce, to show next to it. */
  warnings: string[];
}

/** `text` as one shell word. */
export function shellQuote(text: string): string {
  if (/^[\w@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * Fields curl writes itself from what it sends (RFC 9112 §6: framing; RFC 9110 §7.2: Host from the
 * URL; HTTP/2's pseudo-header fields from the URL and the method). Content-Encoding too when the
 * body shown was decoded: the command sends it decoded.
 */
function dropped(name: string, bodyDecoded: boolean): boolean {
  return name.startsWith(':') || name === 'host' || name === 'content-length' || name === 'transfer-encoding' || (bodyDecoded && name === 'content-encoding');
}

/**
 * `http://host/path` from the request target, else Host (HTTP/2's `:authority` and `:scheme`) and
 * the path, else the server's address.
 */
export function requestUrl(req: MessageJson, dst: EndpointJson): string {
  const target = req.url ?? req.path ?? '/';
  if (/^https?:\/\//i.test(target)) return target;
  const host = req.headers?.['host'] ?? req.headers?.[':authority'] ?? (dst.ip.includes(':') ? `[${dst.ip}]:${dst.port}` : `${dst.ip}:${dst.port}`);
  const scheme = req.headers?.[':scheme'] === 'https' ? 'https' : 'http';
  return `${scheme}://${host}${target.startsWith('/') ? target : req.path ?? '/'}`;
}

/**
 * The protocols whose requests curl can send again: HTTP and what HTTP carries as a body
 * (GraphQL). Not gRPC (its messages are not kept as a body), and no other protocol, even when its
 * request has a `method` (a database's verb, a broker's command).
 */
const CURL_PROTOCOLS: ReadonlySet<string> = new Set(['http', 'http2', 'graphql']);

/** The curl command for an entry's request; null for another protocol, or without a request. */
export function curlOfEntry(entry: { protocol: { name: string }; request: MessageJson | null; dst: EndpointJson }): CurlCommand | null {
  return CURL_PROTOCOLS.has(entry.protocol.name) ? curlCommand(entry.request, entry.dst) : null;
}

/** The curl command for an HTTP request; null when there is no request (a lost one, a flow). */
export function curlCommand(req: MessageJson | null, dst: EndpointJson): CurlCommand | null {
  if (req === null || req.method === undefined) return null;
  const warnings: string[] = [];
  const url = requestUrl(req, dst);
  const words: string[] = ['curl'];
  const hasBody = req.body !== undefined && req.body !== '';
  const binary = req.bodyEncoding === 'base64';
  // HTTP/2 over cleartext as captured: prior knowledge (RFC 9113 §3.3); over TLS, ALPN picks it.
  if (req.httpVersion === 'HTTP/2') words.push(url.startsWith('https:') ? '--http2' : '--http2-prior-knowledge');
  if (req.method === 'HEAD') words.push('--head');
  else if (req.method !== 'GET' || hasBody) words.push('-X', shellQuote(req.method));
  // curl reads [] and {} in a URL as globs, and tidies /./ and /../ away; the capture had neither.
  if (/[[\]{}]/.test(url)) words.push('--globoff');
  if (/\/\.\.?(\/|$|\?)/.test(url)) words.push('--path-as-is');
  words.push(shellQuote(url));
  const decoded = req.contentEncoding !== undefined && req.decodeError === undefined;
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    if (dropped(name, decoded)) continue;
    // `-H 'x:'` would remove the header; `x;` is curl's spelling of an empty one.
    words.push('-H', shellQuote(value === '' ? `${name};` : `${name}: ${value}`));
  }
  if (hasBody && !binary) words.push('--data-raw', shellQuote(req.body!));
  if (hasBody && binary) words.push('--data-binary', '@-');
  if (req.truncated === true) warnings.push('the request body was cut in the capture: the command sends only the part captured');
  if (decoded) warnings.push(`the body is sent decoded, without its Content-Encoding (${req.contentEncoding})`);
  const curl = words.join(' ');
  // Binary content does not fit in a shell word: feed it to curl on stdin from its base64.
  const command = hasBody && binary ? `printf %s ${shellQuote(req.body!)} | base64 -d | ${curl}` : curl;
  return { command, warnings };
}
