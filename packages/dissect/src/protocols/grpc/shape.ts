/**
 * An HTTP/2 stream's transaction (http2/shape.ts) → a gRPC entry: the same request and response
 * (method `POST`, `path` `/pkg.Service/Method`, headers, trailers, sizes, stream id), with the
 * call's part added under `grpc` on each side (model's wire/grpc.ts; docs/entries.md, "gRPC"):
 * service and method, `grpc-status` and `grpc-message` (trailers, or a Trailers-Only response's
 * one header block), and each side's messages, decompressed (`grpc-encoding`, gzip and deflate,
 * bounded) and decoded as protobuf without a schema (protobuf.ts). The DATA bytes are shown as
 * those messages, not as an HTTP body: `bodySize` stays, `body` does not.
 *
 * `summary.text`: `/pkg.Service/Method -> OK`, `-> NOT_FOUND`; without a `grpc-status`, what
 * HTTP/2 says (`-> 503`, `-> reset CANCEL`, `-> no response`); a streaming call adds its counts,
 * `(1 -> 3 messages)`.
 */

import type { GrpcMessageJson, GrpcRequestJson, GrpcResponseJson, GrpcSideJson, ProtocolInfo } from '@shoal/model';
import type { Transaction } from '../../dissector.js';
import { decodeContent } from '../http1/decode.js';
import type { Http1Message } from '../http1/message.js';
import { isText } from '../../utf8.js';
import type { GrpcCall } from './call.js';
import type { GrpcMessageReader, ReceivedMessage } from './messages.js';
import { decodeMessage } from './protobuf.js';
import { decodeStatusMessage, parseStatus, splitPath, statusName } from './status.js';

export const PROTOCOL_GRPC: ProtocolInfo = Object.freeze({ name: 'grpc', abbr: 'gRPC', layer4: 'tcp' } as const);

/** What the layer needs of the HTTP/2 stream. */
export interface GrpcView {
  req: Http1Message | null;
  res: Http1Message | null;
  call: GrpcCall;
}

/** `cap`: bytes per side kept and decoded (detail `full`); null for detail `summary` (no messages). */
export function grpcTransaction(tx: Transaction, v: GrpcView, cap: number | null): Transaction {
  tx.protocol = PROTOCOL_GRPC;
  // The DATA were not kept as a body: the HTTP shape's `truncated` says nothing about them.
  if (tx.request !== null) delete tx.request['truncated'];
  if (tx.response !== null) delete tx.response['truncated'];
  const contentType = v.req?.headers['content-type'] ?? v.res?.headers['content-type'] ?? '';
  // `application/grpc` and `+proto` are the rule: look closer only when there is more.
  const asJson = contentType.length > 16 && contentType.trimStart().toLowerCase().startsWith('application/grpc+json');
  const reqSide = side(v.call.request, v.req, tx.timestamp, cap, asJson);
  const resSide = side(v.call.response, v.res, tx.timestamp, cap, asJson);
  if (tx.request !== null) {
    const names = splitPath(v.req?.target ?? '') ?? { service: '', method: '' };
    const timeout = v.req?.headers['grpc-timeout'];
    const head: Pick<GrpcRequestJson, 'service' | 'method' | 'timeout'> = { service: names.service, method: names.method };
    if (timeout !== undefined) head.timeout = timeout;
    tx.request.grpc = Object.assign(head, reqSide) satisfies GrpcRequestJson;
  }
  let status: number | null = null;
  if (tx.response !== null && v.res !== null) {
    const response: GrpcResponseJson = resSide;
    const fields = v.res.trailers ?? v.res.headers;
    status = parseStatus(fields['grpc-status']);
    if (status !== null) {
      response.status = status;
      response.statusName = statusName(status);
    }
    const message = fields['grpc-message'];
    if (message !== undefined && message !== '') response.message = decodeStatusMessage(message);
    if (v.res.trailers === null && status !== null) response.trailersOnly = true;
    tx.response.grpc = response;
  }
  tx.summary.text = summaryText(tx, status, v.call);
  return tx;
}

function summaryText(tx: Transaction, status: number | null, call: GrpcCall): string {
  const text = tx.summary.text;
  const left = tx.summary.path ?? text.slice(0, text.indexOf(' -> '));
  const right = status !== null ? statusName(status) : text.slice(text.lastIndexOf(' -> ') + 4);
  const counts = call.request.count > 1 || call.response.count > 1 ? ` (${call.request.count} -> ${call.response.count} messages)` : '';
  return `${left} -> ${right}${counts}`;
}

function side(reader: GrpcMessageReader, msg: Http1Message | null, startTs: number, cap: number | null, asJson: boolean): GrpcSideJson {
  reader.finish();
  const out: GrpcSideJson = { messageCount: reader.count };
  const encoding = msg?.headers['grpc-encoding'];
  if (encoding !== undefined && encoding !== 'identity') out.encoding = encoding;
  if (cap !== null) {
    // Decoded bytes of this side share the cap, so a run of small messages that expand cannot
    // make the entry larger than one body would be.
    const budget = { left: cap };
    out.messages = reader.messages.map((m) => messageJson(m, encoding, startTs, budget, asJson));
    if (reader.droppedCount > 0) out.dropped = { count: reader.droppedCount, bytes: reader.droppedBytes };
  }
  if (reader.incomplete) out.incomplete = true;
  return out;
}

function messageJson(m: ReceivedMessage, encoding: string | undefined, startTs: number, budget: { left: number }, asJson: boolean): GrpcMessageJson {
  const out: GrpcMessageJson = { at: Math.round((m.ts - startTs) * 1000) / 1000, compressed: m.compressed, length: m.length };
  let data = m.parts.length === 1 ? m.parts[0]! : Buffer.concat(m.parts, m.kept);
  let partial = m.partial;
  if (m.compressed) {
    // Each message is compressed on its own (no context across messages).
    const d = encoding === undefined ? { data, capped: false, error: 'compressed, but no grpc-encoding' } : decodeContent(data, [encoding], Math.max(budget.left, 1), partial);
    if (d.error !== undefined) {
      out.decodeError = d.error;
      out.data = data.toString('base64');
      if (partial) out.truncated = true;
      return out;
    }
    data = d.data;
    if (d.capped) partial = true;
    else if (!partial) out.decodedLength = data.length;
  }
  budget.left -= data.length;
  if (partial) out.truncated = true;
  const fields = asJson ? null : decodeMessage(data);
  if (fields !== null) out.fields = fields;
  else if (isText(data)) out.text = data.toString('utf8');
  else out.data = data.toString('base64');
  return out;
}
