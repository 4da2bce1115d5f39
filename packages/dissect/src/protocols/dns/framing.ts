/**
 * DNS over TCP: messages on a byte stream, each after its length (RFC 1035 §4.2.2; RFC 7766 §8):
 *
 *   stream  = *( LENGTH:16 message{LENGTH} )
 *
 * The network cuts the stream anywhere: inside the length, the header, a name. This state
 * machine takes chunks of any size and hands on whole messages, each with the capture times of
 * its first and last byte; bytes are kept as views of the chunks and joined once per message.
 *
 * Losses (reassembly gaps): a gap inside a message whose length is known costs only that
 * message, which is handed on as far as it arrived, marked DIS_ERR_GAP (its header usually made
 * it, so it still pairs by id); the next message starts where the length says. A gap at or across
 * a message boundary loses the framing: the bytes after it are searched, one position at a time,
 * for a length followed by a plausible message start (probe.ts, the same judge as detection), so
 * where the search lands depends on the bytes, never on how they were cut.
 */

import { ErrorCodes } from '@shoal/model';
import { probeStream } from './probe.js';

export interface FramedMessage {
  /** The message (without its length), or the part that arrived before a gap or the end. */
  bytes: Buffer;
  startTs: number;
  endTs: number;
  /** Bytes on the wire: the length and the whole message, lost parts included. */
  wireSize: number;
  /** DIS_ERR_GAP or DIS_ERR_TRUNCATED when `bytes` is not the whole message, else null. */
  problem: string | null;
}

const enum State {
  /** Reading the 2-byte length. */
  Length,
  /** Reading `left` more bytes of the message. */
  Body,
  /** Framing lost: looking for the next message start. */
  Search,
}

/** Held while searching for a message start: a length and the longest first question, with room. */
const SEARCH_HOLD = 2048;

export class DnsTcpFramer {
  private state = State.Length;
  /** The first byte of a length cut between chunks, or -1. */
  private lengthHigh = -1;
  private length = 0;
  private left = 0;
  private parts: Buffer[] = [];
  /** Bytes in `parts`. */
  private kept = 0;
  private startTs = 0;
  private endTs = 0;
  /** A gap hit the message being read: no more of its bytes are kept. */
  private holed = false;
  /** Search: bytes from the first position not yet ruled out. */
  private held: Buffer | null = null;
  private heldTs = 0;

  /** `role`: which verdict of the probe a message start in this direction must get. */
  constructor(
    private readonly role: 'client' | 'server',
    private readonly deliver: (message: FramedMessage) => void,
  ) {}

  push(chunk: Buffer, ts: number): void {
    let pos = 0;
    while (pos < chunk.length) {
      switch (this.state) {
        case State.Length:
          pos = this.readLength(chunk, pos, ts);
          break;
        case State.Body:
          pos = this.readBody(chunk, pos, ts);
          break;
        case State.Search:
          pos = this.search(chunk, pos, ts);
          break;
      }
    }
  }

  /** `length` bytes of this direction were lost. */
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
    // The gap began at (or crossed) a message boundary: how many messages it held is unknown.
    this.lengthHigh = -1;
    this.held = null;
    this.state = State.Search;
  }

  /** The direction ended (or the stream closed): a message still being read is cut short. */
  end(ts: number): void {
    if (this.state === State.Body) {
      this.endTs = ts;
      this.finish(this.holed ? ErrorCodes.DIS_ERR_GAP : ErrorCodes.DIS_ERR_TRUNCATED);
    }
    this.lengthHigh = -1;
    this.held = null;
    this.state = State.Length;
  }

  private readLength(chunk: Buffer, pos: number, ts: number): number {
    if (this.lengthHigh < 0) {
      this.startTs = ts;
      if (pos + 1 === chunk.length) {
        this.lengthHigh = chunk[pos]!;
        return pos + 1;
      }
      this.begin(chunk.readUInt16BE(pos), ts);
      return pos + 2;
    }
    const high = this.lengthHigh;
    this.lengthHigh = -1;
    this.begin((high << 8) | chunk[pos]!, ts);
    return pos + 1;
  }

  private begin(length: number, ts: number): void {
    this.length = this.left = length;
    this.endTs = ts;
    this.holed = false;
    this.parts = [];
    this.kept = 0;
    if (length === 0) this.finish(null);
    else this.state = State.Body;
  }

  private readBody(chunk: Buffer, pos: number, ts: number): number {
    const take = Math.min(this.left, chunk.length - pos);
    if (!this.holed) {
      this.parts.push(pos === 0 && take === chunk.length ? chunk : chunk.subarray(pos, pos + take));
      this.kept += take;
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
    this.state = State.Length;
    this.deliver({ bytes, startTs: this.startTs, endTs: this.endTs, wireSize: 2 + this.length, problem });
  }

  /**
   * Look for a message start from `chunk[pos]`, position by position, after what is held. A
   * position the probe cannot judge yet (`more`) holds the bytes from there until it can.
   */
  private search(chunk: Buffer, pos: number, ts: number): number {
    const rest = chunk.subarray(pos);
    const held = this.held;
    const heldLength = held === null ? 0 : held.length;
    const bytes = held === null ? rest : Buffer.concat([held, rest]);
    for (let i = 0; i < bytes.length; i++) {
      const verdict = probeStream(bytes.subarray(i));
      if (verdict === 'more' && bytes.length - i < SEARCH_HOLD) {
        this.held = bytes.subarray(i);
        if (i >= heldLength) this.heldTs = ts;
        return chunk.length;
      }
      if (verdict !== this.role) continue;
      this.held = null;
      this.state = State.Length;
      if (i >= heldLength) return pos + (i - heldLength);
      // The message starts inside the held bytes: read those, then the chunk from `pos`.
      this.push(bytes.subarray(i, heldLength), this.heldTs);
      return pos;
    }
    this.held = null;
    return chunk.length;
  }
}
