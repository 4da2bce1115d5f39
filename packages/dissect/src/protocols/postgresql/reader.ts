/**
 * One direction's bytes → PostgreSQL messages (messages.ts has the grammar), incremental over any
 * chunking: each state returns early when too few bytes are there and resumes with the next
 * chunk, so a header cut anywhere (even inside its length) reads the same.
 *
 * Modes, set by the stream between messages: `untyped` (the frontend's first message, and the one
 * after a refused encryption request: a length, then a code), `typed` (type, length, body), and
 * `answer` (the backend's one-byte answer to an SSLRequest or GSSENCRequest, §55.2.9).
 *
 * Bodies are passed on as they are kept: at most `keep(type, length)` bytes (the sink decides: a
 * query's text up to a cap, no byte of a DataRow in detail `summary`), a view of the chunk when
 * the message lies in it, joined once otherwise. The rest is counted, never held.
 *
 * Losses: a gap inside a message whose length is known costs only that message (passed on as far
 * as it arrived, marked DIS_ERR_GAP); the next one starts where the length says. A gap at or
 * across a message boundary, a length no message can have, or a type the sender never sends
 * loses the framing: the bytes after it are searched, one position at a time, for a message start
 * the probe's judge accepts (probe.ts), so where the search lands depends only on the bytes.
 *
 * The sink may pause the reader inside `message` or `answer` (an encryption request waiting for
 * its answer, TLS after 'S'): the rest of the chunk and later chunks are then held, untouched, for
 * `resume` or `takeHeld`.
 */

import { ErrorCodes } from '@shoal/model';
import { backendName, frontendName, MAX_STARTUP_LENGTH } from './messages.js';
import { StartSearch } from '../../start-search.js';
import { KeptBytes } from '../kept-bytes.js';
import { judgeTyped, type Sender } from './probe.js';

/** `type` of an untyped message (no typed message has type 0). */
export const UNTYPED = 0;

export interface PgFrame {
  /** The type byte, or UNTYPED. */
  type: number;
  /** The body's first bytes as kept (for an untyped message: from its code on). */
  body: Buffer;
  /** The body's length on the wire (the length field minus its own 4 bytes). */
  length: number;
  /** Bytes on the wire: type, length and body. */
  wireSize: number;
  startTs: number;
  endTs: number;
  /** DIS_ERR_GAP (bytes of it lost), DIS_ERR_TRUNCATED (the direction ended inside it), or null. */
  problem: string | null;
}

export interface FrameSink {
  /** How many body bytes of a message of `type` (body `length` bytes) to keep. */
  keep(type: number, length: number): number;
  /** A whole message (or as much as arrived). The frame is reused: copy what is kept. */
  message(frame: PgFrame): void;
  /** The one-byte answer to an encryption request. */
  answer(byte: number, ts: number): void;
  /** The framing was lost: messages may have gone by unseen. */
  desync(ts: number): void;
}

export type ReaderMode = 'untyped' | 'typed' | 'answer';

const enum State {
  Head,
  Body,
  Seek,
}

/** Held while searching for a message start, from the first position not yet ruled out. */
const SEARCH_HOLD = 8 * 1024;
/** The longest typed message read: a DataRow or CopyData holds at most 1 GB (MaxAllocSize). */
const MAX_LENGTH = 0x40000000 + 64;
const EMPTY = Buffer.alloc(0);

export class MessageReader {
  mode: ReaderMode;
  private state = State.Head;
  /** The header being gathered (type and length, or an untyped length). */
  private readonly scratch = Buffer.alloc(5);
  private filled = 0;
  private readonly frame: PgFrame = { type: 0, body: EMPTY, length: 0, wireSize: 0, startTs: 0, endTs: 0, problem: null };
  /** Body bytes still to come. */
  private left = 0;
  private readonly body = new KeptBytes();
  private holed = false;
  /** Seek: the bytes held. */
  private readonly search: StartSearch;
  /** Paused: the bytes that came since, in order. */
  private paused = false;
  private held: Buffer[] = [];
  private heldTs: number[] = [];

  constructor(
    private readonly sender: Sender,
    mode: ReaderMode,
    private readonly sink: FrameSink,
  ) {
    this.mode = mode;
    this.search = new StartSearch((bytes) => judgeTyped(bytes, sender, SEARCH_HOLD));
  }

  push(chunk: Buffer, ts: number): void {
    if (this.paused) {
      this.hold(chunk, ts);
      return;
    }
    let pos = 0;
    while (pos < chunk.length) {
      if (this.paused) {
        this.hold(chunk.subarray(pos), ts);
        return;
      }
      if (this.state === State.Head) pos = this.readHead(chunk, pos, ts);
      else if (this.state === State.Body) pos = this.readBody(chunk, pos, ts);
      else pos = this.seek(chunk, pos, ts);
    }
  }

  /** `length` bytes of this direction were lost. */
  gap(length: number, ts: number): void {
    if (this.paused) {
      // What was held and what follows are not contiguous: neither can be read as messages.
      this.held = [];
      this.heldTs = [];
      return;
    }
    if (this.state === State.Body) {
      this.holed = true;
      this.frame.endTs = ts;
      const lost = Math.min(length, this.left);
      this.left -= lost;
      this.body.skip(lost);
      if (this.left > 0) return;
      this.finish(ErrorCodes.DIS_ERR_GAP);
      if (length === lost) return;
    } else if (this.state === State.Seek) {
      // The held bytes and the next ones are not contiguous: nothing held can be confirmed.
      this.search.reset();
      return;
    }
    this.lose(ts);
  }

  /** The direction ended (or the stream closed): a message still being read is cut short. */
  end(ts: number): void {
    if (this.state === State.Body) {
      this.frame.endTs = ts;
      this.finish(this.holed ? ErrorCodes.DIS_ERR_GAP : ErrorCodes.DIS_ERR_TRUNCATED);
    }
    this.filled = 0;
  }

  /** Stop reading: bytes are held until `resume` or `takeHeld`. */
  pause(): void {
    this.paused = true;
  }

  /** Read what was held since `pause`, then go on. */
  resume(): void {
    this.paused = false;
    const [held, times] = [this.held, this.heldTs];
    this.held = [];
    this.heldTs = [];
    held.forEach((chunk, i) => this.push(chunk, times[i]!));
  }

  /** The bytes held since `pause` (the reader reads no more). */
  takeHeld(): Buffer[] {
    const held = this.held;
    this.held = [];
    this.heldTs = [];
    return held;
  }

  private hold(chunk: Buffer, ts: number): void {
    this.held.push(chunk);
    this.heldTs.push(ts);
  }

  private readHead(chunk: Buffer, pos: number, ts: number): number {
    if (this.mode === 'answer') {
      const byte = chunk[pos]!;
      // 'S' or 'G': encryption follows; 'N': refused. A server that knows neither request answers
      // with an ErrorResponse (§55.2.9): read it as the message it is.
      if (byte !== 0x53 && byte !== 0x4e && byte !== 0x47) {
        this.mode = 'typed';
        return pos;
      }
      this.sink.answer(byte, ts);
      return pos + 1;
    }
    const need = this.mode === 'typed' ? 5 : 4;
    if (this.filled === 0) this.frame.startTs = ts;
    // The usual case: the whole header in this chunk.
    if (this.filled === 0 && pos + need <= chunk.length) {
      this.begin(chunk, pos, ts);
      return pos + need;
    }
    const take = Math.min(need - this.filled, chunk.length - pos);
    chunk.copy(this.scratch, this.filled, pos, pos + take);
    this.filled += take;
    if (this.filled < need) return pos + take;
    this.filled = 0;
    this.begin(this.scratch, 0, ts);
    return pos + take;
  }

  /** A header at `buf[at]`: start the body, or lose the framing when it is no header. */
  private begin(buf: Buffer, at: number, ts: number): void {
    const frame = this.frame;
    let length: number;
    if (this.mode === 'typed') {
      frame.type = buf[at]!;
      length = buf.readUInt32BE(at + 1);
      const known = this.sender === 'client' ? frontendName(frame.type) : backendName(frame.type);
      if (known === null || length < 4 || length > MAX_LENGTH) {
        this.lose(ts);
        return;
      }
      frame.wireSize = 1 + length;
    } else {
      frame.type = UNTYPED;
      length = buf.readUInt32BE(at);
      if (length < 8 || length > MAX_STARTUP_LENGTH) {
        this.lose(ts);
        return;
      }
      frame.wireSize = length;
    }
    frame.length = this.left = length - 4;
    frame.endTs = ts;
    this.body.start(Math.min(this.left, this.sink.keep(frame.type, this.left)));
    this.holed = false;
    if (this.left === 0) this.finish(null);
    else this.state = State.Body;
  }

  private readBody(chunk: Buffer, pos: number, ts: number): number {
    const take = Math.min(this.left, chunk.length - pos);
    this.body.add(chunk, pos, pos + take);
    this.left -= take;
    this.frame.endTs = ts;
    if (this.left === 0) this.finish(this.holed ? ErrorCodes.DIS_ERR_GAP : null);
    return pos + take;
  }

  private finish(problem: string | null): void {
    const frame = this.frame;
    frame.body = this.body.take();
    frame.problem = problem;
    this.left = 0;
    this.state = State.Head;
    this.sink.message(frame);
  }

  /** The framing is lost: search what follows for a message start. */
  private lose(ts: number): void {
    this.filled = 0;
    this.body.clear();
    this.state = State.Seek;
    this.search.reset();
    this.mode = 'typed';
    this.sink.desync(ts);
  }

  /** Look for a message start from `chunk[pos]` (start-search.ts). */
  private seek(chunk: Buffer, pos: number, ts: number): number {
    const found = this.search.scan(chunk, pos, ts);
    if (found === null) return chunk.length;
    this.state = State.Head;
    if (found.replay !== null) this.push(found.replay, found.replayTs);
    return found.resume;
  }
}
