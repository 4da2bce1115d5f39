/**
 * The HTTP/2 connection dissector: a frame reader (frame-reader.ts) and an HPACK decoder
 * (hpack.ts) per direction, header blocks gathered across CONTINUATION frames (§6.10), and one
 * Exchange per stream, emitted when both sides ended it (END_STREAM), when it is reset
 * (RST_STREAM), refused by a GOAWAY, timed out waiting for a response, or when the connection
 * ends. Flow control (WINDOW_UPDATE, SETTINGS_INITIAL_WINDOW_SIZE) is ignored: it changes when
 * bytes are sent, not what they say. PRIORITY and PING carry nothing an entry shows.
 *
 * Roles come from the direction (the session's client direction), not from stream id parity:
 * a server's frames are responses, also on streams it promised.
 */

import { ErrorCodes } from '@shoal/model';
import type { Direction, DissectorSession, StreamDissector } from '../../dissector.js';
import { graphqlTransaction, mayCarryGraphql } from '../graphql/index.js';
import { GrpcCall, grpcTransaction, isGrpcContentType } from '../grpc/index.js';
import { Exchange } from './exchange.js';
import { FrameReader, type FrameSink } from './frame-reader.js';
import { Flag, FRAME_HEADER, FrameType, errorName, type Frame } from './frames.js';
import type { Http1Message } from '../http1/message.js';
import { isInterim, messageOf } from './header-list.js';
import { HpackDecoder } from './hpack.js';
import { RecentIds } from './recent-ids.js';
import { streamTransaction } from './shape.js';

/** Streams tracked at once; past it the oldest is emitted as it stands (memory per connection). */
export const MAX_STREAMS = 4096;
/** Largest header block gathered (HEADERS + CONTINUATION); past it the block is dropped. */
const MAX_BLOCK = 256 * 1024;
/** Streams emitted on timeout whose method and path are remembered for a late response. */
const MAX_EXPIRED = 1024;

/** A header block being gathered across CONTINUATION frames. */
interface Block {
  stream: number;
  /** PUSH_PROMISE: the stream promised; 0 for HEADERS. */
  promised: number;
  endStream: boolean;
  parts: Buffer[];
  length: number;
  /** Bytes on the wire of its frames. */
  wire: number;
  startTs: number;
  lost: boolean;
}

class Side implements FrameSink {
  readonly reader: FrameReader;
  decoder = new HpackDecoder(false);
  block: Block | null = null;
  /** The direction was seen from its first byte (frame-reader.ts `begin`). */
  fromStart = false;

  constructor(
    readonly isClient: boolean,
    private readonly conn: Http2Stream,
  ) {
    this.reader = new FrameReader(isClient, this);
  }

  begin(fromStart: boolean): void {
    this.fromStart = fromStart;
    this.decoder = new HpackDecoder(fromStart);
  }

  frame(frame: Frame, lost: number): void {
    this.conn.frame(this, frame, lost);
  }

  desync(): void {
    this.decoder.lose();
    this.block = null;
    this.conn.lost(this);
  }
}

export class Http2Stream implements StreamDissector {
  private readonly session: DissectorSession;
  private readonly sides: [Side, Side];
  /** Body cap for detail `full`; null for detail `summary`. */
  private readonly cap: number | null;
  /** The session's body cap, also in detail `summary` (for GraphQL: Exchange.bodyCap). */
  private readonly bodyCapBytes: number;
  private readonly timeoutMs: number;
  private readonly streams = new Map<number, Exchange>();
  private readonly expired = new Map<number, { method: string; path: string }>();
  /** Streams emitted (ended), the last MAX_STREAMS at least: frames still in flight for them are not new streams. */
  private readonly ended = new RecentIds(MAX_STREAMS);
  private goaway: { lastStreamId: number; code: string; by: 'client' | 'server' } | null = null;
  private done = false;

  constructor(session: DissectorSession) {
    this.session = session;
    const client = session.clientDirection;
    const full = session.options.detail !== 'summary';
    this.bodyCapBytes = Math.max(0, session.options.bodyCapBytes);
    this.cap = full ? this.bodyCapBytes : null;
    this.timeoutMs = session.options.responseTimeoutMs;
    const sides: Side[] = [];
    sides[client] = new Side(true, this);
    sides[1 - client] = new Side(false, this);
    this.sides = sides as [Side, Side];
  }

  // ---- StreamDissector: nothing escapes these -----------------------------------------------

  data(direction: Direction, chunk: Buffer, timestampMs: number): void {
    if (this.done || chunk.length === 0) return;
    try {
      this.sides[direction].reader.push(chunk, timestampMs);
    } catch {
      this.recover(direction);
    }
  }

  gap(direction: Direction, length: number): void {
    if (this.done) return;
    try {
      this.sides[direction].reader.gap(length);
    } catch {
      this.recover(direction);
    }
  }

  end(): void {
    // Streams still open are emitted when the connection closes.
  }

  tick(timestampMs: number): void {
    if (this.done) return;
    try {
      for (const x of [...this.streams.values()]) {
        if (x.reqEnded && x.res === null && x.interim === null && timestampMs - x.reqEndTs > this.timeoutMs) {
          this.remember(x);
          this.emit(x, false);
        }
      }
    } catch {
      // Nothing to repair: a stream that failed to emit is gone.
    }
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    for (const x of [...this.streams.values()]) {
      try {
        if (this.goaway !== null && !x.finished && concerns(this.goaway, x.id)) x.goaway = this.goaway;
        this.emit(x, true);
      } catch {
        // A broken stream must not hide the ones after it.
      }
    }
  }

  // ---- frames ------------------------------------------------------------------------------

  frame(side: Side, f: Frame, lost: number): void {
    const wire = FRAME_HEADER + f.payload.length + lost;
    // A block's CONTINUATION frames come next, with no frame of another type or stream
    // between them (§6.10): anything else ends the block as it stands.
    if (side.block !== null && f.type !== FrameType.CONTINUATION) this.dropBlock(side, ErrorCodes.DIS_ERR_SYNTAX);
    switch (f.type) {
      case FrameType.DATA:
        this.dataFrame(side, f, lost, wire);
        break;
      case FrameType.HEADERS:
      case FrameType.PUSH_PROMISE:
        this.blockStart(side, f, lost, wire);
        break;
      case FrameType.CONTINUATION:
        this.continuation(side, f, lost, wire);
        break;
      case FrameType.RST_STREAM:
        this.rstStream(side, f, wire);
        break;
      case FrameType.GOAWAY:
        this.goawayFrame(side, f);
        break;
      default:
        // SETTINGS, PING, PRIORITY, WINDOW_UPDATE, unknown types (§5.5: ignored).
        if (f.stream !== 0) {
          const x = this.streams.get(f.stream);
          if (x !== undefined) this.count(side, x, wire, f.endTs);
        }
    }
  }

  /** Sync lost in one direction: every stream still open on that side missed frames. */
  lost(side: Side): void {
    const at = side.isClient ? 'request' : 'response';
    for (const x of this.streams.values()) {
      if (side.isClient ? x.reqEnded : x.resEnded) continue;
      x.flag(ErrorCodes.DIS_ERR_GAP, at);
      x.grpc?.side(side.isClient).lose();
    }
  }

  private dataFrame(side: Side, f: Frame, lost: number, wire: number): void {
    const x = this.stream(f.stream, f.startTs);
    if (x === null) return;
    this.count(side, x, wire, f.endTs);
    const msg = side.isClient ? x.req : x.res;
    const at = side.isClient ? 'request' : 'response';
    const body = unpad(f, lost);
    if (body === null) x.flag(ErrorCodes.DIS_ERR_SYNTAX, at);
    else if (msg === null) x.flag(ErrorCodes.DIS_ERR_GAP, at);
    else {
      // A gRPC call's DATA are its messages: read by the call, counted (not kept) as body.
      const grpc = x.grpc?.side(side.isClient);
      if (body.kept.length > 0) {
        msg.addBody(body.kept, 0, body.kept.length, grpc !== undefined ? 0 : x.bodyCap);
        grpc?.push(body.kept, f.startTs);
      }
      if (body.lost > 0) {
        msg.bodyGap(body.lost);
        grpc?.gap(body.lost);
        x.flag(ErrorCodes.DIS_ERR_GAP, at);
      }
    }
    if ((f.flags & Flag.END_STREAM) !== 0) this.endSide(side, x, f.endTs);
    this.maybeEmit(x);
  }

  private blockStart(side: Side, f: Frame, lost: number, wire: number): void {
    const p = f.payload;
    let from = 0;
    let pad = 0;
    if ((f.flags & Flag.PADDED) !== 0) {
      pad = p.length > 0 ? p[0]! : 0;
      from = 1;
    }
    if (f.type === FrameType.HEADERS && (f.flags & Flag.PRIORITY) !== 0) from += 5;
    let promised = 0;
    if (f.type === FrameType.PUSH_PROMISE) {
      promised = from + 4 <= p.length ? p.readUInt32BE(from) & 0x7fffffff : 0;
      from += 4;
    }
    const to = p.length - pad;
    const block: Block = {
      stream: f.stream,
      promised,
      endStream: f.type === FrameType.HEADERS && (f.flags & Flag.END_STREAM) !== 0,
      parts: [],
      length: 0,
      wire,
      startTs: f.startTs,
      lost: lost > 0 || to < from || (f.type === FrameType.PUSH_PROMISE && promised === 0),
    };
    if (to > from) block.parts.push(from === 0 && to === p.length ? p : p.subarray(from, to));
    block.length = Math.max(0, to - from);
    side.block = block;
    if ((f.flags & Flag.END_HEADERS) !== 0) this.blockEnd(side, f.endTs);
  }

  private continuation(side: Side, f: Frame, lost: number, wire: number): void {
    const block = side.block;
    if (block === null || block.stream !== f.stream) {
      // A CONTINUATION whose block was lost (or never started): its fields cannot be read.
      side.decoder.lose();
      const x = this.streams.get(f.stream);
      if (x !== undefined) x.flag(ErrorCodes.DIS_ERR_GAP, side.isClient ? 'request' : 'response');
      return;
    }
    block.wire += wire;
    if (lost > 0) block.lost = true;
    if (block.length + f.payload.length > MAX_BLOCK) block.lost = true;
    else {
      block.parts.push(f.payload);
      block.length += f.payload.length;
    }
    if ((f.flags & Flag.END_HEADERS) !== 0) this.blockEnd(side, f.endTs);
  }

  /** A header block ended without its END_HEADERS, or was cut: its fields are lost. */
  private dropBlock(side: Side, code: string): void {
    const block = side.block!;
    side.block = null;
    side.decoder.lose();
    const x = this.stream(block.promised || block.stream, block.startTs);
    if (x === null) return;
    x.flag(code, side.isClient || block.promised !== 0 ? 'request' : 'response');
    this.count(side, x, block.wire, block.startTs);
  }

  private blockEnd(side: Side, endTs: number): void {
    const block = side.block!;
    side.block = null;
    const at = side.isClient || block.promised !== 0 ? 'request' : 'response';
    if (block.lost) {
      side.decoder.lose();
      const x = this.stream(block.promised || block.stream, block.startTs);
      if (x === null) return;
      x.flag(ErrorCodes.DIS_ERR_GAP, at);
      this.count(side, x, block.wire, endTs);
      return;
    }
    const bytes = block.parts.length === 1 ? block.parts[0]! : Buffer.concat(block.parts, block.length);
    const { fields, problem } = side.decoder.decode(bytes);
    if (block.promised !== 0) {
      // The server's promise is the pushed stream's request, complete (§8.4.1); the
      // PUSH_PROMISE frame itself travels on the associated stream.
      const parent = this.streams.get(block.stream);
      if (parent !== undefined) this.count(side, parent, block.wire, endTs);
      const x = this.stream(block.promised, block.startTs);
      if (x === null) return;
      x.pushed = true;
      if (problem !== null) x.flag(problem, 'request');
      if (x.req === null) {
        x.req = messageOf(true, fields, block.startTs, this.cap !== null);
        x.req.headersSize = block.wire;
        x.req.endTs = endTs;
      }
      x.reqEnded = true;
      x.reqEndTs = endTs;
      return;
    }
    const x = this.stream(block.stream, block.startTs);
    if (x === null) return;
    const interim = !side.isClient && x.res === null ? isInterim(fields) : null;
    // Interim responses are counted apart (shape.ts adds them to the response's size).
    if (interim === null) this.count(side, x, block.wire, endTs);
    if (problem !== null) x.flag(problem, at);
    if (side.isClient) {
      if (x.req === null) {
        x.req = messageOf(true, fields, block.startTs, this.cap !== null);
        x.req.headersSize = block.wire;
        this.maybeGrpc(x, x.req);
        if (mayCarryGraphql(x.req)) x.bodyCap = this.bodyCapBytes;
      } else x.req.trailers = messageOf(true, fields, block.startTs, this.cap !== null).headers;
      x.req.endTs = endTs;
    } else {
      if (interim !== null) {
        (x.interim ??= []).push(interim);
        x.interimBytes += block.wire;
      } else if (x.res === null) {
        x.res = messageOf(false, fields, block.startTs, this.cap !== null);
        x.res.headersSize = block.wire;
        // The request's headers may have been missed (joined mid-way): the response says it then.
        if (x.req === null) this.maybeGrpc(x, x.res);
        // Stream 1 answered on a connection seen from its start, without a request on it: the
        // request was the HTTP/1.1 one that asked for the upgrade (RFC 7540 §3.2). The client's
        // preface may come after this response: the server starts without waiting for it.
        if (x.req === null && x.id === 1 && x.method === '' && side.fromStart) x.upgraded = true;
      } else x.res.trailers = messageOf(false, fields, block.startTs, this.cap !== null).headers;
      if (x.res !== null) x.res.endTs = endTs;
    }
    if (block.endStream) this.endSide(side, x, endTs);
    this.maybeEmit(x);
  }

  private rstStream(side: Side, f: Frame, wire: number): void {
    const x = this.streams.get(f.stream);
    if (x === undefined) return;
    this.count(side, x, wire, f.endTs);
    x.reset = { code: errorName(f.payload.length >= 4 ? f.payload.readUInt32BE(0) : 0), by: side.isClient ? 'client' : 'server' };
    this.maybeEmit(x);
  }

  /**
   * GOAWAY (§6.8): streams the sender's peer opened above Last-Stream-ID were not processed
   * and end now; the others may complete, and those still open when the connection ends carry
   * it too.
   */
  private goawayFrame(side: Side, f: Frame): void {
    if (f.payload.length < 8) return;
    const lastStreamId = f.payload.readUInt32BE(0) & 0x7fffffff;
    const ending = { code: errorName(f.payload.readUInt32BE(4)), by: side.isClient ? ('client' as const) : ('server' as const), lastStreamId };
    this.goaway = ending;
    for (const x of [...this.streams.values()]) {
      if (x.id > lastStreamId && concerns(ending, x.id) && !x.finished) {
        x.goaway = ending;
        this.emit(x, false);
      }
    }
  }

  // ---- streams -----------------------------------------------------------------------------

  /** The stream `id`, opened if new; null when it ended already (frames still in flight). */
  private stream(id: number, ts: number): Exchange | null {
    let x = this.streams.get(id);
    if (x !== undefined) return x;
    if (this.ended.has(id)) return null;
    if (this.streams.size >= MAX_STREAMS) {
      const oldest = this.streams.values().next().value!;
      this.emit(oldest, true);
    }
    x = new Exchange(id, ts);
    x.bodyCap = this.cap ?? 0;
    const before = this.expired.get(id);
    if (before !== undefined) {
      this.expired.delete(id);
      x.method = before.method;
      x.path = before.path;
    }
    this.streams.set(id, x);
    return x;
  }

  /** A gRPC call is recognised by the first header block that says so (grpc/call.ts). */
  private maybeGrpc(x: Exchange, msg: Http1Message): void {
    if (x.grpc === null && isGrpcContentType(msg.headers['content-type'])) x.grpc = new GrpcCall(this.cap ?? 0);
  }

  private count(side: Side, x: Exchange, wire: number, ts: number): void {
    if (side.isClient) {
      x.reqBytes += wire;
      x.reqEndTs = ts;
    } else x.resBytes += wire;
    const msg = side.isClient ? x.req : x.res;
    if (msg !== null) msg.endTs = ts;
  }

  private endSide(side: Side, x: Exchange, ts: number): void {
    if (side.isClient) {
      x.reqEnded = true;
      x.reqEndTs = ts;
    } else x.resEnded = true;
  }

  private maybeEmit(x: Exchange): void {
    if (x.finished) this.emit(x, false);
  }

  private emit(x: Exchange, closed: boolean): void {
    this.streams.delete(x.id);
    // One that timed out may still get its response: that opens it again.
    if (!this.expired.has(x.id)) this.ended.add(x.id);
    const tx = streamTransaction(x, this.cap, closed);
    this.session.emit(x.grpc !== null ? grpcTransaction(tx, { req: x.req, res: x.res, call: x.grpc }, this.cap) : graphqlTransaction(tx, x.req, x.res, this.bodyCapBytes, this.cap !== null));
  }

  /** A request emitted without its response: a late response still shows what it answered. */
  private remember(x: Exchange): void {
    if (x.req === null) return;
    if (this.expired.size >= MAX_EXPIRED) this.expired.delete(this.expired.keys().next().value!);
    this.expired.set(x.id, { method: x.req.method, path: x.req.target });
  }

  /** A bug surfaced as an exception: that direction's frame sync is given up, to be found again. */
  private recover(direction: Direction): void {
    try {
      this.sides[direction].reader.gap(Number.MAX_SAFE_INTEGER);
    } catch {
      this.done = true;
    }
  }
}

/**
 * A GOAWAY is about the streams its receiver opened: client-initiated streams are odd,
 * server-initiated (pushed) ones even (§5.1.1, §6.8).
 */
function concerns(goaway: { by: 'client' | 'server' }, id: number): boolean {
  return id % 2 === (goaway.by === 'server' ? 1 : 0);
}

/**
 * The data of a DATA frame without its padding (§6.1): `kept` the octets received, `lost` those
 * that fell in a capture gap. Null when the padding is longer than the frame.
 */
function unpad(f: Frame, lost: number): { kept: Buffer; lost: number } | null {
  const p = f.payload;
  if ((f.flags & Flag.PADDED) === 0) return { kept: p, lost };
  if (p.length === 0) return null;
  const total = p.length + lost;
  const pad = p[0]!;
  const dataLength = total - 1 - pad;
  if (dataLength < 0) return null;
  const kept = p.subarray(1, Math.min(p.length, 1 + dataLength));
  return { kept, lost: dataLength - kept.length };
}
