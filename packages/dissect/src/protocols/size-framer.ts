/**
 * Framing by a 4-byte size prefix, for the protocols whose every message starts with its size:
 * Kafka (`Size:int32`, big-endian, not counting itself; Kafka protocol guide, "Protocol") and
 * MongoDB (`messageLength:int32`, little-endian, counting itself; MongoDB Wire Protocol,
 * "Standard Message Header"). `sizeOf` reads the prefix and says how many bytes follow it.
 *
 *   stream = *( SIZE:32 message )
 *
 * This state machine takes chunks cut anywhere and hands on each message with the capture times
 * of its first and last byte. A message is kept (as views of the chunks, joined once) up to
 * `keep` bytes; past that only its size is followed and the prefix is handed on marked `cut`
 * (a Kafka Fetch response of many megabytes is summarised from its start).
 *
 * Losses: a gap inside a message whose size is known costs that message only (handed on as far as
 * it arrived, DIS_ERR_GAP); the next one starts where the size says. A gap across a message
 * boundary, or a size that cannot be, loses the framing: the bytes after it are searched, one
 * position at a time, for a message start that `judge` accepts (the protocol's request probe on
 * the client side; an id that a waiting request has on the server side), so where the search
 * lands depends on the bytes, never on how they were cut.
 */

import { ErrorCodes } from '@shoal/model';

export interface FramedMessage {
  /** The message without its size, or its prefix (`cut`, a gap, the end of the stream). */
  bytes: Buffer;
  /** Bytes after the prefix, as the prefix announced them. */
  size: number;
  startTs: number;
  endTs: number;
  /** `bytes` stops at the keep bound; the rest of the message passed uncounted but not lost. */
  cut: boolean;
  /** DIS_ERR_GAP or DIS_ERR_TRUNCATED when bytes of the message are missing, else null. */
  problem: string | null;
}

/** Whether a message starts at `bytes[0]`: `more` when it cannot tell yet. */
export type StartJudge = (bytes: Buffer) => 'yes' | 'no' | 'more';

const enum State {
  Size,
  Body,
  Search,
}

/** Held while searching: enough for a size, a header and what a judge reads after it. */
const SEARCH_HOLD = 1024;

/** The bytes after a 4-byte size prefix (at `at` in `b`), or -1 when the prefix cannot be one. */
export type SizeReader = (b: Buffer, at: number) => number;

export class SizeFramer {
  private state = State.Size;
  /** The size's bytes while it is cut between chunks. */
  private sizeBytes: number[] = [];
  private size = 0;
  private left = 0;
  private parts: Buffer[] = [];
  private kept = 0;
  private startTs = 0;
  private endTs = 0;
  private holed = false;
  private held: Buffer | null = null;
  private heldTs = 0;

  constructor(
    private readonly keep: number,
    private readonly sizeOf: SizeReader,
    private readonly judge: StartJudge,
    private readonly deliver: (message: FramedMessage) => void,
  ) {}

  push(chunk: Buffer, ts: number): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.state === State.Size) pos = this.readSize(chunk, pos, ts);
      else if (this.state === State.Body) pos = this.readBody(chunk, pos, ts);
      else pos = this.search(chunk, pos, ts);
    }
  }

  gap(length: number, ts: number): void {
    if (this.state === State.Body) {
      this.endTs = ts;
      this.holed = true;
      if (length < this.left) {
        this.left -= length;
        return;
      }
      const past = length - this.left;
      this.finish(ErrorCodes.DIS_ERR_GAP);
      if (past === 0) return;
    }
    this.lose();
  }

  /** The direction ended or the stream closed: a message being read is cut short. */
  end(ts: number): void {
    if (this.state === State.Body) {
      this.endTs = ts;
      this.finish(this.holed ? ErrorCodes.DIS_ERR_GAP : ErrorCodes.DIS_ERR_TRUNCATED);
    }
    this.sizeBytes = [];
    this.held = null;
    this.state = State.Size;
  }

  private lose(): void {
    this.sizeBytes = [];
    this.held = null;
    this.state = State.Search;
  }

  private readSize(chunk: Buffer, pos: number, ts: number): number {
    if (this.sizeBytes.length === 0) this.startTs = ts;
    if (this.sizeBytes.length === 0 && pos + 4 <= chunk.length) {
      this.begin(this.sizeOf(chunk, pos), ts);
      return pos + 4;
    }
    this.sizeBytes.push(chunk[pos]!);
    if (this.sizeBytes.length < 4) return pos + 1;
    const b = Buffer.from(this.sizeBytes);
    this.sizeBytes = [];
    this.begin(this.sizeOf(b, 0), ts);
    return pos + 1;
  }

  private begin(size: number, ts: number): void {
    if (size < 0) {
      // Not a message start: the framing was lost before this point (a stream joined mid-way).
      this.lose();
      return;
    }
    this.size = this.left = size;
    this.endTs = ts;
    this.holed = false;
    this.parts = [];
    this.kept = 0;
    this.state = State.Body;
  }

  private readBody(chunk: Buffer, pos: number, ts: number): number {
    const take = Math.min(this.left, chunk.length - pos);
    const room = this.holed ? 0 : Math.min(take, this.keep - this.kept);
    if (room > 0) {
      this.parts.push(pos === 0 && room === chunk.length ? chunk : chunk.subarray(pos, pos + room));
      this.kept += room;
    }
    this.left -= take;
    this.endTs = ts;
    if (this.left === 0) this.finish(this.holed ? ErrorCodes.DIS_ERR_GAP : null);
    return pos + take;
  }

  private finish(problem: string | null): void {
    const parts = this.parts;
    const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, this.kept);
    this.parts = [];
    this.kept = 0;
    this.state = State.Size;
    const cut = problem === null && bytes.length < this.size;
    this.deliver({ bytes, size: this.size, startTs: this.startTs, endTs: this.endTs, cut, problem });
  }

  /** Look for a message start from `chunk[pos]`, position by position, after what is held. */
  private search(chunk: Buffer, pos: number, ts: number): number {
    const rest = chunk.subarray(pos);
    const held = this.held;
    const heldLength = held === null ? 0 : held.length;
    const bytes = held === null ? rest : Buffer.concat([held, rest]);
    for (let i = 0; i < bytes.length; i++) {
      const verdict = this.judge(bytes.subarray(i));
      if (verdict === 'more' && bytes.length - i < SEARCH_HOLD) {
        this.held = bytes.subarray(i);
        if (i >= heldLength) this.heldTs = ts;
        return chunk.length;
      }
      if (verdict !== 'yes') continue;
      this.held = null;
      this.state = State.Size;
      if (i >= heldLength) return pos + (i - heldLength);
      this.push(bytes.subarray(i, heldLength), this.heldTs);
      return pos;
    }
    this.held = null;
    return chunk.length;
  }
}
