/**
 * Where a Redis message may start: the one judge of "could a command (or a reply) begin here",
 * shared by detection (probe.ts), the detection seeker (seeker.ts) and the reader's search after
 * a loss (reader.ts). Each answers from the bytes alone: `yes`, `no`, or `more` while the bytes
 * that decide have not all arrived. Grammar: resp.ts.
 *
 * A command in RESP is an array of bulk strings whose first is the command's name:
 *
 *   "*" count CRLF "$" length CRLF name CRLF ...
 *
 * which random bytes or another protocol's almost never spell: a star, digits, CRLF, a dollar,
 * digits, CRLF, then exactly `length` octets of a name (a letter, then letters, digits and a few
 * marks, as Redis and its modules name commands: `GET`, `JSON.SET`, `FT.SEARCH`) and CRLF.
 */

import { RespType, isAggregateType, isBlobType, isLineType } from './resp.js';

export type StartVerdict = 'yes' | 'no' | 'more';

const CR = 0x0d;
const LF = 0x0a;
/** Longest command name accepted as evidence (Redis's longest has 20 octets). */
export const NAME_LIMIT = 64;
/** Most values a command may have in detection's eyes (Redis refuses more before authentication). */
const COUNT_LIMIT = 1024 * 1024;
/** Longest header line a reply start may have when searched for after a loss. */
const REPLY_LINE_LIMIT = 1024;

/** A letter (the first octet of a command name). */
const isLetter = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/** An octet of a command name after the first: letters, digits, `_ . - | :`. */
function isNameOctet(c: number): boolean {
  return isLetter(c) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2e || c === 0x2d || c === 0x7c || c === 0x3a;
}

/** A command name: a letter, then name octets. */
export function isName(buf: Buffer, from: number, to: number): boolean {
  if (to <= from || to - from > NAME_LIMIT || !isLetter(buf[from]!)) return false;
  for (let i = from + 1; i < to; i++) if (!isNameOctet(buf[i]!)) return false;
  return true;
}

/**
 * A decimal number from `buf[from]` up to CRLF: its value and where the line ends (after LF).
 * `more` when the bytes end first; null when it is not one (no digits, a sign other than a
 * leading `-` when `signed`, more than 10 digits, or no CRLF after the digits).
 */
function decimalLine(buf: Buffer, from: number, signed: boolean): { value: number; next: number } | 'more' | null {
  let i = from;
  let negative = false;
  if (signed && buf[i] === 0x2d) {
    negative = true;
    i++;
  }
  let value = 0;
  const digits = i;
  for (; i < buf.length; i++) {
    const c = buf[i]!;
    if (c < 0x30 || c > 0x39) break;
    if (i - digits >= 10) return null;
    value = value * 10 + (c - 0x30);
  }
  if (i === buf.length) return 'more';
  if (i === digits || buf[i] !== CR) return null;
  if (i + 1 === buf.length) return 'more';
  if (buf[i + 1] !== LF) return null;
  return { value: negative ? -value : value, next: i + 2 };
}

/** A bulk string `$len CRLF data CRLF` at `from`: where it ends, its bounds, or why not. */
function bulkAt(buf: Buffer, from: number, maxLength: number): { start: number; end: number; next: number } | 'no' | 'more' {
  if (from >= buf.length) return 'more';
  if (buf[from] !== RespType.BULK_STRING) return 'no';
  const length = decimalLine(buf, from + 1, false);
  if (length === 'more') return 'more';
  if (length === null || length.value > maxLength) return 'no';
  const end = length.next + length.value;
  if (end + 2 > buf.length) return buf.length - length.next >= maxLength ? 'no' : 'more';
  if (buf[end] !== CR || buf[end + 1] !== LF) return 'no';
  return { start: length.next, end, next: end + 2 };
}

/**
 * A command in RESP starts at `buf[0]`: `*count`, then the name as the first bulk string.
 * `name` receives its bounds when the answer is `yes`.
 */
export function commandStart(buf: Buffer, name?: { start: number; end: number; count: number; next: number }): StartVerdict {
  if (buf.length === 0) return 'more';
  if (buf[0] !== RespType.ARRAY) return 'no';
  const count = decimalLine(buf, 1, false);
  if (count === 'more') return 'more';
  if (count === null || count.value < 1 || count.value > COUNT_LIMIT) return 'no';
  const first = bulkAt(buf, count.next, NAME_LIMIT);
  if (typeof first === 'string') return first;
  if (!isName(buf, first.start, first.end)) return 'no';
  if (name !== undefined) {
    name.start = first.start;
    name.end = first.end;
    name.count = count.value;
    name.next = first.next;
  }
  return 'yes';
}

/** RESP2's null bulk string. */
const NULL_BULK = '$-1\r\n';

/** The pushes of RESP2 pub/sub (arrays) and of RESP3 (`>`), by their first element (Redis "Pub/Sub"). */
export const MESSAGE_KINDS: ReadonlySet<string> = new Set(['message', 'pmessage', 'smessage']);
export const CONFIRMATION_KINDS: ReadonlySet<string> = new Set(['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe']);

/**
 * Who sent an array that starts at `buf[0]` (its name already checked by commandStart): a
 * command, or a RESP2 pub/sub push (`message`, `pmessage`, `smessage`, which are no commands) or
 * confirmation (`subscribe`, … are also the commands' names: the confirmation's third value is
 * the subscription count, an integer, where a command has a bulk string).
 */
export function arraySender(buf: Buffer, name: { start: number; end: number; count: number; next: number }): 'client' | 'server' | 'more' | 'no' {
  const kind = buf.toString('latin1', name.start, name.end).toLowerCase();
  if (MESSAGE_KINDS.has(kind)) return name.count === 3 || name.count === 4 ? 'server' : 'client';
  if (!CONFIRMATION_KINDS.has(kind) || name.count !== 3) return 'client';
  // The channel: a bulk string, or RESP2's null bulk (an unsubscribe from nothing).
  let at = name.next;
  const rest = buf.toString('latin1', at, at + NULL_BULK.length);
  if (NULL_BULK.startsWith(rest)) {
    if (rest.length < NULL_BULK.length) return 'more';
    at += NULL_BULK.length;
  } else {
    const channel = bulkAt(buf, at, Number.MAX_SAFE_INTEGER);
    if (typeof channel === 'string') return channel;
    at = channel.next;
  }
  if (at >= buf.length) return 'more';
  if (buf[at] === RespType.INTEGER) return 'server';
  return buf[at] === RespType.BULK_STRING ? 'client' : 'no';
}

/** A RESP3 push starts at `buf[0]`: `>count`, then its kind as a bulk string that is a name. */
export function pushStart(buf: Buffer): StartVerdict {
  if (buf.length === 0) return 'more';
  if (buf[0] !== RespType.PUSH) return 'no';
  const count = decimalLine(buf, 1, false);
  if (count === 'more') return 'more';
  if (count === null || count.value < 1 || count.value > COUNT_LIMIT) return 'no';
  const kind = bulkAt(buf, count.next, NAME_LIMIT);
  if (typeof kind === 'string') return kind;
  return isName(buf, kind.start, kind.end) ? 'yes' : 'no';
}

/**
 * A reply's header line starts at `buf[0]`: a type byte and a line that type allows (resp.ts),
 * at most REPLY_LINE_LIMIT long. Used only to find where replies resume after a loss.
 */
export function replyStart(buf: Buffer): StartVerdict {
  if (buf.length === 0) return 'more';
  const t = buf[0]!;
  if (!isLineType(t) && !isBlobType(t) && !isAggregateType(t)) return 'no';
  const lf = buf.indexOf(LF, 1);
  if (lf < 0) return buf.length > REPLY_LINE_LIMIT ? 'no' : 'more';
  if (lf > REPLY_LINE_LIMIT || buf[lf - 1] !== CR) return 'no';
  return headerLineProblem(t, buf, 1, lf - 1) === null ? 'yes' : 'no';
}

/** Integers: an optional minus and 1 to 19 digits (a signed 64-bit integer fits 19). */
function isInteger(buf: Buffer, from: number, to: number): boolean {
  if (buf[from] === 0x2d || buf[from] === 0x2b) from++;
  if (to <= from || to - from > 19) return false;
  for (let i = from; i < to; i++) if (buf[i]! < 0x30 || buf[i]! > 0x39) return false;
  return true;
}

/** A RESP3 double: a decimal with an optional fraction and exponent, or inf, -inf, nan. */
function isDouble(buf: Buffer, from: number, to: number): boolean {
  const text = buf.toString('latin1', from, to);
  return /^[-+]?(?:inf|nan|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)$/.test(text);
}

/** The octets of a simple string or error: no CR or LF (they end the line). */
function isLineText(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] === CR || buf[i] === LF) return false;
  return true;
}

/**
 * Why the line `buf[from, to)` after type byte `t` (CRLF excluded) is not one that type allows,
 * or null when it is. Lengths and counts are -1 (RESP2's nulls, for bulk strings and arrays
 * only) or 0 to 2^31 - 1.
 */
export function headerLineProblem(t: number, buf: Buffer, from: number, to: number): string | null {
  switch (t) {
    case RespType.SIMPLE_STRING:
    case RespType.SIMPLE_ERROR:
      return isLineText(buf, from, to) ? null : 'a line break inside a simple string';
    case RespType.INTEGER:
    case RespType.BIG_NUMBER:
      return (t === RespType.INTEGER ? isInteger(buf, from, to) : /^[-+]?\d+$/.test(buf.toString('latin1', from, to))) ? null : 'not an integer';
    case RespType.NULL:
      return to === from ? null : 'a null with a value';
    case RespType.BOOLEAN:
      return to === from + 1 && (buf[from] === 0x74 || buf[from] === 0x66) ? null : 'a boolean that is neither t nor f';
    case RespType.DOUBLE:
      return isDouble(buf, from, to) ? null : 'not a double';
    default: {
      if (!isBlobType(t) && !isAggregateType(t)) return 'not a RESP type';
      if (to - from === 2 && buf[from] === 0x2d && buf[from + 1] === 0x31) {
        return t === RespType.BULK_STRING || t === RespType.ARRAY ? null : 'a null of a type that has none';
      }
      if (to === from || to - from > 10) return 'not a length';
      let n = 0;
      for (let i = from; i < to; i++) {
        const c = buf[i]!;
        if (c < 0x30 || c > 0x39) return buf[from] === 0x3f ? 'a streamed value (not sent by Redis)' : 'not a length';
        n = n * 10 + (c - 0x30);
      }
      return n > 0x7fffffff ? 'a length over 2^31 - 1' : null;
    }
  }
}
