/**
 * A finished stream → the transaction. The request and response are shaped exactly as HTTP/1's
 * (http1/shape.ts: same keys, same body handling, content codings decoded), so the feed, the
 * filters (`method`, `path`, `status_code`, `request.headers`, …), the map and the stats treat
 * both versions alike; the HTTP/2 specifics are added to them.
 *
 * ## HTTP/2 entry shape (protocol.name `http2`)
 *
 * `protocol`: `{ name: 'http2', version: '2', abbr: 'HTTP/2', layer4: 'tcp' }`.
 *
 * `request` / `response`: the keys of HTTP/1's (docs/entries.md), with `httpVersion: 'HTTP/2'`,
 * `method` from `:method`, `url` and `path` from `:path` (`:authority` for CONNECT), `status`
 * from `:status`, `statusText` always '' (HTTP/2 has no reason phrase). `headers` holds every
 * field of the header list, pseudo-header fields (`:method`, `:path`, `:scheme`, `:authority`,
 * `:status`) included; `cookie` crumbs are joined with `; `. `headersSize` is the bytes of the
 * HEADERS and CONTINUATION frames (frame headers included: the compressed size); `bodySize` the
 * DATA payload without padding; `trailers` the fields of a header block after the body. Plus:
 * - `streamId` (both): the stream identifier.
 * - `reset` (on the message of the side that sent it, else on the other one): `{ code, by }`, a
 *   RST_STREAM that ended the stream (`code` an error name of RFC 9113 §7, `by` `client` or
 *   `server`).
 * - `goaway`: `{ code, by, lastStreamId }`, a GOAWAY that ended the stream: it was above
 *   `lastStreamId` (not processed), or still open when the connection ended after it.
 * - `pushed: true` (request): a request the server promised (PUSH_PROMISE, §8.4).
 *
 * `summary.text`: as HTTP/1's, `GET /a -> 200`; `GET /a -> reset CANCEL` when the stream was
 * reset before a response, ` (reset CANCEL)` appended after one; `-> goaway` likewise.
 * `(upgraded request) -> 200` is stream 1 after an h2c upgrade (the request is the HTTP/1.1
 * entry before it); `(no request) -> 200` a stream whose request headers were not seen.
 *
 * `requestSize` / `responseSize`: bytes of the stream's frames of each side, frame headers
 * included (connection-level frames — SETTINGS, PING, WINDOW_UPDATE, GOAWAY — belong to no
 * stream and are not counted).
 *
 * `malformed`: `DIS_ERR_SYNTAX` (a header block that does not decode, a frame that breaks
 * §6), `DIS_ERR_GAP` (bytes of the stream lost in capture, or header fields that refer to HPACK
 * table entries made before the capture began: the fields missing are not shown),
 * `DIS_ERR_TRUNCATED` (the connection ended inside the stream), `DIS_ERR_NO_RESPONSE`,
 * `DIS_ERR_NO_REQUEST`, as for HTTP/1. A reset or GOAWAY is not malformed.
 */

import { ErrorCodes, type Message, type ProtocolInfo } from '@shoal/model';
import type { Transaction } from '../../dissector.js';
import { makeTransaction, type PairView } from '../http1/shape.js';
import type { Exchange, StreamEnding } from './exchange.js';

export const PROTOCOL_HTTP2: ProtocolInfo = Object.freeze({ name: 'http2', version: '2', abbr: 'HTTP/2', layer4: 'tcp' } as const);

/** `cap`: the body cap for detail `full`, null for detail `summary`. `closed`: the connection ended. */
export function streamTransaction(x: Exchange, cap: number | null, closed: boolean): Transaction {
  const label = x.upgraded ? '(upgraded request)' : '(no request)';
  const view: PairView = {
    req: x.req,
    res: x.res,
    problem: problemOf(x, closed),
    startTs: x.startTs,
    interim: x.interim,
    interimBytes: x.interimBytes,
    method: x.method,
    path: x.path,
  };
  const tx = makeTransaction(view, cap, false, label);
  tx.protocol = PROTOCOL_HTTP2;
  tx.requestSize = x.reqBytes;
  tx.responseSize = x.resBytes + x.interimBytes;
  if (tx.request !== null) tx.request.streamId = x.id;
  if (tx.response !== null) tx.response.streamId = x.id;
  if (x.pushed && tx.request !== null) tx.request.pushed = true;
  // Joined mid-way, `:path` or `:status` may be among the fields that did not decode.
  if (x.req !== null && x.req.target === '' && x.req.method !== '') tx.summary.text = tx.summary.text.replace(`${x.req.method}  -> `, `${x.req.method} (path not decoded) -> `);
  if (x.res !== null && x.res.status === 0) {
    tx.summary.text = `${tx.summary.text.slice(0, tx.summary.text.lastIndexOf(' -> '))} -> (status not decoded)`;
    delete tx.summary.status;
  }
  const ending = x.reset ?? x.goaway;
  if (ending !== null) {
    note(tx, ending, x.reset !== null ? 'reset' : 'goaway');
    const what = x.reset !== null ? `reset ${ending.code}` : `goaway ${ending.code}`;
    const text = tx.summary.text;
    tx.summary.text = x.res === null ? `${text.slice(0, text.lastIndexOf(' -> '))} -> ${what}` : `${text} (${what})`;
  }
  return tx;
}

/** Puts the ending on the message of the side that sent it, else on the other one. */
function note(tx: Transaction, ending: StreamEnding, key: 'reset' | 'goaway'): void {
  const own: Message | null = ending.by === 'client' ? tx.request : tx.response;
  const target = own ?? tx.request ?? tx.response;
  if (target !== null) target[key] = ending;
}

function problemOf(x: Exchange, closed: boolean): Transaction['malformed'] {
  if (x.problem !== undefined) return x.problem;
  if (x.req === null && !x.upgraded) return { code: ErrorCodes.DIS_ERR_NO_REQUEST, at: 'request' };
  const ended = x.reset !== null || x.goaway !== null;
  if (x.req !== null && !x.reqEnded && !ended && closed) return { code: ErrorCodes.DIS_ERR_TRUNCATED, at: 'request' };
  if (x.res === null) return ended ? undefined : { code: ErrorCodes.DIS_ERR_NO_RESPONSE, at: 'response' };
  if (!x.resEnded && !ended) return { code: ErrorCodes.DIS_ERR_TRUNCATED, at: 'response' };
  return undefined;
}
