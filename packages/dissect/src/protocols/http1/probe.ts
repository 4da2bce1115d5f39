/**
 * Start-line recognition: the one judge of "could an HTTP/1.x message start here", shared by
 * protocol detection (`probe`), by the parser before it trusts a start line, and by resync after
 * garbage or a gap. Byte-level and bounded: it never looks past `START_LINE_WINDOW` bytes.
 */

import type { ProbeVerdict } from '../../dissector.js';

/** 'yes': a start line of the wanted kind; 'no': cannot become one; 'more': need more bytes. */
export type LineVerdict = 'yes' | 'no' | 'more';

/**
 * Bytes of a start line that recognition waits for. A line that ends within them is checked
 * whole (method, target, version); while it has not ended, the answer is `more`, however many
 * segments it takes to arrive (a 4 KB signed URL is three segments on a 1500-byte MTU). A line
 * longer than this is judged on this prefix (a method, SP, a target that starts well), and the
 * parser checks the rest once the head is complete, up to its head limit (reader-steps.ts
 * HEAD_LIMIT, 64 KiB: past it the message is DIS_ERR_TOO_LARGE). 16 KiB is Node's default
 * limit for a whole request head; nginx allows 8 KiB per line by default.
 */
export const START_LINE_WINDOW = 16 * 1024;

/** Longest method accepted; the longest registered one (RFC 9110 §16.1 registry) has 17. */
const MAX_METHOD = 20;

const SP = 0x20;
const CR = 0x0d;
const LF = 0x0a;

/** "HTTP/1." */
const VERSION_PREFIX = [0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e];

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/**
 * Method bytes: registered methods are upper-case letters and '-'. RFC 9110 §9.1 allows any
 * token, but lower-case or punctuation-heavy "methods" are far likelier to be noise, and being
 * picky here is what keeps detection and resync from locking onto binary data.
 */
function isMethodByte(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || c === 0x2d || c === 0x5f;
}

/**
 * Does a request line (RFC 9112 §3: method SP request-target SP HTTP-version) start at
 * `buf[start]`? `lf` is the index of the first LF at or after `start`, or -1 if the buffer holds
 * none (callers usually know it already; passing it keeps this free of unbounded scans).
 */
export function requestLineVerdict(buf: Buffer, start: number, lf: number): LineVerdict {
  const avail = buf.length - start;
  const end = avail > START_LINE_WINDOW ? start + START_LINE_WINDOW : buf.length;
  let i = start;
  while (i < end && isMethodByte(buf[i]!)) i++;
  const methodLen = i - start;
  if (methodLen > MAX_METHOD) return 'no';
  if (i === end) return end === buf.length ? 'more' : 'no';
  if (methodLen === 0 || buf[i] !== SP) return 'no';
  i++;
  if (i === end) return end === buf.length ? 'more' : 'no';
  const first = buf[i]!;
  if (first <= SP || first === 0x7f) return 'no';
  if (lf < 0 || lf >= end) {
    // The line is not complete within what we may look at: a long target (or not enough
    // bytes yet). The target holds no SP (RFC 9112 §3.2), so an SP followed by more than
    // "HTTP/1.x" CR without a line end rules it out; otherwise judge on the prefix, and the
    // parser checks the whole line once it has it.
    const sp = buf.indexOf(SP, i);
    if (sp >= 0 && sp < end - 10) return 'no';
    return end === buf.length && avail <= START_LINE_WINDOW ? 'more' : 'yes';
  }
  const lineEnd = lf > i && buf[lf - 1] === CR ? lf - 1 : lf;
  // " HTTP/1.x" closes the line; the target between the two SPs is non-empty and has no SP.
  const verStart = lineEnd - 8;
  if (verStart - 1 <= i) return 'no';
  if (buf[verStart - 1] !== SP) return 'no';
  for (let k = 0; k < 7; k++) if (buf[verStart + k] !== VERSION_PREFIX[k]) return 'no';
  if (!isDigit(buf[verStart + 7])) return 'no';
  return buf.indexOf(SP, i) === verStart - 1 ? 'yes' : 'no';
}

/** Does a status line (RFC 9112 §4: HTTP-version SP 3DIGIT SP reason) start at `buf[start]`? */
export function statusLineVerdict(buf: Buffer, start: number): LineVerdict {
  const n = buf.length - start;
  // "HTTP/1." DIGIT SP DIGIT DIGIT DIGIT, then SP — or the line end, since some servers omit
  // the SP before an empty reason-phrase (RFC 9112 §4 asks recipients to accept that).
  for (let k = 0; k < 13; k++) {
    if (k >= n) return 'more';
    const c = buf[start + k]!;
    let ok: boolean;
    if (k < 7) ok = c === VERSION_PREFIX[k];
    else if (k === 8) ok = c === SP;
    else if (k === 12) ok = c === SP || c === CR || c === LF;
    else ok = isDigit(c);
    if (!ok) return 'no';
  }
  return 'yes';
}

/** Detection: look at the first bytes of one direction. Never keeps or modifies `data`. */
export function probe(data: Buffer): ProbeVerdict {
  // RFC 9112 §2.2: a server ignores empty lines received before the request-line.
  const lim = Math.min(data.length, START_LINE_WINDOW);
  let start = 0;
  while (start < lim && (data[start] === CR || data[start] === LF)) start++;
  if (start === data.length) return 'more';
  if (start === lim) return 'no';
  // One byte past the window tells a long line from one still arriving.
  const view = data.length > start + START_LINE_WINDOW + 1 ? data.subarray(0, start + START_LINE_WINDOW + 1) : data;
  const status = statusLineVerdict(view, start);
  if (status === 'yes') return 'server';
  // The HTTP/2 preface ("PRI * HTTP/2.0") fails the version check: it is not HTTP/1.
  const request = requestLineVerdict(view, start, view.indexOf(LF, start));
  if (request === 'yes') return 'client';
  return status === 'more' || request === 'more' ? 'more' : 'no';
}
