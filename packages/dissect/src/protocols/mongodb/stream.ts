/**
 * The MongoDB connection dissector: a framer per direction (../size-framer.ts: messageLength,
 * little-endian, counting itself), messages read by wire.ts, replies paired with the waiting
 * requests by responseTo = requestID (../pending-by-id.ts; MongoDB Wire Protocol, "Standard
 * Message Header"). An OP_MSG with moreToCome expects no reply: it is emitted at once. With
 * exhaustAllowed a server may send several replies to one request, each naming the previous
 * reply's requestID: such a reply is an entry without request.
 */

import type { DissectorSession } from '../../dissector.js';
import { SizeFramedStream, startVerdict } from '../size-framed-stream.js';
import type { FramedMessage } from '../size-framer.js';
import { judgeRequest, MAX_MESSAGE } from './probe.js';
import { mongoTransaction, type MongoArrival } from './shape.js';
import { readMessage } from './wire.js';

/** The bytes after a messageLength (which counts itself and a 12-byte rest of the header), or -1. */
const mongoSize = (b: Buffer, at: number): number => {
  const n = b.readInt32LE(at);
  return n < 16 || n > MAX_MESSAGE ? -1 : n - 4;
};

export class MongoStream extends SizeFramedStream<MongoArrival, MongoArrival> {
  constructor(session: DissectorSession) {
    super(session, mongoSize);
  }

  private read(framed: FramedMessage): MongoArrival {
    return { framed, msg: readMessage(framed.bytes, framed.cut || framed.problem !== null) };
  }

  protected request(framed: FramedMessage): void {
    const a = this.read(framed);
    if (a.msg === null || a.msg.moreToCome) {
      this.emit(a, null);
      return;
    }
    for (const pushed of this.pending.add(a, a.msg.requestId)) this.emit(pushed, null);
  }

  protected response(framed: FramedMessage): void {
    const a = this.read(framed);
    this.emit(a.msg === null ? null : (this.pending.take(a.msg.responseTo) ?? null), a);
  }

  protected judgeRequest(b: Buffer): 'yes' | 'no' | 'more' {
    return startVerdict(judgeRequest(b, true));
  }

  /** A reply starts here when its length can be and its responseTo is a waiting request's id. */
  protected judgeResponse(b: Buffer): 'yes' | 'no' | 'more' {
    if (b.length < 12) return 'more';
    return mongoSize(b, 0) >= 0 && this.pending.has(b.readInt32LE(8)) ? 'yes' : 'no';
  }

  protected emit(req: MongoArrival | null, res: MongoArrival | null): void {
    this.session.emit(mongoTransaction(req, res, this.full));
  }}
