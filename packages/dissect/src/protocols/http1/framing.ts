/**
 * Message body length (RFC 9112 §6.3) and the pieces of chunked transfer coding (RFC 9112 §7.1)
 * that are pure functions of bytes. The state machine that applies them is reader.ts.
 */

import { ErrorCodes } from '@shoal/model';
import { BodyMode, type Http1Message } from './message.js';

/** Decide how the body of a request is delimited. */
export function planRequestBody(msg: Http1Message): void {
  planByFields(msg, true);
}

/**
 * Decide how the body of a response is delimited; `requestMethod` is the method of the request
 * it answers ('' when unknown).
 */
export function planResponseBody(msg: Http1Message, requestMethod: string): void {
  const status = msg.status;
  // §6.3 ¶2: 2xx to CONNECT: the connection becomes a tunnel right after the head.
  // RFC 9110 §15.2.2: after 101 the connection speaks the protocol named in Upgrade.
  if (status === 101 || (requestMethod === 'CONNECT' && status >= 200 && status < 300)) {
    msg.bodyMode = BodyMode.SWITCH;
    return;
  }
  // §6.3 ¶1: responses to HEAD, and 1xx, 204 and 304 responses, end with their head —
  // whatever Content-Length or Transfer-Encoding they carry.
  if (requestMethod === 'HEAD' || status < 200 || status === 204 || status === 304) {
    msg.bodyMode = BodyMode.NONE;
    return;
  }
  planByFields(msg, false);
}

function planByFields(msg: Http1Message, isRequest: boolean): void {
  const te = msg.headers['transfer-encoding'];
  if (te !== undefined) {
    // §6.3 ¶3/¶4: Transfer-Encoding overrides Content-Length. Chunked must be the final coding;
    // otherwise a request cannot be framed (the server answers 400 and closes) and a response
    // runs until the connection closes. Other codings are kept to be undone for display.
    const codings = splitTokens(te);
    const last = codings.length > 0 ? codings[codings.length - 1] : undefined;
    if (last === 'chunked') {
      codings.pop();
      msg.transferCodings = codings.length > 0 ? codings : null;
      msg.bodyMode = BodyMode.CHUNKED;
    } else if (isRequest) {
      msg.flag(ErrorCodes.DIS_ERR_SYNTAX);
      msg.bodyMode = BodyMode.INVALID;
    } else {
      msg.transferCodings = codings.length > 0 ? codings : null;
      msg.bodyMode = BodyMode.CLOSE;
    }
    return;
  }
  const cl = msg.headers['content-length'];
  if (cl !== undefined) {
    const n = parseContentLength(cl);
    if (n < 0) {
      // §6.3 ¶5: an invalid Content-Length is unrecoverable: nobody knows where the body ends.
      msg.flag(ErrorCodes.DIS_ERR_SYNTAX);
      msg.bodyMode = BodyMode.INVALID;
    } else {
      msg.bodyMode = n === 0 ? BodyMode.NONE : BodyMode.LENGTH;
      msg.bodyLength = n;
    }
    return;
  }
  // §6.3 ¶6/¶8: a request without either has no body; a response runs until close.
  msg.bodyMode = isRequest ? BodyMode.NONE : BodyMode.CLOSE;
}

/**
 * Upgrade tokens whose dissector goes by another name: `h2c` is HTTP/2 over cleartext TCP (RFC
 * 7540 §3.2), dissected by `http2`; `websocket` (RFC 6455 §4.1) by `ws`.
 */
const DISSECTOR_OF_TOKEN: Readonly<Record<string, string>> = { h2c: 'http2', websocket: 'ws' };

/**
 * The protocol a 101 response switched to (RFC 9110 §7.8): the first product of its Upgrade
 * field (else the request's), lower-cased, without a version, as the dissector that takes the
 * stream over is named (DISSECTOR_OF_TOKEN).
 */
export function upgradeProtocol(res: Http1Message, req: Http1Message | null): string {
  const offer = res.headers['upgrade'] ?? req?.headers['upgrade'] ?? '';
  const first = splitTokens(offer)[0] ?? '';
  const slash = first.indexOf('/');
  const token = slash >= 0 ? first.slice(0, slash) : first;
  return Object.hasOwn(DISSECTOR_OF_TOKEN, token) ? DISSECTOR_OF_TOKEN[token]! : token || 'unknown';
}

/** Lower-cased, trimmed, non-empty comma-separated tokens of a field value. */
export function splitTokens(value: string): string[] {
  const out: string[] = [];
  for (const part of value.split(',')) {
    const t = part.trim().toLowerCase();
    if (t !== '') out.push(t);
  }
  return out;
}

/** Largest body length accepted: beyond this a "length" is noise, and exact in a double. */
const MAX_LENGTH = 2 ** 52;

/**
 * Content-Length value (RFC 9110 §8.6): 1*DIGIT. A list of identical values (from repeated
 * fields, which we joined with ", ") is accepted as that value, as §8.6 allows. -1 if invalid.
 */
export function parseContentLength(value: string): number {
  const n = digitsValue(value, 0, value.length);
  if (n >= 0) return n;
  if (value.indexOf(',') < 0) return -1;
  let seen = -1;
  for (const part of value.split(',')) {
    const t = part.trim();
    const v = digitsValue(t, 0, t.length);
    if (v < 0 || (seen >= 0 && v !== seen)) return -1;
    seen = v;
  }
  return seen;
}

function digitsValue(s: string, from: number, to: number): number {
  if (to <= from || to - from > 16) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n <= MAX_LENGTH ? n : -1;
}

/**
 * The chunk-size of a chunk line `buf[start, end)` (end excludes the LF; a CR before it is
 * allowed): `chunk-size [ chunk-ext ] CRLF` (RFC 9112 §7.1). Extensions (`;name=value`, with
 * BWS around `;` per §7.1.1) are skipped: they have no registered meaning to show. -1 if invalid.
 */
export function parseChunkSize(buf: Buffer, start: number, end: number): number {
  let i = start;
  let n = 0;
  while (i < end) {
    const c = buf[i]!;
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
    else break;
    n = n * 16 + d;
    i++;
    if (i - start > 13) return -1;
  }
  if (i === start) return -1;
  while (i < end && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
  if (i === end) return n;
  const c = buf[i];
  if (c === 0x3b /* ; */) return n;
  if (c === 0x0d && i === end - 1) return n;
  return -1;
}
