/**
 * One gRPC call: an HTTP/2 stream whose request (or, when the request's headers were missed, the
 * response) says `content-type: application/grpc…`. The HTTP/2 dissector parses the stream once
 * and hands the call its DATA payloads per side; the call reads the length-prefixed messages of
 * each side (messages.ts). Everything else — headers, trailers, status — is in the stream's
 * messages already and is read when the entry is shaped (shape.ts).
 */

import { GrpcMessageReader } from './messages.js';

/** Messages kept per side of one entry; the rest are counted (`dropped`). */
export const MAX_MESSAGES = 64;

/**
 * `content-type` of a gRPC message stream: `application/grpc`, `application/grpc+proto`,
 * `application/grpc+json`, … (PROTOCOL-HTTP2.md, Content-Type; parameters allowed).
 */
export function isGrpcContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trimStart().toLowerCase();
  if (!v.startsWith('application/grpc')) return false;
  const next = v.charCodeAt(16);
  // `application/grpc-web` is another protocol (gRPC-Web: trailers inside the body).
  return Number.isNaN(next) || next === 0x2b /* + */ || next === 0x3b /* ; */ || next === 0x20;
}

export class GrpcCall {
  readonly request: GrpcMessageReader;
  readonly response: GrpcMessageReader;

  /** `maxBytes`: message bytes kept per side (the entry's body cap); 0 keeps none, only counts. */
  constructor(maxBytes: number) {
    const messages = maxBytes > 0 ? MAX_MESSAGES : 0;
    this.request = new GrpcMessageReader(messages, maxBytes);
    this.response = new GrpcMessageReader(messages, maxBytes);
  }

  side(isClient: boolean): GrpcMessageReader {
    return isClient ? this.request : this.response;
  }
}
