/**
 * Domain names inside a DNS message (RFC 1035 §3.1, §4.1.4), read with every bound checked.
 *
 *   name    = *label ( root / pointer )
 *   label   = len:8 (00xxxxxx, 1..63) octet{len}
 *   root    = %x00
 *   pointer = 11:2 offset:14       ; the rest of the name is at `offset` from the message start
 *   (10 and 01 in the top bits are reserved: RFC 6891 §5 retired the extended label types)
 *
 * A pointer must point to a prior occurrence of a name (§4.1.4), so every jump here must land
 * before the start of the labels that led to it: the positions read strictly decrease with each
 * jump, which ends any loop (a pointer to itself, two pointers to each other) after one step,
 * and keeps a crafted message from making us read the same bytes twice. A name is at most 255
 * octets in wire form (§3.1), checked as labels are added; and a jump into the 12-byte header is
 * refused.
 *
 * Text is the presentation form of RFC 1035 §5.1 as RFC 4343 §2.1 spells it for arbitrary
 * octets: labels joined by `.`, a `.` or `\` inside a label escaped with `\`, and octets outside
 * printable ASCII (and space) as `\DDD`. So any name is ASCII text, and two different names never
 * read the same. The root name is `.`; other names carry no trailing dot (`example.com`, as
 * tshark shows them).
 */

import { latin1 } from '../../latin1.js';

/** Longest name in wire form (RFC 1035 §3.1), length octets and the final root included. */
const MAX_NAME = 255;
const HEADER = 12;

/** Where a name read from a message ends, and its text; or why it could not be read. */
export interface NameRead {
  /** The presentation text; '' when `ok` is false. */
  text: string;
  /** Offset just past the name where it began (past its first pointer, if any). */
  end: number;
  ok: boolean;
  /** Not ok because the name ran past `limit` before any pointer: cut off, not misformed. */
  cut: boolean;
}

/** skipName: the name runs past the bytes there are (more may come). */
export const NAME_CUT = -2;
/** skipName: the bytes break the name grammar. */
const NAME_BAD = -1;

/**
 * Skip the name at `at` without building its text: the offset just past it, NAME_CUT when it
 * runs past `limit`, or NAME_BAD when it breaks the grammar. A pointer is checked to point
 * before the name and past the header, but not followed (reading the name follows it): this is
 * detection's cheap walk.
 */
export function skipName(msg: Buffer, at: number, limit: number): number {
  let pos = at;
  let wire = 1;
  for (;;) {
    if (pos >= limit) return NAME_CUT;
    const len = msg[pos]!;
    if (len === 0) return pos + 1;
    if ((len & 0xc0) === 0xc0) {
      if (pos + 2 > limit) return NAME_CUT;
      const target = ((len & 0x3f) << 8) | msg[pos + 1]!;
      return target >= HEADER && target < at ? pos + 2 : NAME_BAD;
    }
    if ((len & 0xc0) !== 0) return NAME_BAD;
    wire += len + 1;
    if (wire > MAX_NAME) return NAME_BAD;
    pos += len + 1;
  }
}

/**
 * The presentation text of the name being read, built byte by byte and made a string once
 * (labels as strings joined one by one cost a string each). At most 255 wire octets, each at
 * most 4 bytes of text (`\DDD`).
 */
const spelled = Buffer.alloc(4 * MAX_NAME);

/** readName's answer: one object, filled anew by every call (a name is read per record). */
const read: NameRead = { text: '', end: -1, ok: false, cut: false };

function answer(text: string, end: number, ok: boolean, cut: boolean): NameRead {
  read.text = text;
  read.end = end;
  read.ok = ok;
  read.cut = cut;
  return read;
}

/**
 * Read the name at `at`; its labels must lie before `limit`, pointers anywhere before them. The
 * answer is valid until the next call.
 */
export function readName(msg: Buffer, at: number, limit: number): NameRead {
  let out = 0;
  let pos = at;
  let end = -1;
  /** Labels read since the last jump start here: the next jump must land before it. */
  let segment = at;
  let wire = 1;
  let segmentLimit = limit;
  for (;;) {
    if (pos >= segmentLimit) return failed(end < 0);
    const len = msg[pos]!;
    if (len === 0) {
      if (end < 0) end = pos + 1;
      return answer(out === 0 ? '.' : latin1(spelled, 0, out), end, true, false);
    }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 2 > segmentLimit) return failed(end < 0);
      const target = ((len & 0x3f) << 8) | msg[pos + 1]!;
      if (target >= segment || target < HEADER) return failed(false);
      if (end < 0) end = pos + 2;
      // What a pointer leads to lies before the name that used it, never past it.
      segmentLimit = segment;
      segment = pos = target;
      continue;
    }
    if ((len & 0xc0) !== 0) return failed(false);
    wire += len + 1;
    if (wire > MAX_NAME) return failed(false);
    if (pos + 1 + len > segmentLimit) return failed(end < 0);
    if (out > 0) spelled[out++] = DOT;
    out = labelText(msg, pos + 1, pos + 1 + len, out);
    pos += len + 1;
  }
}

function failed(cut: boolean): NameRead {
  return answer('', -1, false, cut);
}

const DOT = 0x2e;
const BACKSLASH = 0x5c;

/** Inside a label, `.` would read as a label break and `\` as an escape. */
const isNameSpecial = (c: number): boolean => c === DOT || c === BACKSLASH;

/**
 * A label's text into `spelled` from `out` (returns the new end): printable ASCII as is, `.` and `\`
 * escaped, anything else as `\DDD`.
 */
function labelText(msg: Buffer, from: number, to: number, out: number): number {
  for (let i = from; i < to; i++) {
    const c = msg[i]!;
    if (c > 0x20 && c < 0x7f && !isNameSpecial(c)) {
      spelled[out++] = c;
      continue;
    }
    spelled[out++] = BACKSLASH;
    if (c <= 0x20 || c >= 0x7f) {
      spelled[out++] = 0x30 + Math.floor(c / 100);
      spelled[out++] = 0x30 + (Math.floor(c / 10) % 10);
      spelled[out++] = 0x30 + (c % 10);
    } else spelled[out++] = c;
  }
  return out;
}

/**
 * One octet of a name or character-string in presentation form (RFC 1035 §5.1): `\DDD` outside
 * printable ASCII and for space, `\c` for the characters `special` names, else the character.
 */
export function escapeOctet(c: number, special: (c: number) => boolean): string {
  if (c <= 0x20 || c >= 0x7f) return `\\${String(c).padStart(3, '0')}`;
  const ch = String.fromCharCode(c);
  return special(c) ? `\\${ch}` : ch;
}

/** Names compare case-insensitively in ASCII (RFC 4343 §3); their text keeps `\DDD` escapes. */
export function sameName(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b.toLowerCase();
}
