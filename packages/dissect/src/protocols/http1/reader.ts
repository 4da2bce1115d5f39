/**
 * One direction's HTTP/1.x message parser: a state machine over chunks of any size. Any split of
 * the same bytes gives the same messages: state carries across chunk ends, and every decision
 * depends only on the bytes, never on where a chunk happened to end.
 *
 * Bytes are only copied when a head (or chunk line, or trailer section) spans chunks; bodies are
 * kept as views of the chunks. This file drives the steps of reader-steps.ts and handles gaps,
 * the end of the direction, and pausing; pairing requests with responses is stream.ts's job.
 */

import { ErrorCodes } from '@shoal/model';
import { Hold } from './hold.js';
import {
  ReaderSteps,
  S_CHUNK_DATA,
  S_CHUNK_END,
  S_CHUNK_SIZE,
  S_CLOSE,
  S_DONE,
  S_HEAD,
  S_LENGTH,
  S_PAUSED,
  S_RESYNC,
  S_TRAILERS,
  type State,
} from './reader-steps.js';

export { CHUNK_LINE_LIMIT, HEAD_LIMIT, type ReaderHost } from './reader-steps.js';

/**
 * Bytes a paused reader holds before asking to be resumed: the client's after an Upgrade or
 * CONNECT request, or the server's when responses arrive ahead of their requests.
 */
export const HOLD_LIMIT = 4 * 1024 * 1024;

const LF = 10;
const CR = 13;

export class Http1Reader extends ReaderSteps {
  private crSeen = false;
  /** While paused: what arrived meanwhile, and the state to go back to. */
  private readonly hold = new Hold();
  private pausedFrom: State = S_HEAD;
  private ended = false;
  private endedTs = 0;

  /** A message is under way (head bytes held, or a body being read). */
  get busy(): boolean {
    const s = this.state;
    return s === S_HEAD ? this.span.length > 0 : s !== S_RESYNC && s !== S_PAUSED && s !== S_DONE;
  }

  get paused(): boolean {
    return this.state === S_PAUSED;
  }

  /** Capture time of the first byte of a head still being received, else +Infinity. */
  get pendingHeadTs(): number {
    return this.state === S_HEAD && this.span.length > 0 ? this.headTs : Number.POSITIVE_INFINITY;
  }

  feed(buf: Buffer, ts: number): void {
    const len = buf.length;
    let pos = 0;
    while (pos < len) {
      switch (this.state) {
        case S_HEAD:
          pos = this.readHead(buf, pos, ts);
          break;
        case S_LENGTH:
        case S_CHUNK_DATA: {
          const msg = this.msg!;
          const n = Math.min(this.remaining, len - pos);
          msg.addBody(buf, pos, pos + n, msg.bodyCap);
          msg.wireSize += n;
          msg.endTs = ts;
          this.remaining -= n;
          pos += n;
          if (this.remaining === 0) {
            if (this.state === S_LENGTH) this.complete(msg, S_HEAD);
            else {
              this.state = S_CHUNK_END;
              this.crSeen = false;
            }
          }
          break;
        }
        case S_CHUNK_SIZE:
          pos = this.readChunkLine(buf, pos, ts);
          break;
        case S_CHUNK_END: {
          // RFC 9112 §7.1: chunk-data is followed by CRLF (a bare LF accepted, §2.2).
          const msg = this.msg!;
          const c = buf[pos];
          if (c === LF || (c === CR && !this.crSeen)) {
            pos++;
            msg.wireSize++;
            msg.endTs = ts;
            if (c === LF) this.state = S_CHUNK_SIZE;
            else this.crSeen = true;
          } else {
            pos = this.fail(msg, ErrorCodes.DIS_ERR_SYNTAX, pos, false, false);
          }
          break;
        }
        case S_TRAILERS:
          pos = this.readTrailers(buf, pos, ts);
          break;
        case S_CLOSE: {
          const msg = this.msg!;
          msg.addBody(buf, pos, len, msg.bodyCap);
          msg.wireSize += len - pos;
          msg.endTs = ts;
          pos = len;
          break;
        }
        case S_RESYNC:
          pos = this.resync(buf, pos, ts);
          break;
        case S_PAUSED:
          this.holdBack(pos === 0 ? buf : buf.subarray(pos), ts);
          pos = len;
          break;
        default:
          if (this.detached) this.rest.push(pos === 0 ? buf : buf.subarray(pos));
          pos = len;
      }
    }
  }

  /** `length` bytes of this direction are missing. */
  gap(length: number, ts: number): void {
    if (length <= 0) return;
    const msg = this.msg;
    switch (this.state) {
      case S_LENGTH: {
        // Known length: the hole is body; count it and keep going.
        const m = msg!;
        const n = Math.min(length, this.remaining);
        m.bodyGap(n);
        m.wireSize += n;
        m.endTs = ts;
        m.flag(ErrorCodes.DIS_ERR_GAP);
        this.remaining -= n;
        if (this.remaining > 0) return;
        this.complete(m, S_HEAD);
        // Bytes missing past the end of this message: the next one lost its start.
        if (length > n) this.gap(length - n, ts);
        return;
      }
      case S_CHUNK_DATA:
        if (length <= this.remaining) {
          const m = msg!;
          m.bodyGap(length);
          m.wireSize += length;
          m.endTs = ts;
          m.flag(ErrorCodes.DIS_ERR_GAP);
          this.remaining -= length;
          if (this.remaining === 0) {
            this.state = S_CHUNK_END;
            this.crSeen = false;
          }
          return;
        }
        this.abandonBody(msg!, ts);
        return;
      case S_CHUNK_SIZE:
      case S_CHUNK_END:
      case S_TRAILERS:
        // Where this chunked body ends is unknowable now.
        this.abandonBody(msg!, ts);
        return;
      case S_CLOSE:
        msg!.bodyGap(length);
        msg!.wireSize += length;
        msg!.flag(ErrorCodes.DIS_ERR_GAP);
        return;
      case S_HEAD: {
        // Missing bytes between or inside heads: at least one message lost its start.
        const at = this.span.length > 0 ? this.headTs : ts;
        this.span.clear();
        this.toResync(true);
        this.host.lost(this, ErrorCodes.DIS_ERR_GAP, at);
        return;
      }
      case S_RESYNC:
        this.resyncer.start(true);
        return;
      case S_PAUSED:
        this.hold.push(length, ts);
        return;
      default:
        return;
    }
  }

  /** The direction ended: bodies that run until close are complete, anything else is cut. */
  finish(ts: number): void {
    if (this.state === S_PAUSED) {
      this.ended = true;
      this.endedTs = ts;
      return;
    }
    const msg = this.msg;
    switch (this.state) {
      case S_HEAD:
        if (this.span.length > 0) {
          const at = this.headTs;
          this.span.clear();
          this.state = S_DONE;
          this.host.lost(this, ErrorCodes.DIS_ERR_TRUNCATED, at);
        }
        break;
      case S_LENGTH:
      case S_CHUNK_SIZE:
      case S_CHUNK_DATA:
      case S_CHUNK_END:
      case S_TRAILERS:
        msg!.bodyLossy = true;
        msg!.flag(ErrorCodes.DIS_ERR_TRUNCATED);
        this.complete(msg!, S_DONE);
        break;
      case S_CLOSE:
        this.complete(msg!, S_DONE);
        break;
      default:
        break;
    }
    this.span.clear();
    this.state = S_DONE;
    this.forgetChunk();
  }

  /** Hold further bytes unparsed (after a request that may switch protocols). */
  pause(): void {
    if (this.state === S_PAUSED || this.state === S_DONE) return;
    this.pausedFrom = this.state;
    this.state = S_PAUSED;
  }

  /** Parse the held bytes and carry on as HTTP/1. */
  resume(): void {
    if (this.state !== S_PAUSED) return;
    this.state = this.pausedFrom;
    const held = this.hold.drain();
    for (let i = 0; i < held.items.length; i++) {
      const item = held.items[i]!;
      if (typeof item === 'number') this.gap(item, held.times[i]!);
      else this.feed(item, held.times[i]!);
    }
    if (this.ended && this.state !== S_PAUSED) this.finish(this.endedTs);
  }

  /** Drop all partial state and look for the next start line (recovery from a bug). */
  reset(): void {
    this.span.clear();
    this.hold.drain();
    this.toResync(false);
  }

  /**
   * Stop parsing for good: every byte received but not consumed, now or later in the chunk
   * being parsed, is kept for `takeRest`.
   */
  detach(): void {
    this.rest.push(...this.span.parts, ...this.hold.buffers());
    this.hold.drain();
    this.span.clear();
    this.msg = null;
    this.state = S_DONE;
    this.detached = true;
  }

  /** The bytes kept since `detach`. */
  takeRest(): Buffer[] {
    const out = this.rest;
    this.rest = [];
    return out;
  }

  protected holdHead(span: { parts: Buffer[]; times: number[] }, buf: Buffer, pos: number, ts: number): void {
    this.pause();
    for (let i = 0; i < span.parts.length; i++) this.hold.push(span.parts[i]!, span.times[i]!);
    if (pos < buf.length) this.holdBack(pos === 0 ? buf : buf.subarray(pos), ts);
  }

  private holdBack(buf: Buffer, ts: number): void {
    this.hold.push(buf, ts);
    if (this.hold.length > HOLD_LIMIT) this.host.holdFull(this);
  }
}
