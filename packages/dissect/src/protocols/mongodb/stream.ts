/**
 * The MongoDB connection dissector: a framer per direction (../size-framer.ts: messageLength,
 * little-endian, counting itself), messages read by wire.ts, replies paired with the waiting
 * requests by responseTo = requestID (../pending-by-id.ts; MongoDB Wire Protocol, "Standard
 * Message Header"). An OP_MSG with moreToCome expects no reply: it is emitted at once. With
 * exhaustAllowed a server may send several replies to one request, each naming the previous
 * reply's requestID: such a reply is an entry without request.
 */

import type { Direction, DissectorSession, StreamDissector } from '../../dissector.js';
import { decodeBudget } from '../http1/decode.js';
import { PendingById } from '../pending-by-id.js';
import { SizeFramer, type FramedMessage } from '../size-framer.js';
import { judgeRequest, MAX_MESSAGE } from './probe.js';
import { mongoTransaction, type MongoArrival } from './shape.js';
import { readMessage } from './wire.js';

/** The bytes after a messageLength (which counts itself and a 12-byte rest of the header), or -1. */
const mongoSize = (b: Buffer, at: number): number => {
  const n = b.readInt32LE(at);
  return n < 16 || n > MAX_MESSAGE ? -1 : n - 4;
};

export class MongoStream implements StreamDissector {
  private readonly session: DissectorSession;
  private readonly framers: [SizeFramer, SizeFramer];
  private readonly pending = new PendingById<MongoArrival>();
  private readonly full: boolean;
  private done = false;

  constructor(session: DissectorSession) {
    this.session = session;
    this.full = session.options.detail !== 'summary';
    const keep = decodeBudget(Math.max(0, session.options.bodyCapBytes));
    const framers: SizeFramer[] = [];
    for (const direction of [0, 1] as const) {
      const client = direction === session.clientDirection;
      const judge = client ? (b: Buffer) => verdictOf(judgeRequest(b, true)) : (b: Buffer) => this.judgeReply(b);
      framers[direction] = new SizeFramer(keep, mongoSize, judge, (m) => (client ? this.request(m) : this.reply(m)));
    }
    this.framers = framers as [SizeFramer, SizeFramer];
  }

  data(direction: Direction, chunk: Buffer, timestampMs: number): void {
    if (this.done || chunk.length === 0) return;
    try {
      this.framers[direction].push(chunk, timestampMs);
    } catch {
      this.recover(direction, timestampMs);
    }
  }

  gap(direction: Direction, length: number, timestampMs: number): void {
    if (this.done) return;
    try {
      this.framers[direction].gap(length, timestampMs);
    } catch {
      this.recover(direction, timestampMs);
    }
  }

  end(direction: Direction, timestampMs: number): void {
    if (this.done) return;
    try {
      this.framers[direction].end(timestampMs);
      if (direction !== this.session.clientDirection) this.pending.drain((r) => this.emit(r, null));
    } catch {
      this.recover(direction, timestampMs);
    }
  }

  tick(timestampMs: number): void {
    if (this.done) return;
    try {
      this.pending.expire(timestampMs, this.session.options.responseTimeoutMs, (r) => this.emit(r, null));
    } catch {
      // Nothing to repair: a request that failed to emit is gone.
    }
  }

  close(timestampMs: number): void {
    if (this.done) return;
    for (const framer of this.framers) {
      try {
        framer.end(timestampMs);
      } catch {
        // What waits is still emitted below.
      }
    }
    this.done = true;
    this.pending.drain((r) => {
      try {
        this.emit(r, null);
      } catch {
        // A broken request must not hide the ones after it.
      }
    });
  }

  private read(framed: FramedMessage): MongoArrival {
    return { framed, msg: readMessage(framed.bytes, framed.cut || framed.problem !== null) };
  }

  private request(framed: FramedMessage): void {
    const a = this.read(framed);
    if (a.msg === null || a.msg.moreToCome) {
      this.emit(a, null);
      return;
    }
    for (const pushed of this.pending.add(a, a.msg.requestId)) this.emit(pushed, null);
  }

  private reply(framed: FramedMessage): void {
    const a = this.read(framed);
    this.emit(a.msg === null ? null : (this.pending.take(a.msg.responseTo) ?? null), a);
  }

  /** A reply starts here when its length can be and its responseTo is a waiting request's id. */
  private judgeReply(b: Buffer): 'yes' | 'no' | 'more' {
    if (b.length < 12) return 'more';
    return mongoSize(b, 0) >= 0 && this.pending.has(b.readInt32LE(8)) ? 'yes' : 'no';
  }

  private emit(req: MongoArrival | null, res: MongoArrival | null): void {
    this.session.emit(mongoTransaction(req, res, this.full));
  }

  private recover(direction: Direction, timestampMs: number): void {
    try {
      this.framers[direction].gap(1, timestampMs);
    } catch {
      this.done = true;
    }
  }
}

const verdictOf = (v: string): 'yes' | 'no' | 'more' => (v === 'client' ? 'yes' : v === 'more' ? 'more' : 'no');
