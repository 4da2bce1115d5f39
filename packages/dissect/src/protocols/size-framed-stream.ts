/**
 * What a connection dissector of a size-framed request/response protocol (Kafka, MongoDB) does the
 * same way: a SizeFramer per direction, the waiting requests by id (PendingById), and the
 * StreamDissector's calls, none of which lets an exception escape. A protocol says how a message's
 * size is read, how a request and a response start, what to do with each message, and how a
 * request and its response become a transaction.
 */

import type { Direction, DissectorSession } from '../dissector.js';
import { decodeBudget } from './http1/decode.js';
import { PendingById, type Waiting } from './pending-by-id.js';
import { ReaderPairStream } from './reader-pair-stream.js';
import { SizeFramer, type FramedMessage, type SizeReader } from './size-framer.js';

/** A probe's verdict on a request's start, as a framer's judge wants it. */
export const startVerdict = (v: string): 'yes' | 'no' | 'more' => (v === 'client' ? 'yes' : v === 'more' ? 'more' : 'no');

export abstract class SizeFramedStream<Req extends Waiting, Res> extends ReaderPairStream<SizeFramer> {
  protected readonly session: DissectorSession;
  protected readonly pending = new PendingById<Req>();
  /** Detail `full`: build what only a detail view shows. */
  protected readonly full: boolean;
  /** Bytes of a message kept decoded (the session's body cap, bounded). */
  protected readonly budget: number;
  /** After an exception, one byte is taken as lost: the framer searches for the next message from there. */
  protected override readonly recoverGap = 1;

  constructor(session: DissectorSession, sizeOf: SizeReader) {
    super();
    this.session = session;
    this.full = session.options.detail !== 'summary';
    this.budget = decodeBudget(Math.max(0, session.options.bodyCapBytes));
    const framers: SizeFramer[] = [];
    for (const direction of [0, 1] as const) {
      const client = direction === session.clientDirection;
      const judge = client ? (b: Buffer) => this.judgeRequest(b) : (b: Buffer) => this.judgeResponse(b);
      framers[direction] = new SizeFramer(this.budget, sizeOf, judge, (m) => (client ? this.request(m) : this.response(m)));
    }
    this.readers = framers as [SizeFramer, SizeFramer];
  }

  /** Whether a request starts at the start of `b` (after a loss, or on a connection joined mid-way). */
  protected abstract judgeRequest(b: Buffer): 'yes' | 'no' | 'more';
  /** Whether a response starts there: in practice, one that names a waiting request. */
  protected abstract judgeResponse(b: Buffer): 'yes' | 'no' | 'more';
  protected abstract request(framed: FramedMessage): void;
  protected abstract response(framed: FramedMessage): void;
  /** Emits a request with its response; either may be missing. */
  protected abstract emit(req: Req | null, res: Res | null): void;

  // ---- StreamDissector: nothing escapes these (reader-pair-stream.ts) ------------------------

  /** The server closed the connection: what waits on it will not be answered. */
  protected override ended(direction: Direction): void {
    if (direction !== this.session.clientDirection) this.pending.drain((r) => this.emit(r, null));
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
    for (const framer of this.readers) {
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
}
