/**
 * gRPC over HTTP/2 (gRPC over HTTP2, PROTOCOL-HTTP2.md), a layer of the HTTP/2 dissector, not a
 * dissector of its own: a connection is parsed once, as HTTP/2, and a stream whose request says
 * `content-type: application/grpc…` (or whose response does, when the request's headers were
 * missed) becomes a `grpc` entry instead of an `http2` one. Pairing is HTTP/2's: one stream, one
 * call, however many messages each side streams (unary, client, server and bidirectional
 * streaming alike).
 *
 *   Request  → Request-Headers *Length-Prefixed-Message EOS
 *   Response → (Response-Headers *Length-Prefixed-Message Trailers) / Trailers-Only
 *
 * Files: call.ts (recognition, the per-stream state), messages.ts (length-prefixed messages, per
 * side, bounded), protobuf.ts (messages as field trees, without a schema), status.ts (path,
 * `grpc-status`, `grpc-message`), shape.ts (the entry; its header comment says how).
 */

export { GrpcCall, isGrpcContentType } from './call.js';
export { grpcTransaction } from './shape.js';
