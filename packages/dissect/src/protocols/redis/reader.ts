/**
 * One direction's bytes → RESP messages (resp.ts), incremental over any chunking: a header line
 * cut anywhere is gathered until its LF, a blob's octets are passed over as they come (the first
 * ones kept, within a budget), an aggregate's values are counted down on a stack, so a value
 * split between any two octets reads the same.
 *
 * The client's direction carries commands: an array of bulk strings (anything else inside it is
 * a protocol error, as Redis says), or an inline command, a line of words split as Redis splits
 * them (sds.c sdssplitargs: spaces between words, "double quotes" with \n \r \t \b \a \\ \" \xHH
 * escapes, 'single quotes' with \'), empty lines skipped. The server's direction carries replies
 * and pushes of every RESP2 and RESP3 type.
 *
 * Bounds: a message keeps at most `keepBytes` octets of its blobs and `keepItems` values per
 * aggregate (the rest is read, counted and marked `cut`); a header line (or inline command) over
 * LINE_LIMIT, or values nested deeper than DEPTH_LIMIT, are a syntax error.
 *
 * Losses: a gap inside a blob's octets keeps the framing (its length is known); the message is
 * marked DIS_ERR_GAP. A gap anywhere else, or bytes that break the grammar, lose it: the message
 * being read is handed on as far as it got (DIS_ERR_GAP, DIS_ERR_SYNTAX), the sink hears that
 * messages may have gone by unseen, and the following bytes are searched for the next message
 * start (starts.ts: a command for the client, a reply header for the server) at the first byte
 * after a gap and after every LF, whatever the chunks.
 */

import { ErrorCodes } from '@shoal/model';
import { RespType, isAggregateType, isBlobType, newValue, valuesOf, type RespValue } from './resp.js';
import { StartSearch } from './start-search.js';
import { textOrNull } from './text.js';
import { commandStart, headerLineProblem, replyStart } from './starts.js';

export interface RespMessage {
  value: RespValue;
  startTs: number;
  endTs: number;
  /** Octets on the wire, lost ones included. */
  wireSize: number;
  /** DIS_ERR_GAP, DIS_ERR_TRUNCATED or DIS_ERR_SYNTAX when the message is not whole, else null. */
  problem: string | null;
  /** A client's inline command (its value is an array of the words as bulk strings). */
  inline: boolean;
}

export interface RespLimits {
  /** Blob octets kept per message. */
  keepBytes: number;
  /** Values kept per aggregate. */
  keepItems: number;
}

export interface ReaderSink {
  message(m: RespMessage): void;
  /** Framing was lost at `ts`: messages may have gone by unseen. */
  lost(ts: number): void;
}

/** Longest header line or inline command (Redis: PROTO_INLINE_MAX_SIZE, 64 KiB). */
export const LINE_LIMIT = 64 * 1024;
/** Deepest nesting of aggregates read. */
export const DEPTH_LIMIT = 128;
/** Largest bulk string a command may send (Redis's proto-max-bulk-len default, 512 MB). */
const CLIENT_BLOB_LIMIT = 512 * 1024 * 1024;

const CR = 0x0d;
const LF = 0x0a;
const EMPTY = Buffer.alloc(0);

const State = {
  /** Between messages. */
  START: 0,
  /** Gathering a header line up to its LF. */
  HEADER: 1,
  /** Passing over a blob's octets and its CRLF. */
  BLOB: 2,
  /** Gathering an inline command's line. */
  INLINE: 3,
  /** Framing lost: searching for the next message start. */
  SEEK: 4,
} as const;
type State = (typeof State)[keyof typeof State];

interface Frame {
  /** The aggregate, or null when it is read without being kept. */
  value: RespValue | null;
  /** Values still to come. */
  remaining: number;
  /** An attribute: not a value of its parent, but about the value after it. */
  attribute: boolean;
}

export class RespReader {
  private state: State = State.START;
  /** A message is being read (its first octet arrived). */
  private open = false;
  private startTs = 0;
  private endTs = 0;
  private wire = 0;
  private budget = 0;
  private problem: string | null = null;
  /** The top-level value, once its header was read. */
  private top: RespValue | null = null;
  /** The aggregates being read, outermost first: frames[0, depth) (the objects are reused). */
  private readonly frames: Frame[] = [];
  private depth = 0;
  /** An attribute read, waiting for the value it is about. */
  private attributes: RespValue | null = null;
  /** The header line (or inline line) gathered from earlier chunks, and its length. */
  private readonly line: Buffer[] = [];
  private lineLength = 0;
  /** The last line gathered whole (gatherLine). */
  private lineBuf: Buffer = EMPTY;
  private lineStart = 0;
  private lineEnd = 0;
  private lineNext = 0;
  /** The blob being read: its value (null when not kept), octets and CRLF still to come. */
  private blob: RespValue | null = null;
  private blobLeft = 0;
  private crlfLeft = 0;
  /** Its kept octets: the first part, and the parts after it (a blob cut across chunks). */
  private blobFirst: Buffer | null = null;
  private blobMore: Buffer[] | null = null;
  private blobKept = 0;
  private blobKeep = 0;
  /** Seeking: the search, and the time of the bytes it holds. */
  private search: StartSearch | null = null;
  private seekTs = 0;

  constructor(
    private readonly fromClient: boolean,
    private readonly limits: RespLimits,
    private readonly sink: ReaderSink,
  ) {}

  push(chunk: Buffer, ts: number): void {
    let pos = 0;
    while (pos < chunk.length) {
      switch (this.state) {
        case State.START:
          pos = this.begin(chunk, pos, ts);
          break;
        case State.HEADER:
          pos = this.readHeader(chunk, pos, ts);
          break;
        case State.BLOB:
          pos = this.readBlob(chunk, pos, ts);
          break;
        case State.INLINE:
          pos = this.readInline(chunk, pos, ts);
          break;
        case State.SEEK:
          pos = this.seek(chunk, pos, ts);
          break;
      }
    }
  }

  /** `length` octets of this direction were lost. */
  gap(length: number, ts: number): void {
    if (this.state === State.BLOB && length <= this.blobLeft) {
      // Inside the blob's octets: its end is still known.
      this.blobLeft -= length;
      this.wire += length;
      this.endTs = ts;
      this.problem = ErrorCodes.DIS_ERR_GAP;
      this.blobKeep = this.blobKept;
      if (this.blob !== null) this.blob.cut = true;
      return;
    }
    if (this.state === State.SEEK) {
      // The held bytes and the next ones are not contiguous: nothing held can be confirmed.
      this.search!.restart();
      return;
    }
    this.loseFraming(ErrorCodes.DIS_ERR_GAP, ts, true);
  }

  /** The direction ended (or the stream closed): a message being read is cut short. */
  end(ts: number): void {
    this.settleBlob();
    if (this.open && this.top !== null) this.deliver(this.problem ?? ErrorCodes.DIS_ERR_TRUNCATED, ts);
    this.reset();
    this.state = State.START;
    this.search = null;
  }

  /** A message is being read: the direction is not between messages. */
  get busy(): boolean {
    return this.open;
  }

  // ---- states ------------------------------------------------------------------------------

  private begin(chunk: Buffer, pos: number, ts: number): number {
    const c = chunk[pos]!;
    if (this.fromClient && c !== RespType.ARRAY) {
      // Redis skips empty lines between inline commands.
      if (c === CR || c === LF) return pos + 1;
      this.openMessage(ts);
      this.state = State.INLINE;
      return pos;
    }
    this.openMessage(ts);
    this.state = State.HEADER;
    return pos;
  }

  private openMessage(ts: number): void {
    this.open = true;
    this.startTs = ts;
    this.endTs = ts;
    this.wire = 0;
    this.budget = this.limits.keepBytes;
    this.problem = null;
  }

  /**
   * The line up to LF from `pos` (with earlier chunks' part): true when it ended; then
   * `lineBuf[lineStart, lineEnd)` is the line, LF included (the chunk itself when the line lies
   * in it: no copy), and `lineNext` the position in the chunk after it. False when it goes on.
   */
  private gatherLine(chunk: Buffer, pos: number, ts: number): boolean {
    const lf = chunk.indexOf(LF, pos);
    this.endTs = ts;
    if (lf < 0) {
      this.lineLength += chunk.length - pos;
      this.wire += chunk.length - pos;
      if (this.lineLength > LINE_LIMIT) {
        this.syntaxError(ts);
        return false;
      }
      this.line.push(chunk.subarray(pos));
      return false;
    }
    this.wire += lf + 1 - pos;
    this.lineNext = lf + 1;
    if (this.line.length === 0) {
      this.lineBuf = chunk;
      this.lineStart = pos;
      this.lineEnd = lf + 1;
      return true;
    }
    this.line.push(chunk.subarray(pos, lf + 1));
    this.lineBuf = Buffer.concat(this.line, this.lineLength + lf + 1 - pos);
    this.lineStart = 0;
    this.lineEnd = this.lineBuf.length;
    this.line.length = 0;
    this.lineLength = 0;
    return true;
  }

  private readHeader(chunk: Buffer, pos: number, ts: number): number {
    if (!this.gatherLine(chunk, pos, ts)) return chunk.length;
    const buf = this.lineBuf;
    const start = this.lineStart;
    // The line without CRLF: the type byte at `start`, its text up to `end`.
    const end = this.lineEnd - 2;
    const t = buf[start]!;
    if (end <= start || buf[end] !== CR || headerLineProblem(t, buf, start + 1, end) !== null || (this.fromClient && !this.clientMayHave(t))) this.syntaxError(ts);
    else this.header(t, buf, start, end, ts);
    return this.lineNext;
  }

  /** A command is an array of bulk strings: nothing else, nothing nested. */
  private clientMayHave(t: number): boolean {
    return this.depth === 0 ? t === RespType.ARRAY : t === RespType.BULK_STRING;
  }

  /** A header line read whole and valid: type `t` at `line[start]`, its text up to `end` (CRLF excluded). */
  private header(t: number, line: Buffer, start: number, end: number, ts: number): void {
    const keep = this.keepsNext();
    const attribute = t === RespType.ATTRIBUTE;
    // An attribute is about the value read next, at its level (kept or not).
    const about = attribute ? null : this.attributes;
    if (!attribute) this.attributes = null;
    const atTop = this.depth === 0;
    let value: RespValue | null = null;
    if (!isBlobType(t) && !isAggregateType(t)) {
      if (keep) value = newValue(t, textOrNull(line, start + 1, end) ?? line.toString('utf8', start + 1, end), -1);
    } else {
      const n = line[start + 1] === 0x2d ? -1 : decimal(line, start + 1, end);
      if (this.fromClient && (n < 0 || n > CLIENT_BLOB_LIMIT)) {
        this.syntaxError(ts);
        return;
      }
      if (this.fromClient && n === 0 && atTop) {
        // `*0`: Redis reads it as no command.
        this.reset();
        this.state = State.START;
        return;
      }
      if (keep) value = newValue(t, '', n);
      if (n >= 0 && isBlobType(t)) {
        this.startBlob(value, n, about);
        if (atTop) this.top = value;
        return;
      }
      if (n > 0) {
        if (this.depth >= DEPTH_LIMIT) {
          this.syntaxError(ts);
          return;
        }
        if (value !== null) {
          value.items = [];
          value.attributes = about;
        }
        if (atTop && !attribute) this.top = value;
        this.pushFrame(value, valuesOf(t, n), attribute);
        this.state = State.HEADER;
        return;
      }
      // RESP2's null bulk string or null array, or an empty aggregate.
      if (value !== null && n === 0) value.items = [];
    }
    if (value !== null) value.attributes = about;
    if (atTop && !attribute) this.top = value;
    this.finish(value, attribute, ts);
  }

  private startBlob(value: RespValue | null, n: number, about: RespValue | null): void {
    this.blob = value;
    this.blobLeft = n;
    this.crlfLeft = 2;
    this.blobFirst = null;
    this.blobMore = null;
    this.blobKept = 0;
    this.blobKeep = value === null ? 0 : Math.min(n, this.budget);
    this.budget -= this.blobKeep;
    if (value !== null) {
      value.attributes = about;
      if (this.blobKeep < n) value.cut = true;
    }
    this.state = State.BLOB;
  }

  private pushFrame(value: RespValue | null, remaining: number, attribute: boolean): void {
    const frame = this.frames[this.depth];
    if (frame === undefined) this.frames.push({ value, remaining, attribute });
    else {
      frame.value = value;
      frame.remaining = remaining;
      frame.attribute = attribute;
    }
    this.depth++;
  }

  /** The value about to be read is kept: it is the message, or its aggregate keeps values and has room. */
  private keepsNext(): boolean {
    if (this.depth === 0) return true;
    const top = this.frames[this.depth - 1]!;
    if (top.value === null) return false;
    if (top.value.items!.length < this.limits.keepItems) return true;
    top.value.cut = true;
    return false;
  }

  private readBlob(chunk: Buffer, pos: number, ts: number): number {
    this.endTs = ts;
    const left = this.blobLeft;
    if (this.crlfLeft === 2 && this.blobKept === 0 && pos + left + 2 <= chunk.length) {
      // The usual case: all of it, and its CRLF, in this chunk.
      if (chunk[pos + left] !== CR || chunk[pos + left + 1] !== LF) {
        this.syntaxError(ts);
        return pos + left;
      }
      const v = this.blob;
      if (v !== null) {
        v.src = chunk;
        v.off = pos;
        v.kept = this.blobKeep;
      }
      this.blob = null;
      this.blobLeft = 0;
      this.wire += left + 2;
      this.finish(v, false, ts);
      return pos + left + 2;
    }
    if (left > 0) {
      const take = Math.min(left, chunk.length - pos);
      const keep = Math.min(take, this.blobKeep - this.blobKept);
      if (keep > 0) this.keepPart(chunk.subarray(pos, pos + keep));
      this.blobLeft -= take;
      this.wire += take;
      pos += take;
      if (this.blobLeft > 0) return pos;
    }
    while (this.crlfLeft > 0 && pos < chunk.length) {
      if (chunk[pos] !== (this.crlfLeft === 2 ? CR : LF)) {
        this.syntaxError(ts);
        return pos;
      }
      this.crlfLeft--;
      this.wire++;
      pos++;
    }
    if (this.crlfLeft > 0) return pos;
    const v = this.blob;
    this.settleBlob();
    this.finish(v, false, ts);
    return pos;
  }

  private keepPart(part: Buffer): void {
    if (this.blobFirst === null) this.blobFirst = part;
    else (this.blobMore ??= []).push(part);
    this.blobKept += part.length;
  }

  /** The blob being read gets the octets kept of it (all of them, or as far as they came). */
  private settleBlob(): void {
    const v = this.blob;
    if (v !== null) {
      const first = this.blobFirst;
      v.src = first === null ? EMPTY : this.blobMore === null ? first : Buffer.concat([first, ...this.blobMore], this.blobKept);
      v.off = 0;
      v.kept = v.src.length;
      if (this.blobLeft > 0) v.cut = true;
    }
    this.blob = null;
    this.blobFirst = null;
    this.blobMore = null;
  }

  /**
   * A value was read whole (`v`, null when not kept; `attribute`: it was an attribute): it
   * completes its aggregate (and maybe theirs), or the message.
   */
  private finish(v: RespValue | null, attribute: boolean, ts: number): void {
    let value = v;
    let isAttribute = attribute;
    for (;;) {
      if (isAttribute) {
        // Not a value of its aggregate or the message: the one it is about follows.
        this.attributes = value;
        this.state = State.HEADER;
        return;
      }
      const frame = this.depth === 0 ? undefined : this.frames[this.depth - 1]!;
      if (frame === undefined) {
        this.deliver(this.problem, ts);
        this.reset();
        this.state = State.START;
        return;
      }
      if (frame.value !== null && value !== null) {
        frame.value.items!.push(value);
        if (value.cut) frame.value.cut = true;
      }
      frame.remaining--;
      if (frame.remaining > 0) {
        this.state = State.HEADER;
        return;
      }
      this.depth--;
      value = frame.value;
      isAttribute = frame.attribute;
      frame.value = null;
    }
  }

  private readInline(chunk: Buffer, pos: number, ts: number): number {
    if (!this.gatherLine(chunk, pos, ts)) return chunk.length;
    const line = this.lineBuf.subarray(this.lineStart, this.lineEnd);
    const next = this.lineNext;
    const end = line.length > 1 && line[line.length - 2] === CR ? line.length - 2 : line.length - 1;
    let words = splitArgs(line, end);
    if (words === null) {
      // Unbalanced quotes: Redis refuses the line (and closes the connection). Its words as they stand.
      this.problem = ErrorCodes.DIS_ERR_SYNTAX;
      words = splitWords(line, end);
    }
    if (words.length === 0) {
      // A blank line: Redis reads it as no command.
      this.reset();
      this.state = State.START;
      return next;
    }
    const value = newValue(RespType.ARRAY, '', words.length);
    value.items = [];
    for (const w of words) {
      if (value.items.length >= this.limits.keepItems) {
        value.cut = true;
        break;
      }
      const item = newValue(RespType.BULK_STRING, '', w.length);
      const keep = Math.min(w.length, this.budget);
      this.budget -= keep;
      item.src = w;
      item.kept = keep;
      item.cut = keep < w.length;
      if (item.cut) value.cut = true;
      value.items.push(item);
    }
    this.top = value;
    this.deliver(this.problem, ts, true);
    this.reset();
    this.state = State.START;
    return next;
  }

  /** Search from `chunk[pos]` for a message start (start-search.ts); read on from there. */
  private seek(chunk: Buffer, pos: number, ts: number): number {
    const search = this.search!;
    if (!search.holding) this.seekTs = ts;
    const found = search.scan(chunk.subarray(pos));
    if (found === null) return chunk.length;
    this.search = null;
    this.state = State.START;
    if (found >= 0) return pos + found;
    // The message starts in bytes held from earlier chunks: read those, then this one from `pos`.
    this.push(search.heldFromStart, this.seekTs);
    return pos;
  }

  // ---- losing and ending messages -------------------------------------------------------------

  private syntaxError(ts: number): void {
    this.loseFraming(ErrorCodes.DIS_ERR_SYNTAX, ts, false);
  }

  /**
   * The framing is lost: hand on the message being read as far as it got, tell the sink, and
   * search what follows; after a gap, its first byte may begin a message.
   */
  private loseFraming(code: string, ts: number, afterGap: boolean): void {
    this.settleBlob();
    if (this.open && this.top !== null) {
      this.top.cut = true;
      this.deliver(code, ts);
    }
    this.reset();
    this.sink.lost(ts);
    this.state = State.SEEK;
    this.search = new StartSearch(this.fromClient ? commandStart : replyStart, afterGap);
    this.seekTs = ts;
  }

  private deliver(problem: string | null, ts: number, inline = false): void {
    const value = this.top!;
    this.sink.message({ value, startTs: this.startTs, endTs: Math.max(this.endTs, ts), wireSize: this.wire, problem, inline });
  }

  private reset(): void {
    this.open = false;
    this.top = null;
    while (this.depth > 0) this.frames[--this.depth]!.value = null;
    this.attributes = null;
    // Setting an array's length is a runtime call: only when it is not empty already.
    if (this.line.length !== 0) this.line.length = 0;
    this.lineLength = 0;
    this.blob = null;
    this.blobFirst = null;
    this.blobMore = null;
    this.problem = null;
  }
}

/** The decimal number in `buf[from, to)` (checked by headerLineProblem). */
function decimal(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (buf[i]! - 0x30);
  return n;
}

/** The words of `line[0, end)` between spaces, quotes or not. */
function splitWords(line: Buffer, end: number): Buffer[] {
  const words: Buffer[] = [];
  let i = 0;
  while (i < end) {
    while (i < end && isSpace(line[i]!)) i++;
    const from = i;
    while (i < end && !isSpace(line[i]!)) i++;
    if (i > from) words.push(line.subarray(from, i));
  }
  return words;
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
const hexValue = (c: number): number => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1);
const ESCAPES: Readonly<Record<number, number>> = { 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x62: 0x08, 0x61: 0x07 };

/**
 * The words of an inline command `line[0, end)`, as sds.c sdssplitargs splits them; null for
 * unbalanced quotes (or a closing quote not followed by a space), which Redis refuses.
 */
export function splitArgs(line: Buffer, end: number): Buffer[] | null {
  const words: Buffer[] = [];
  let i = 0;
  for (;;) {
    while (i < end && isSpace(line[i]!)) i++;
    if (i >= end) return words;
    const quote = line[i] === 0x22 ? 0x22 : line[i] === 0x27 ? 0x27 : 0;
    if (quote === 0) {
      const from = i;
      while (i < end && !isSpace(line[i]!)) i++;
      words.push(line.subarray(from, i));
      continue;
    }
    const out: number[] = [];
    i++;
    for (;;) {
      if (i >= end) return null;
      const c = line[i]!;
      if (c === quote) {
        i++;
        if (i < end && !isSpace(line[i]!)) return null;
        break;
      }
      if (c === 0x5c && i + 1 < end) {
        const next = line[i + 1]!;
        if (quote === 0x22 && next === 0x78 && i + 3 < end && hexValue(line[i + 2]!) >= 0 && hexValue(line[i + 3]!) >= 0) {
          out.push(hexValue(line[i + 2]!) * 16 + hexValue(line[i + 3]!));
          i += 4;
          continue;
        }
        if (quote === 0x22 || next === 0x27) {
          out.push(quote === 0x22 ? (ESCAPES[next] ?? next) : next);
          i += 2;
          continue;
        }
      }
      out.push(c);
      i++;
    }
    words.push(Buffer.from(out));
  }
}
