/**
 * Message → JSON: the `request` / `response` objects of an HTTP/1.x entry, and the transaction.
 *
 * ## HTTP/1.x entry shapes (protocol.name `http`)
 *
 * `protocol`: `{ name: 'http', version: '1.1' | '1.0', abbr: 'HTTP', layer4: 'tcp' }` — the
 * version of the request (of the response when there is no request); HTTP/1.x with x > 1 is
 * shown as '1.1' (RFC 9110 §2.5: a recipient treats a higher minor version as its own).
 *
 * `request` (null when the request was not seen or could not be parsed):
 * - `method`: as sent, e.g. `GET`.
 * - `url`: the request-target exactly as sent (origin-form `/a?b`, absolute-form
 *   `http://h/a?b` kept as is, authority-form `h:443` for CONNECT, `*` for OPTIONS).
 * - `path`: path and query: the target for origin-form, the part from the first `/` after the
 *   authority for absolute-form (`/` if none), else the target itself.
 * - `httpVersion`: as sent, e.g. `HTTP/1.1`.
 * - `headers`: lower-cased field name → value. Repeated fields are joined with `, ` (RFC 9110
 *   §5.3), except `set-cookie`, joined with `\n` (its values contain commas). obs-fold line
 *   continuations are joined with a space (RFC 9112 §5.2).
 * - `headersSize`: bytes of the head: start line, field lines and the empty line.
 * - `bodySize`: content bytes on the wire after removing chunked framing, before content
 *   decoding (bytes lost to a capture gap are counted).
 * - `body` (absent when `bodySize` is 0): the content after undoing `Content-Encoding` (and any
 *   transfer coding other than chunked), cut at the body cap. UTF-8 text when it is valid UTF-8
 *   without NUL bytes, else base64 with `bodyEncoding: 'base64'`.
 * - `contentEncoding`: the codings applied, lower-cased, e.g. `gzip` or `gzip, br`.
 * - `decodedSize`: bytes after decoding; present when the whole content was received and
 *   decoded (even if `body` is then cut at the cap); absent when only a prefix could be decoded
 *   (content cut, or it expands beyond max(4 × cap, 1 MiB)).
 * - `decodeError`: why the body could not be decoded (unsupported or corrupt coding); `body`
 *   then holds the raw bytes. Not a `malformed`: the framing was fine.
 * - `truncated: true`: `body` is not all of the content: it went over the body cap, or bytes
 *   were lost to a gap, or the stream ended before the body did.
 * - `trailers`: fields of the trailer section of a chunked body, shaped like `headers`.
 *
 * `response` (null when no response was seen): `status` (number), `statusText` (the
 * reason-phrase, may be ''), `httpVersion`, `headers`, `headersSize` and the body fields as
 * above, plus `interim`: the statuses of 1xx responses that came before it (e.g. `[100]` after
 * `Expect: 100-continue`, `[103]` for early hints), absent when there were none.
 *
 * `summary`: `{ method, path, status, text }`; `text` is `GET /a → 200`, `GET /a → no response`,
 * `(no request) → 200`, `(malformed request) → 400` when the request did not parse, or
 * `(lost request) → 200` when its start was lost to a capture gap.
 *
 * `timestamp`: the first byte of the request (of the response when there is none; for a request
 * lost in a capture gap, the time the gap was declared, but never later than its response's
 * first byte); `endTimestamp`: the last byte of the response (of the request when there is
 * none).
 *
 * Pairing: responses answer requests in order (pipelining, RFC 9112 §9.3.2), but never a
 * request whose first byte is later than the response's first byte. A response that arrives
 * before its request could be parsed (reassembly held the client's bytes back) waits for it;
 * it becomes one without request when client bytes later than it arrive, the client ends, or
 * the response timeout passes.
 * `requestSize` / `responseSize`: bytes on the wire of each message, head, chunk framing and
 * trailers included; `responseSize` also counts interim 1xx responses. 0 for a missing message.
 *
 * `malformed` (`{ code, at: 'request' | 'response' }`), the first that applies:
 * - `DIS_ERR_SYNTAX`: a start line, field line, Content-Length / Transfer-Encoding or chunk
 *   line that breaks RFC 9112; when the start line is bad the message is null and the bytes up
 *   to the next start line are skipped.
 * - `DIS_ERR_TOO_LARGE`: a head or trailer section over 64 KiB, or a chunk line over 4 KiB.
 * - `DIS_ERR_GAP`: bytes of the message were lost in capture (a body with a known length is
 *   still followed; otherwise the parser skips to the next start line).
 * - `DIS_ERR_TRUNCATED`: the stream ended inside the message.
 * - `DIS_ERR_NO_RESPONSE` (at `response`): no response before the response timeout (counted
 *   from the request's last byte, or the previous response's last byte if later) or the end of
 *   the stream.
 * - `DIS_ERR_NO_REQUEST` (at `request`): a response with no request before it, or one arriving
 *   after its request was already emitted as timed out (then `summary` keeps that request's
 *   method and path).
 */

import type { Malformed, Message } from '@shoal/model';
import type { Transaction } from '../../dissector.js';
import { isText, withoutPartialUtf8Tail } from '../../utf8.js';
import { decodeBudget, decodeContent } from './decode.js';
import { splitTokens } from './framing.js';
import type { Http1Message } from './message.js';

/** Everything a transaction is built from; see stream.ts for how pairs come about. */
export interface PairView {
  req: Http1Message | null;
  res: Http1Message | null;
  /** Problem not attached to a parsed message (lost/garbled request, lost response, timeout). */
  problem: Malformed | undefined;
  /** Capture time of the first byte of the request (or placeholder). */
  startTs: number;
  interim: number[] | null;
  interimBytes: number;
  /** Method and path for the summary when `req` is null but they are known. */
  method: string;
  path: string;
}

/** Shared by every entry of that version: entries never change their protocol. */
const PROTOCOL_1_0 = Object.freeze({ name: 'http', version: '1.0', abbr: 'HTTP', layer4: 'tcp' } as const);
const PROTOCOL_1_1 = Object.freeze({ name: 'http', version: '1.1', abbr: 'HTTP', layer4: 'tcp' } as const);

/**
 * `label` stands for the request in the summary when its method is unknown, e.g.
 * `(no request)`; `hasRequest`: a request (even unparsed) started this exchange. `cap`: the
 * body cap for detail `full`; null for detail `summary` (no headers, no body fields but sizes).
 */
export function makeTransaction(p: PairView, cap: number | null, hasRequest: boolean, label: string): Transaction {
  const req = p.req;
  const res = p.res;
  const method = req !== null ? req.method : p.method;
  const path = req !== null ? pathOf(req.target) : p.path;
  const status = res !== null ? res.status : undefined;
  const left = method !== '' ? `${method} ${path}` : label;
  const right = status !== undefined ? String(status) : 'no response';
  // ASCII on purpose: one non-Latin-1 character (an arrow) would make V8 hold the whole entry's
  // JSON as a two-byte string, and storing and streaming every entry measurably slower.
  const summary: Transaction['summary'] = { text: `${left} -> ${right}` };
  if (method !== '') {
    summary.method = method;
    summary.path = path;
  }
  if (status !== undefined) summary.status = status;
  const malformed = req?.malformed ?? p.problem ?? res?.malformed;
  const tx: Transaction = {
    protocol: (req ?? res)?.minor === 0 ? PROTOCOL_1_0 : PROTOCOL_1_1,
    timestamp: req !== null ? req.startTs : startOfUnparsed(p, res, hasRequest),
    endTimestamp: res !== null ? res.endTs : req !== null ? req.endTs : p.startTs,
    summary,
    request: req !== null ? shapeRequest(req, cap) : null,
    response: res !== null ? shapeResponse(res, cap, p.interim) : null,
    requestSize: req !== null ? req.wireSize : 0,
    responseSize: (res !== null ? res.wireSize : 0) + p.interimBytes,
  };
  if (malformed !== undefined) tx.malformed = malformed;
  return tx;
}

/**
 * When the request was not parsed: the time its bytes were seen, or the time the capture gap
 * that swallowed it was declared — which can be after its response began, so never later than
 * that response.
 */
function startOfUnparsed(p: PairView, res: Http1Message | null, hasRequest: boolean): number {
  if (res === null) return p.startTs;
  return hasRequest ? Math.min(p.startTs, res.startTs) : res.startTs;
}

/** `cap` null: detail `summary` (no headers, no body fields but bodySize). */
export function shapeRequest(msg: Http1Message, cap: number | null): Message {
  const out: Message = { method: msg.method, path: pathOf(msg.target), url: msg.target, httpVersion: msg.version };
  return shapeFieldsAndBody(out, msg, cap);
}

export function shapeResponse(msg: Http1Message, cap: number | null, interim: number[] | null): Message {
  const out = shapeFieldsAndBody({ status: msg.status, statusText: msg.reason, httpVersion: msg.version }, msg, cap);
  if (interim !== null && interim.length > 0) out.interim = interim;
  return out;
}

/** The part of a message after its start line, in the key order docs/entries.md shows. */
function shapeFieldsAndBody(out: Message, msg: Http1Message, cap: number | null): Message {
  if (cap !== null) out.headers = msg.headers;
  out.headersSize = msg.headersSize;
  if (cap === null) out.bodySize = msg.bodySize;
  else shapeBody(out, msg, cap);
  return out;
}

/** Path and query of a request-target (RFC 9112 §3.2). */
export function pathOf(target: string): string {
  const c = target.charCodeAt(0);
  if (c === 0x2f /* / */ || target === '*') return target;
  const scheme = target.indexOf('://');
  if (scheme < 0) return target;
  const slash = target.indexOf('/', scheme + 3);
  const query = target.indexOf('?', scheme + 3);
  if (slash >= 0 && (query < 0 || slash < query)) return target.slice(slash);
  return query >= 0 ? '/' + target.slice(query) : '/';
}

/** A message's content as an entry shows it: content codings undone, cut at the body cap. */
export interface BodyContent {
  data: Buffer;
  /** Not all of the content: over the cap, lost to a gap, or cut off. */
  truncated: boolean;
  /** The codings applied, when there are any but `identity`. */
  contentEncoding?: string;
  /** Why they could not be undone (`data` is then the raw bytes). */
  decodeError?: string;
  /** Bytes after decoding, when the whole content was received and decoded. */
  decodedSize?: number;
}

/** The content of a message with a body (`bodySize` > 0), kept up to `cap` bytes. */
export function bodyContent(msg: Http1Message, cap: number): BodyContent {
  const parts = msg.bodyParts;
  const raw = parts === null ? Buffer.alloc(0) : parts.length === 1 ? parts[0]! : Buffer.concat(parts, msg.bodyKept);
  // The kept bytes are not the whole content: over the cap, lost to a gap, or cut off.
  const partial = msg.bodyLossy || msg.bodyKept < msg.bodySize;
  const out: BodyContent = { data: raw, truncated: partial };
  const ce = msg.headers['content-encoding'];
  const codings = ce !== undefined ? splitTokens(ce) : [];
  if (msg.transferCodings !== null) codings.push(...msg.transferCodings);
  if (codings.length > 0 && !(codings.length === 1 && codings[0] === 'identity')) {
    out.contentEncoding = codings.join(', ');
    const d = decodeContent(raw, codings, decodeBudget(cap), partial);
    if (d.error !== undefined) out.decodeError = d.error;
    else {
      out.data = d.data;
      if (d.capped) out.truncated = true;
      else if (!partial) out.decodedSize = d.data.length;
    }
  }
  if (out.data.length > cap) {
    out.data = out.data.subarray(0, cap);
    out.truncated = true;
  }
  if (out.truncated) {
    const cut = withoutPartialUtf8Tail(out.data);
    if (cut !== out.data && isText(cut)) out.data = cut;
  }
  return out;
}

function shapeBody(out: Message, msg: Http1Message, cap: number): void {
  out.bodySize = msg.bodySize;
  if (msg.trailers !== null) out.trailers = msg.trailers;
  if (msg.bodySize === 0) return;
  const c = bodyContent(msg, cap);
  if (c.contentEncoding !== undefined) out.contentEncoding = c.contentEncoding;
  if (c.decodeError !== undefined) out.decodeError = c.decodeError;
  if (c.decodedSize !== undefined) out.decodedSize = c.decodedSize;
  if (c.truncated) {
    out.truncated = true;
    if (c.data.length === 0) return;
  }
  if (isText(c.data)) out.body = c.data.toString('utf8');
  else {
    out.body = c.data.toString('base64');
    out.bodyEncoding = 'base64';
  }
}
