/**
 * A decoded header list → the parts of an HTTP message (the HTTP/1 parser's record, message.ts
 * of http1, so that both versions are shaped by the same code): pseudo-header fields (RFC 9113
 * §8.3) give the method, path and status; every field, pseudo-header fields included, goes into
 * `headers`, joined as HTTP/1 joins repeated fields (RFC 9110 §5.3: `, `; `set-cookie` with
 * `\n`), except `cookie`, which HTTP/2 may split into one field per crumb and which is joined
 * back with `; ` (RFC 9113 §8.2.3).
 */

import { PARSER_FIELDS } from '../http1/head.js';
import { Http1Message } from '../http1/message.js';
import type { HeaderField } from './hpack.js';

/** The version HTTP/2 messages show as `httpVersion`. */
export const HTTP2_VERSION = 'HTTP/2';

/**
 * The fields recorded in detail `summary` besides the pseudo-header fields: those the HTTP/1
 * parser records in any case, and gRPC's (call status, message coding, deadline: grpc/shape.ts).
 * A header record per message is most of what an HTTP/2 stream allocates; a one-line view needs
 * none of the rest.
 */
const SUMMARY_FIELDS = new Set([...PARSER_FIELDS, 'grpc-status', 'grpc-message', 'grpc-encoding', 'grpc-timeout']);

/** `all` false (detail `summary`): only pseudo-header fields and SUMMARY_FIELDS are recorded. */
export function fieldRecord(fields: readonly HeaderField[], all = true): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, value } of fields) {
    if (!all && name.charCodeAt(0) !== 0x3a && !SUMMARY_FIELDS.has(name)) continue;
    const had = out[name];
    if (had === undefined) out[name] = value;
    else out[name] = had + (name === 'cookie' ? '; ' : name === 'set-cookie' ? '\n' : ', ') + value;
  }
  return out;
}

/**
 * The message a request's or response's first header block starts. A request's target is
 * `:path`, or `:authority` for CONNECT (§8.5); a response's status `:status` (0 when missing or
 * not three digits: the block is then malformed, §8.3.2). `all`: as fieldRecord's.
 */
export function messageOf(isRequest: boolean, fields: readonly HeaderField[], startTs: number, all: boolean): Http1Message {
  const msg = new Http1Message(isRequest, startTs);
  msg.version = HTTP2_VERSION;
  msg.headers = fieldRecord(fields, all);
  const h = msg.headers;
  if (isRequest) {
    msg.method = h[':method'] ?? '';
    msg.target = h[':path'] ?? (msg.method === 'CONNECT' ? (h[':authority'] ?? '') : '');
  } else {
    const status = h[':status'] ?? '';
    msg.status = /^[0-9]{3}$/.test(status) ? Number(status) : 0;
  }
  return msg;
}

/** A 1xx status other than 101 (RFC 9110 §15.2): an interim response, the final one follows. */
export function isInterim(fields: readonly HeaderField[]): number | null {
  for (const { name, value } of fields) {
    if (name === ':status') return /^1[0-9]{2}$/.test(value) && value !== '101' ? Number(value) : null;
  }
  return null;
}
