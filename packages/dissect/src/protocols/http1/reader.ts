/**
 * One direction's HTTP/1.x message parser: a state machine over chunks of any size. Any split of
 * the same bytes gives the same messages: state carries across chunk ends, and every decision
 * depends only on the bytes, never on where a chunk happened to end.
 *
 * Bytes are only copied when a head (or chunk line, or trailer section) spans chunks; bodies are
 * kept as views of the chunks. The pairing of requests with responses is the host's (stream.ts).
 */

import { ErrorCodes } from '@shoal/model';
import { parseChunkSize } from './framing.js';
import { parseFields, parseHead } from './head.js';
import { BodyMode, Http1Message } from './message.js';
import { requestLineVerdict, START_LINE_WINDOW, statusLineVerdict, type LineVerdict } from './probe.js';
import { Resync } from './resync.js';
import { boundaryAfter, SectionFinder, type BoundaryState } from './sections.js';

/** Longest head or trailer section accepted (start line, fields and empty line). */
export const HEAD_LIMIT = 64 * 1024;
/** Longest chunk-size line (with extensions) accepted, LF excluded. */
export const CHUNK_LINE_LIMIT = 4096;
/** Bytes held while waiting to learn whether an Upgrade/CONNECT request switched protocols. */
export const PAUSE_LIMIT = 256 * 1024;

const LF = 10;
const CR = 13;

export interface ReaderHost {
  /** A head was parsed: decide `msg.bodyMode` (and `bodyLength`). */
  head(reader: Http1Reader, msg: Http1Message): void;
  /** A message is complete, or ended early with `malformed` set. */
  complete(reader: Http1Reader, msg: Http1Message): void;
  /** A message was lost before its head parsed: missing bytes, garbage, too large, or cut off. */
  lost(reader: Http1Reader, code: string, ts: number): void;
}

const S_HEAD = 0;
const S_LENGTH = 1;
const S_CHUNK_SIZE = 2;
const S_CHUNK_DATA = 3;
const S_CHUNK_END = 4;
const S_TRAILERS = 5;
const S_CLOSE = 6;
const S_RESYNC = 7;
const S_PAUSED = 8;
const S_DONE = 9;
type State = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

export class Http1Reader {
  readonly isRequest: boolean;
  private readonly host: ReaderHost;
  private readonly cap: number;
  private readonly finder = new SectionFinder();
  private readonly resyncer: Resync;

  private state: State = S_HEAD;
  private msg: Http1Message | null = null;
  /** Body bytes left: of the Content-Length, or of the current chunk. */
  private remaining = 0;
  private crSeen = false;

  /** Bytes of a head / chunk line / trailer section / resync candidate that span chunks. */
  private parts: Buffer[] = [];
  private partTs: number[] = [];
  private partsLen = 0;
  private bstate: BoundaryState = 0;
  /** The start line of the head being collected passed probe.ts. */
  private lineChecked = false;
  /** Capture time of the first byte of the head being collected. */
  private headTs = 0;

  /** While paused: chunks (or gaps, as a length) held back, with their times. */
  private stash: Array<Buffer | number> = [];
  private stashTs: number[] = [];
  private stashLen = 0;
  private pausedFrom: State = S_HEAD;
  private ended = false;
  private endedTs = 0;
  /** After a protocol switch: the bytes after the switching head. */
  private rest: Buffer[] = [];

  constructor(isRequest: boolean, host: ReaderHost, bodyCapBytes: number) {
    this.isRequest = isRequest;
    this.host = host;
    this.cap = Math.max(0, bodyCapBytes);
    this.resyncer = new Resync(isRequest);
  }

  /** A message is under way (head bytes held, or a body being read). */
  get busy(): boolean {
    const s = this.state;
    return s === S_HEAD ? this.partsLen > 0 : s !== S_RESYNC && s !== S_PAUSED && s !== S_DONE;
  }

  get paused(): boolean {
    return this.state === S_PAUSED;
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
          msg.addBody(buf, pos, pos + n, this.cap);
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
          msg.addBody(buf, pos, len, this.cap);
          msg.wireSize += len - pos;
          msg.endTs = ts;
          pos = len;
          break;
        }
        case S_RESYNC:
          pos = this.resync(buf, pos, ts);
          break;
        case S_PAUSED:
          this.hold(pos === 0 ? buf : buf.subarray(pos), len - pos, ts);
          pos = len;
          break;
        default:
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
        const at = this.partsLen > 0 ? this.headTs : ts;
        this.clearParts();
        this.toResync(true);
        this.host.lost(this, ErrorCodes.DIS_ERR_GAP, at);
        return;
      }
      case S_RESYNC:
        this.resyncer.start(true);
        return;
      case S_PAUSED:
        this.hold(length, 0, ts);
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
        if (this.partsLen > 0) {
          const at = this.headTs;
          this.clearParts();
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
    this.clearParts();
    this.state = S_DONE;
    this.finder.forget();
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
    const held = this.stash;
    const heldTs = this.stashTs;
    this.stash = [];
    this.stashTs = [];
    this.stashLen = 0;
    for (let i = 0; i < held.length; i++) {
      const item = held[i]!;
      if (typeof item === 'number') this.gap(item, heldTs[i]!);
      else this.feed(item, heldTs[i]!);
    }
    if (this.ended && this.state !== S_PAUSED) this.finish(this.endedTs);
  }

  /** Drop all partial state and look for the next start line (recovery from a bug). */
  reset(): void {
    this.clearParts();
    this.stash = [];
    this.stashTs = [];
    this.stashLen = 0;
    this.toResync(false);
  }

  /** Stop parsing for good and hand over every byte received but not consumed. */
  detach(): Buffer[] {
    const out: Buffer[] = [...this.rest, ...this.parts];
    for (const item of this.stash) if (typeof item !== 'number') out.push(item);
    this.rest = [];
    this.stash = [];
    this.stashTs = [];
    this.clearParts();
    this.msg = null;
    this.state = S_DONE;
    return out;
  }

  // ---- heads -------------------------------------------------------------------------------

  private readHead(buf: Buffer, pos: number, ts: number): number {
    const len = buf.length;
    if (this.partsLen === 0) {
      // RFC 9112 §2.2: empty lines before a start line are ignored (robustness).
      while (pos < len && (buf[pos] === CR || buf[pos] === LF)) pos++;
      if (pos === len) return len;
      this.headTs = ts;
    }
    const end = this.finder.find(buf, pos, this.partsLen > 0 ? this.bstate : 0);
    if (end < 0) {
      if (this.partsLen + (len - pos) >= HEAD_LIMIT) {
        return this.fail(null, ErrorCodes.DIS_ERR_TOO_LARGE, pos, true, false, buf);
      }
      this.keep(buf, pos, ts, 0);
      if (!this.lineChecked) {
        const view = this.contiguousPrefix(START_LINE_WINDOW + 1);
        const v = this.lineVerdict(view, 0, view.indexOf(LF));
        if (v === 'no') return this.fail(null, ErrorCodes.DIS_ERR_SYNTAX, len, true, false);
        if (v === 'yes') this.lineChecked = true;
      }
      return len;
    }
    let hb = buf;
    let hp = pos;
    if (this.partsLen > 0) {
      this.parts.push(buf.subarray(pos, end));
      hb = Buffer.concat(this.parts);
      this.parts.pop();
      hp = 0;
    }
    const he = hp + this.partsLen + (end - pos);
    const v = this.lineVerdict(hb, hp, hb.indexOf(LF, hp));
    if (v !== 'yes') return this.fail(null, ErrorCodes.DIS_ERR_SYNTAX, pos, true, false, buf);
    const s = hb.toString('latin1', hp, Math.min(he, hp + HEAD_LIMIT));
    const msg = new Http1Message(this.isRequest, this.headTs);
    const used = parseHead(s, msg);
    if (used < 0) {
      const code = used === -1 ? ErrorCodes.DIS_ERR_TOO_LARGE : ErrorCodes.DIS_ERR_SYNTAX;
      return this.fail(null, code, pos, true, false, buf);
    }
    const next = pos + used - this.partsLen;
    this.clearParts();
    this.lineChecked = false;
    msg.headersSize = used;
    msg.wireSize = used;
    msg.endTs = ts;
    this.msg = msg;
    this.host.head(this, msg);
    switch (msg.bodyMode) {
      case BodyMode.LENGTH:
        this.state = S_LENGTH;
        this.remaining = msg.bodyLength;
        return next;
      case BodyMode.CHUNKED:
        this.state = S_CHUNK_SIZE;
        return next;
      case BodyMode.CLOSE:
        this.state = S_CLOSE;
        return next;
      case BodyMode.SWITCH:
        // The rest of this chunk is already the next protocol's.
        if (next < len) this.rest.push(buf.subarray(next));
        this.complete(msg, S_DONE);
        return len;
      case BodyMode.INVALID:
        // Framing unknowable (RFC 9112 §6.3 ¶4/¶5): look for the next message from here.
        this.complete(msg, S_RESYNC, true);
        return next;
      default:
        this.complete(msg, S_HEAD);
        return next;
    }
  }

  private lineVerdict(buf: Buffer, start: number, lf: number): LineVerdict {
    return this.isRequest ? requestLineVerdict(buf, start, lf) : statusLineVerdict(buf, start);
  }

  // ---- chunked bodies ----------------------------------------------------------------------

  private readChunkLine(buf: Buffer, pos: number, ts: number): number {
    const msg = this.msg!;
    const lf = buf.indexOf(LF, pos);
    const lineLen = this.partsLen + (lf < 0 ? buf.length : lf) - pos;
    if (lineLen > CHUNK_LINE_LIMIT) {
      return this.fail(msg, ErrorCodes.DIS_ERR_TOO_LARGE, pos, false, true, buf);
    }
    if (lf < 0) {
      this.keep(buf, pos, ts, 0);
      return buf.length;
    }
    let size: number;
    if (this.partsLen === 0) size = parseChunkSize(buf, pos, lf);
    else {
      const line = Buffer.concat([...this.parts, buf.subarray(pos, lf)]);
      size = parseChunkSize(line, 0, line.length);
    }
    if (size < 0) return this.fail(msg, ErrorCodes.DIS_ERR_SYNTAX, pos, false, true, buf);
    this.clearParts();
    msg.wireSize += lineLen + 1;
    msg.endTs = ts;
    if (size === 0) this.state = S_TRAILERS;
    else {
      this.state = S_CHUNK_DATA;
      this.remaining = size;
    }
    return lf + 1;
  }

  /** The trailer section after the last chunk (RFC 9112 §7.1.2), usually just CRLF. */
  private readTrailers(buf: Buffer, pos: number, ts: number): number {
    const msg = this.msg!;
    const len = buf.length;
    const end = this.finder.find(buf, pos, this.partsLen > 0 ? this.bstate : 1);
    if (end < 0) {
      if (this.partsLen + (len - pos) >= HEAD_LIMIT) {
        return this.fail(msg, ErrorCodes.DIS_ERR_TOO_LARGE, pos, false, true, buf);
      }
      this.keep(buf, pos, ts, 1);
      return len;
    }
    let s: string;
    if (this.partsLen === 0) s = buf.toString('latin1', pos, Math.min(end, pos + HEAD_LIMIT));
    else {
      const all = Buffer.concat([...this.parts, buf.subarray(pos, end)]);
      s = all.toString('latin1', 0, Math.min(all.length, HEAD_LIMIT));
    }
    const fields: Record<string, string> = {};
    const used = parseFields(s, 0, fields, msg);
    if (used < 0) return this.fail(msg, ErrorCodes.DIS_ERR_TOO_LARGE, pos, false, true, buf);
    const next = pos + used - this.partsLen;
    this.clearParts();
    for (const _ in fields) {
      msg.trailers = fields;
      break;
    }
    msg.wireSize += used;
    msg.endTs = ts;
    this.complete(msg, S_HEAD);
    return next;
  }

  // ---- completion, errors, resync ----------------------------------------------------------

  private complete(msg: Http1Message, next: State, atLineStart = false): void {
    this.msg = null;
    this.state = next;
    if (next === S_RESYNC) this.resyncer.start(atLineStart);
    this.host.complete(this, msg);
  }

  /** A body whose end can no longer be found: finish it as cut by a gap, then resync. */
  private abandonBody(msg: Http1Message, ts: number): void {
    this.clearParts();
    msg.bodyLossy = true;
    msg.endTs = ts;
    msg.flag(ErrorCodes.DIS_ERR_GAP);
    this.complete(msg, S_RESYNC, true);
  }

  /**
   * Give up on the current message (`msg`, or a head that never parsed when null) and resync.
   * The bytes held in `parts` plus `buf[pos..]` are the region in question: they are scanned
   * again from its start (`atLineStart`) or from its second byte (`skipFirst`), so the outcome
   * never depends on how much of the region had arrived when the problem showed.
   * Returns where to continue in the current chunk.
   */
  private fail(
    msg: Http1Message | null,
    code: string,
    pos: number,
    skipFirst: boolean,
    atLineStart: boolean,
    buf?: Buffer,
  ): number {
    const replay = this.parts;
    const replayTs = this.partTs;
    this.parts = [];
    this.partTs = [];
    this.partsLen = 0;
    this.lineChecked = false;
    if (msg !== null) {
      msg.flag(code);
      this.complete(msg, S_RESYNC, atLineStart);
    } else {
      this.toResync(atLineStart);
      this.host.lost(this, code, this.headTs);
    }
    for (let i = 0; i < replay.length; i++) {
      const part = i === 0 && skipFirst ? replay[i]!.subarray(1) : replay[i]!;
      if (part.length > 0) this.feed(part, replayTs[i]!);
    }
    if (replay.length > 0 || buf === undefined) return pos;
    return skipFirst ? Math.min(pos + 1, buf.length) : pos;
  }

  private toResync(atLineStart: boolean): void {
    this.msg = null;
    this.state = S_RESYNC;
    this.resyncer.start(atLineStart);
    this.lineChecked = false;
  }

  /** Skip bytes until the next start line of this direction (resync.ts). */
  private resync(buf: Buffer, pos: number, ts: number): number {
    const found = this.resyncer.scan(buf, pos, ts);
    if (found === null) return buf.length;
    this.state = S_HEAD;
    this.lineChecked = true;
    this.headTs = found.headTs;
    if (found.head.length > 0) {
      this.parts = found.head;
      this.partTs = found.headTimes;
      this.partsLen = 0;
      for (const part of found.head) this.partsLen += part.length;
      const last = found.head[found.head.length - 1]!;
      // The found head holds no LF (else it would have been judged whole), so no line ended.
      this.bstate = boundaryAfter(last, 0, last.length, 0);
    }
    return found.at;
  }

  // ---- held bytes --------------------------------------------------------------------------

  /** Hold `buf[pos..]` as part of a section that continues in the next chunk. */
  private keep(buf: Buffer, pos: number, ts: number, initial: BoundaryState): void {
    const before = this.partsLen > 0 ? this.bstate : initial;
    this.bstate = boundaryAfter(buf, pos, buf.length, before);
    this.parts.push(pos === 0 ? buf : buf.subarray(pos));
    this.partTs.push(ts);
    this.partsLen += buf.length - pos;
  }

  private clearParts(): void {
    if (this.partsLen === 0 && this.parts.length === 0) return;
    this.parts = [];
    this.partTs = [];
    this.partsLen = 0;
  }

  /** The first `max` held bytes as one buffer (no copy when one part suffices). */
  private contiguousPrefix(max: number): Buffer {
    const first = this.parts[0]!;
    if (this.parts.length === 1 || first.length >= max) return first;
    return Buffer.concat(this.parts, Math.min(this.partsLen, max));
  }

  private hold(item: Buffer | number, length: number, ts: number): void {
    this.stash.push(item);
    this.stashTs.push(ts);
    this.stashLen += length;
    // Nobody answered the switch in time to matter: stop waiting and parse as HTTP/1.
    if (this.stashLen > PAUSE_LIMIT) this.resume();
  }
}
