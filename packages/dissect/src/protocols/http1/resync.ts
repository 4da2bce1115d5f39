/**
 * Finding the next message after garbage or a capture gap.
 *
 * Messages rarely start at a line start then: a body seldom ends with LF, so the next head
 * follows its last byte directly (`…}HTTP/1.1 200 OK`). So the search is anchored on the
 * version text instead:
 * - responses: a status line (probe.ts) anywhere;
 * - requests: ` HTTP/1.` closing a request line whose method starts at a line start, or is a
 *   well-known method (`…}GET /x HTTP/1.1`, `…abcPOST /y HTTP/1.1`).
 * The earliest such position wins. Each decision depends only on the bytes around a position,
 * and the bytes that may still matter are carried between chunks, so the outcome does not
 * depend on chunking.
 */

import { requestLineVerdict, START_LINE_WINDOW, statusLineVerdict } from './probe.js';

const LF = 10;
const SP = 32;
const MAX_METHOD = 20;

const STATUS_ANCHOR = Buffer.from('HTTP/1.');
const REQUEST_ANCHOR = Buffer.from(' HTTP/1.');

/** Methods recognised even when glued to the bytes before them (RFC 9110 §9, RFC 5789, RFC 4918). */
const KNOWN_METHODS = new Set([
  'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH',
  'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'QUERY',
]);

/** Bytes kept for requests: a candidate line ends at most this far before its anchor ends. */
const REQUEST_KEEP = START_LINE_WINDOW + 64;
/** For responses: a partial anchor at the end of a chunk. */
const STATUS_KEEP = 16;

function isMethodByte(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x41 && c <= 0x5a) || c === 0x2d || c === 0x5f);
}

/**
 * Where a message was found: it starts with `head` (bytes of earlier chunks, with their capture
 * times; empty when it starts in this chunk) and continues in this chunk at `at`.
 */
export interface Found {
  at: number;
  head: Buffer[];
  headTimes: number[];
  /** Capture time of the message's first byte. */
  headTs: number;
}

export class Resync {
  private readonly isRequest: boolean;
  /** Bytes from earlier chunks that may still hold the start of a message. */
  private tail: Buffer | null = null;
  /** Capture times of the tail: `markTs[i]` from offset `markAt[i]` on (markAt[0] is 0). */
  private markAt: number[] = [];
  private markTs: number[] = [];
  /** The first byte of the carried data (or of the next chunk) begins a line. */
  private lineStart = false;

  constructor(isRequest: boolean) {
    this.isRequest = isRequest;
  }

  /** Begin a search; `atLineStart`: the next byte begins a line. */
  start(atLineStart: boolean): void {
    this.tail = null;
    this.markAt = [];
    this.markTs = [];
    this.lineStart = atLineStart;
  }

  /** Search `buf[pos..]`; null when no message starts in it (bytes that may matter are kept). */
  scan(buf: Buffer, pos: number, ts: number): Found | null {
    const chunk = pos === 0 ? buf : buf.subarray(pos);
    const tail = this.tail;
    const tailLen = tail === null ? 0 : tail.length;
    const data = tail === null ? chunk : Buffer.concat([tail, chunk]);
    const r = this.isRequest ? this.findRequest(data) : this.findStatus(data);
    if (r.found >= 0) {
      const p = r.found;
      const found: Found =
        p >= tailLen
          ? { at: pos + p - tailLen, head: [], headTimes: [], headTs: ts }
          : { at: pos, ...this.slices(data, p, tailLen), headTs: this.timeAt(p) };
      this.start(false);
      return found;
    }
    const keep = Math.max(0, r.keepFrom);
    this.lineStart = keep === 0 ? this.lineStart : data[keep - 1] === LF;
    if (keep >= data.length) {
      this.start(this.lineStart);
      return null;
    }
    // Times of the kept bytes: the tail's marks from `keep` on, then this chunk's.
    const at: number[] = [];
    const tss: number[] = [];
    if (keep < tailLen) {
      let i = 0;
      while (i + 1 < this.markAt.length && this.markAt[i + 1]! <= keep) i++;
      for (; i < this.markAt.length; i++) {
        at.push(Math.max(0, this.markAt[i]! - keep));
        tss.push(this.markTs[i]!);
      }
    }
    if (tss.length === 0 || tss[tss.length - 1] !== ts) {
      at.push(Math.max(0, tailLen - keep));
      tss.push(ts);
    }
    this.tail = data.subarray(keep);
    this.markAt = at;
    this.markTs = tss;
    return null;
  }

  /** `data[from, to)` of the tail, cut where its capture time changes. */
  private slices(data: Buffer, from: number, to: number): { head: Buffer[]; headTimes: number[] } {
    const head: Buffer[] = [];
    const headTimes: number[] = [];
    for (let i = 0; i < this.markAt.length; i++) {
      const a = Math.max(from, this.markAt[i]!);
      const b = Math.min(to, this.markAt[i + 1] ?? to);
      if (a < b) {
        head.push(data.subarray(a, b));
        headTimes.push(this.markTs[i]!);
      }
    }
    return { head, headTimes };
  }

  private timeAt(offset: number): number {
    let t = this.markTs[0] ?? 0;
    for (let i = 1; i < this.markAt.length && this.markAt[i]! <= offset; i++) t = this.markTs[i]!;
    return t;
  }

  private findStatus(data: Buffer): { found: number; keepFrom: number } {
    let from = 0;
    for (;;) {
      const a = data.indexOf(STATUS_ANCHOR, from);
      if (a < 0) return { found: -1, keepFrom: data.length - STATUS_KEEP };
      const v = statusLineVerdict(data, a);
      if (v === 'yes') return { found: a, keepFrom: 0 };
      if (v === 'more') return { found: -1, keepFrom: a };
      from = a + 1;
    }
  }

  private findRequest(data: Buffer): { found: number; keepFrom: number } {
    let from = 0;
    for (;;) {
      const a = data.indexOf(REQUEST_ANCHOR, from);
      if (a < 0) return { found: -1, keepFrom: this.requestKeep(data) };
      const p = this.requestStart(data, a);
      if (p >= 0) {
        const v = requestLineVerdict(data, p, data.indexOf(LF, p));
        if (v === 'yes') return { found: p, keepFrom: 0 };
        if (v === 'more') return { found: -1, keepFrom: p };
      }
      from = a + 1;
    }
  }

  /**
   * Where a request line completed by later bytes could begin. Its target holds no SP, so the SP
   * before the target is the last SP of `data`, or the one before it when the last is the start
   * of the version (" HTTP/1." cut at the end); its method ends there. Only that much is kept,
   * never more than REQUEST_KEEP: carrying the whole 16 KiB every chunk would copy it again and
   * again through a long stretch without a message.
   */
  private requestKeep(data: Buffer): number {
    const last = data.lastIndexOf(SP);
    const beforeLast = last > 0 ? data.lastIndexOf(SP, last - 1) : -1;
    const targetSp = beforeLast >= 0 ? beforeLast : last >= 0 ? last : data.length;
    return Math.max(data.length - REQUEST_KEEP, targetSp - MAX_METHOD - 1);
  }

  /** Where the request line whose version starts at `a` (its SP) would begin, or -1. */
  private requestStart(data: Buffer, a: number): number {
    if (a < 2) return -1;
    const sp = data.lastIndexOf(SP, a - 1);
    if (sp < 1 || sp === a - 1 || a - sp > START_LINE_WINDOW) return -1;
    let m = sp;
    while (m > 0 && sp - m <= MAX_METHOD && isMethodByte(data[m - 1])) m--;
    if (m === sp) return -1;
    const atLineStart = m > 0 ? data[m - 1] === LF : this.lineStart;
    if (atLineStart && sp - m <= MAX_METHOD) return m;
    for (let p = m; p < sp; p++) {
      if (sp - p <= 9 && KNOWN_METHODS.has(data.toString('latin1', p, sp))) return p;
    }
    return -1;
  }
}
