/**
 * The parsing steps of a direction's reader (reader.ts drives them): a head, a chunk line, a
 * trailer section; completing a message; giving up on one and resynchronising. Every step
 * takes the chunk and a position and returns where parsing continues.
 */

import { ErrorCodes } from '@shoal/model';
import { latin1 } from '../../latin1.js';
import { parseChunkSize } from './framing.js';
import { parseFields, parseHead } from './head.js';
import { BodyMode, Http1Message } from './message.js';
import { requestLineVerdict, START_LINE_WINDOW, statusLineVerdict, type LineVerdict } from './probe.js';
import { Resync } from './resync.js';
import { SectionFinder } from './sections.js';
import { Span } from './span.js';

/** Longest head or trailer section accepted (start line, fields and empty line). */
export const HEAD_LIMIT = 64 * 1024;
/**
 * Bytes looked at for a head's end before falling back to the general search (sections.ts):
 * the last head's length on this direction plus this margin (heads of one connection are much
 * alike). Copying more than the head costs: the rest of the window is usually body.
 */
const HEAD_WINDOW_MARGIN = 128;
const FIRST_HEAD_WINDOW = 1024;
/** Longest chunk-size line (with extensions) accepted, LF excluded. */
export const CHUNK_LINE_LIMIT = 4096;

const LF = 10;
const CR = 13;
const SP = 32;
/** A start line's first bytes: the longest method (probe.ts), its SP and the target's first byte. */
const LINE_START_BYTES = 32;
/** After the SP before a version: "HTTP/1.x" CR, the most that may follow it on the line. */
const VERSION_TAIL_BYTES = 10;

export interface ReaderHost {
  /**
   * A head was parsed: may its message be read now? When not, the reader holds the head's bytes
   * (and all after) unparsed, pauses, and parses them again when resumed.
   */
  accept(reader: ReaderSteps, msg: Http1Message): boolean;
  /** A head was parsed and accepted: decide `msg.bodyMode` (and `bodyLength`). */
  head(reader: ReaderSteps, msg: Http1Message): void;
  /** A message is complete, or ended early with `malformed` set. */
  complete(reader: ReaderSteps, msg: Http1Message): void;
  /** A message was lost before its head parsed: missing bytes, garbage, too large, or cut off. */
  lost(reader: ReaderSteps, code: string, ts: number): void;
  /** A paused reader holds more than it should: the host should resume it. */
  holdFull(reader: ReaderSteps): void;
}

export const S_HEAD = 0;
export const S_LENGTH = 1;
export const S_CHUNK_SIZE = 2;
export const S_CHUNK_DATA = 3;
export const S_CHUNK_END = 4;
export const S_TRAILERS = 5;
export const S_CLOSE = 6;
export const S_RESYNC = 7;
export const S_PAUSED = 8;
export const S_DONE = 9;
export type State = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

export abstract class ReaderSteps {
  readonly isRequest: boolean;
  protected readonly host: ReaderHost;
  protected readonly cap: number;
  /** Record every header field (detail `full`), or only the ones parsing needs. */
  private readonly allFields: boolean;
  private readonly finder = new SectionFinder();
  protected readonly resyncer: Resync;

  protected state: State = S_HEAD;
  protected msg: Http1Message | null = null;
  /** Body bytes left: of the Content-Length, or of the current chunk. */
  protected remaining = 0;
  /** Bytes of a head / chunk line / trailer section that span chunks. */
  protected readonly span = new Span();
  /** The start line of the head being collected passed probe.ts. */
  private lineChecked = false;
  /** Held offset of the last SP of the start line being collected, -1 before the first. */
  private lineSp = -1;
  /** Capture time of the first byte of the head being collected. */
  protected headTs = 0;
  /** Bytes to copy when looking for the end of the next head (HEAD_WINDOW_MARGIN). */
  private headWindow = FIRST_HEAD_WINDOW;
  /** Detached (the stream switched protocols): every byte not consumed goes to `rest`. */
  protected detached = false;
  protected rest: Buffer[] = [];

  constructor(isRequest: boolean, host: ReaderHost, bodyCapBytes: number, allFields: boolean) {
    this.isRequest = isRequest;
    this.host = host;
    this.cap = Math.max(0, bodyCapBytes);
    this.allFields = allFields;
    this.resyncer = new Resync(isRequest);
  }

  abstract feed(buf: Buffer, ts: number): void;

  /** Pause, holding the held span and `buf[pos..]` (a head the host did not accept yet). */
  protected abstract holdHead(span: { parts: Buffer[]; times: number[] }, buf: Buffer, pos: number, ts: number): void;

  protected forgetChunk(): void {
    this.finder.forget();
  }

  // ---- heads -------------------------------------------------------------------------------

  protected readHead(buf: Buffer, pos: number, ts: number): number {
    const len = buf.length;
    const span = this.span;
    if (span.length === 0) {
      // RFC 9112 §2.2: empty lines before a start line are ignored (robustness).
      while (pos < len && (buf[pos] === CR || buf[pos] === LF)) pos++;
      if (pos === len) return len;
      this.headTs = ts;
      // The usual case, a whole CRLF-terminated head in this chunk: one latin1 copy of a window
      // both finds its end and is the text it is parsed from.
      const window = latin1(buf, pos, Math.min(len, pos + this.headWindow));
      if (window.indexOf('\r\n\r\n') >= 0) return this.parsedHead(buf, pos, ts, window, buf, pos, 0);
    }
    const end = this.finder.find(buf, pos, span.length > 0 ? span.boundary : 0);
    if (end < 0) {
      if (span.length + (len - pos) >= HEAD_LIMIT) {
        return this.fail(null, ErrorCodes.DIS_ERR_TOO_LARGE, pos, true, false, buf);
      }
      span.keep(buf, pos, ts, 0);
      if (!this.lineChecked && this.lineMayBeDecided(buf, pos, span.length)) {
        // Say "garbage" as soon as the start line can no longer be one.
        const view = span.prefix(START_LINE_WINDOW + 1);
        const v = this.lineVerdict(view, 0, view.indexOf(LF));
        if (v === 'no') return this.fail(null, ErrorCodes.DIS_ERR_SYNTAX, len, true, false);
        if (v === 'yes') this.lineChecked = true;
      }
      return len;
    }
    const spanned = span.length;
    const hb = spanned > 0 ? span.joinedWith(buf, pos, end) : buf;
    const hp = spanned > 0 ? 0 : pos;
    const he = hp + spanned + (end - pos);
    return this.parsedHead(buf, pos, ts, latin1(hb, hp, Math.min(he, hp + HEAD_LIMIT)), hb, hp, spanned);
  }

  /**
   * The head at `pos` (after `spanned` held bytes) is complete: `s` is its text from its first
   * byte (it may run on past the head), `hb[hp..]` the same bytes. Parses it and sets up the body.
   */
  private parsedHead(buf: Buffer, pos: number, ts: number, s: string, hb: Buffer, hp: number, spanned: number): number {
    const len = buf.length;
    const span = this.span;
    const firstLf = s.indexOf('\n');
    if (this.lineVerdict(hb, hp, firstLf < 0 ? -1 : hp + firstLf) !== 'yes') {
      return this.fail(null, ErrorCodes.DIS_ERR_SYNTAX, pos, true, false, buf);
    }
    const msg = new Http1Message(this.isRequest, this.headTs);
    msg.bodyCap = this.cap;
    const used = parseHead(s, msg, this.allFields);
    if (used < 0) {
      const code = used === -1 ? ErrorCodes.DIS_ERR_TOO_LARGE : ErrorCodes.DIS_ERR_SYNTAX;
      return this.fail(null, code, pos, true, false, buf);
    }
    this.lineChecked = false;
    this.lineSp = -1;
    if (!this.host.accept(this, msg)) {
      this.holdHead(span.take(), buf, pos, ts);
      return len;
    }
    const next = pos + used - spanned;
    span.clear();
    msg.headersSize = used;
    this.headWindow = used + HEAD_WINDOW_MARGIN;
    msg.wireSize = used;
    msg.endTs = ts;
    this.msg = msg;
    this.host.head(this, msg);
    // The host may have handed the stream over meanwhile (a held response switched protocols):
    // what follows the head is then the next protocol's.
    if (this.state === S_DONE) return next;
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
        // The host detaches us: the rest of this chunk is already the next protocol's.
        this.complete(msg, S_DONE);
        return next;
      case BodyMode.INVALID:
        // Framing unknowable (RFC 9112 §6.3 ¶4/¶5): look for the next message from here.
        this.complete(msg, S_RESYNC, true);
        return next;
      default:
        this.complete(msg, S_HEAD);
        return next;
    }
  }

  /**
   * Can the start line held so far (`held` bytes, the last of them `buf[pos..]`) be judged
   * otherwise than `more` now? Only while its first bytes (the method) come in, when an LF or
   * an SP arrives or the bytes after an SP (they tell whether it closes the line), or once it
   * outgrows the window. Other pieces are not looked at again, so a line trickling in tiny
   * segments is not re-read whole for each one.
   */
  private lineMayBeDecided(buf: Buffer, pos: number, held: number): boolean {
    const before = held - (buf.length - pos);
    const piece = buf.subarray(pos);
    const sp = piece.lastIndexOf(SP);
    const spBefore = this.lineSp;
    if (sp >= 0) this.lineSp = before + sp;
    return (
      before <= LINE_START_BYTES ||
      held > START_LINE_WINDOW ||
      sp >= 0 ||
      (spBefore >= 0 && before - spBefore <= VERSION_TAIL_BYTES) ||
      piece.indexOf(LF) >= 0
    );
  }

  private lineVerdict(buf: Buffer, start: number, lf: number): LineVerdict {
    return this.isRequest ? requestLineVerdict(buf, start, lf) : statusLineVerdict(buf, start);
  }

  // ---- chunked bodies (RFC 9112 §7.1) -------------------------------------------------------

  protected readChunkLine(buf: Buffer, pos: number, ts: number): number {
    const msg = this.msg!;
    const span = this.span;
    const lf = buf.indexOf(LF, pos);
    const lineLen = span.length + (lf < 0 ? buf.length : lf) - pos;
    if (lineLen > CHUNK_LINE_LIMIT) {
      return this.fail(msg, ErrorCodes.DIS_ERR_TOO_LARGE, pos, false, true, buf);
    }
    if (lf < 0) {
      span.keep(buf, pos, ts, 0);
      return buf.length;
    }
    let size: number;
    if (span.length === 0) size = parseChunkSize(buf, pos, lf);
    else {
      const line = span.joinedWith(buf, pos, lf);
      size = parseChunkSize(line, 0, line.length);
    }
    if (size < 0) return this.fail(msg, ErrorCodes.DIS_ERR_SYNTAX, pos, false, true, buf);
    span.clear();
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
  protected readTrailers(buf: Buffer, pos: number, ts: number): number {
    const msg = this.msg!;
    const span = this.span;
    const len = buf.length;
    // The section starts right after the last-chunk line's LF: at a line start.
    const end = this.finder.find(buf, pos, span.length > 0 ? span.boundary : 1);
    if (end < 0) {
      if (span.length + (len - pos) >= HEAD_LIMIT) {
        return this.fail(msg, ErrorCodes.DIS_ERR_TOO_LARGE, pos, false, true, buf);
      }
      span.keep(buf, pos, ts, 1);
      return len;
    }
    const spanned = span.length;
    const all = spanned > 0 ? span.joinedWith(buf, pos, end) : buf;
    const from = spanned > 0 ? 0 : pos;
    const s = latin1(all, from, Math.min(from + spanned + end - pos, from + HEAD_LIMIT));
    const fields: Record<string, string> = {};
    const used = parseFields(s, 0, fields, msg, this.allFields);
    if (used < 0) return this.fail(msg, ErrorCodes.DIS_ERR_TOO_LARGE, pos, false, true, buf);
    span.clear();
    if (Object.keys(fields).length > 0) msg.trailers = fields;
    msg.wireSize += used;
    msg.endTs = ts;
    this.complete(msg, S_HEAD);
    return pos + used - spanned;
  }

  // ---- completion, errors, resync ----------------------------------------------------------

  protected complete(msg: Http1Message, next: State, atLineStart = false): void {
    this.msg = null;
    this.state = next;
    if (next === S_RESYNC) this.resyncer.start(atLineStart);
    this.host.complete(this, msg);
  }

  /** A body whose end can no longer be found: finish it as cut by a gap, then resync. */
  protected abandonBody(msg: Http1Message, ts: number): void {
    this.span.clear();
    msg.bodyLossy = true;
    msg.endTs = ts;
    msg.flag(ErrorCodes.DIS_ERR_GAP);
    this.complete(msg, S_RESYNC, true);
  }

  /**
   * Give up on the current message (`msg`, or a head that never parsed when null) and resync.
   * The bytes held in the span plus `buf[pos..]` are the region in question: they are scanned
   * again from its start (`atLineStart`) or from its second byte (`skipFirst`), so the outcome
   * never depends on how much of the region had arrived when the problem showed.
   * Returns where to continue in the current chunk.
   */
  protected fail(
    msg: Http1Message | null,
    code: string,
    pos: number,
    skipFirst: boolean,
    atLineStart: boolean,
    buf?: Buffer,
  ): number {
    const replay = this.span.take();
    this.lineChecked = false;
    this.lineSp = -1;
    if (msg !== null) {
      msg.flag(code);
      this.complete(msg, S_RESYNC, atLineStart);
    } else {
      this.toResync(atLineStart);
      this.host.lost(this, code, this.headTs);
    }
    const parts = replay.parts;
    for (let i = 0; i < parts.length; i++) {
      const part = i === 0 && skipFirst ? parts[i]!.subarray(1) : parts[i]!;
      if (part.length > 0) this.feed(part, replay.times[i]!);
    }
    if (parts.length > 0 || buf === undefined) return pos;
    return skipFirst ? Math.min(pos + 1, buf.length) : pos;
  }

  protected toResync(atLineStart: boolean): void {
    this.msg = null;
    this.state = S_RESYNC;
    this.resyncer.start(atLineStart);
    this.lineChecked = false;
    this.lineSp = -1;
  }

  /** Skip bytes until the next start line of this direction (resync.ts). */
  protected resync(buf: Buffer, pos: number, ts: number): number {
    const found = this.resyncer.scan(buf, pos, ts);
    if (found === null) return buf.length;
    this.state = S_HEAD;
    this.lineChecked = true;
    this.headTs = found.headTs;
    if (found.head.length > 0) this.span.adopt(found.head, found.headTimes);
    return found.at;
  }
}
