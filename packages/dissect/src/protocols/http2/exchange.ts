/**
 * One HTTP/2 stream (RFC 9113 §5): the request its client sent (or the server promised, §8.4),
 * the response, and how the stream ended. One entry per stream: streams are paired by their
 * identifier, not by order, since a connection multiplexes them.
 */

import type { Malformed } from '@shoal/model';
import type { GrpcCall } from '../grpc/call.js';
import type { Http1Message } from '../http1/message.js';

/** A frame that ended streams early: RST_STREAM (§6.4) or GOAWAY (§6.8). */
export interface StreamEnding {
  /** The error code's name (§7), e.g. `CANCEL`. */
  code: string;
  by: 'client' | 'server';
  /** GOAWAY only: the last stream the sender processed, or may still process. */
  lastStreamId?: number;
}

export class Exchange {
  req: Http1Message | null = null;
  res: Http1Message | null = null;
  /** END_STREAM seen from the client (§5.1: half-closed remote) and from the server. */
  reqEnded = false;
  resEnded = false;
  /** Capture time of the client's last frame on the stream. */
  reqEndTs = 0;
  /** Bytes of this stream's frames on the wire (frame headers included), per side. */
  reqBytes = 0;
  resBytes = 0;
  interim: number[] | null = null;
  interimBytes = 0;
  reset: StreamEnding | null = null;
  goaway: StreamEnding | null = null;
  /** First problem seen: an undecodable header block, bytes lost, frames of a side never started. */
  problem: Malformed | undefined = undefined;
  /** The request is one the server promised (PUSH_PROMISE, RFC 9113 §8.4). */
  pushed = false;
  /** The request came over HTTP/1.1 (an h2c upgrade, RFC 7540 §3.2): stream 1's response only. */
  upgraded = false;
  /** DATA bytes kept per side: the body cap (detail `full`), or for a request that may carry GraphQL. */
  bodyCap = 0;
  /** A gRPC call (content-type `application/grpc…`): its DATA are read as messages (grpc/). */
  grpc: GrpcCall | null = null;
  /** Method and path of the request when it was emitted before this (its response timed out). */
  method = '';
  path = '';

  constructor(
    readonly id: number,
    /** Capture time of its first frame. */
    readonly startTs: number,
  ) {}

  flag(code: string, at: 'request' | 'response'): void {
    if (this.problem === undefined) this.problem = { code, at };
  }

  /** Nothing more will come that changes the entry. */
  get finished(): boolean {
    if (this.reset !== null) return true;
    if (this.req === null) return this.resEnded;
    return this.reqEnded && this.resEnded;
  }
}
