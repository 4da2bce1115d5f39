/**
 * A bounded BSON reader (bsonspec.org, "Specification Version 1.1"): a document to JSON in the
 * form of MongoDB Extended JSON v2, relaxed (ObjectId as `{ $oid }`, dates as `{ $date }`,
 * binary as `{ $binary: { base64, subType } }`, int64 as a number when exact, else
 * `{ $numberLong }`), for showing, never for trusting:
 *
 *   document ::= int32 e_list "\x00"
 *   e_list   ::= element e_list | ""
 *   element  ::= type:byte e_name:cstring value (by type: double 0x01, string 0x02, document
 *                0x03, array 0x04, binary 0x05, undefined 0x06, ObjectId 0x07, bool 0x08,
 *                UTC datetime 0x09, null 0x0A, regex 0x0B, DBPointer 0x0C, JavaScript 0x0D,
 *                symbol 0x0E, code with scope 0x0F, int32 0x10, timestamp 0x11, int64 0x12,
 *                decimal128 0x13, min key 0xFF, max key 0x7F)
 *
 * Every length is checked against the bytes before it is used, nesting is limited to MAX_DEPTH,
 * a document shows at most MAX_KEYS elements (`$omitted` counts the rest), strings and binary at
 * most MAX_CHARS, and a whole reading at most `budget` elements: beyond, values read `{ $cut:
 * true }`. A document that breaks the grammar throws BsonError (the caller says where).
 */

export class BsonError extends Error {}

const MAX_DEPTH = 32;
const MAX_KEYS = 100;
const MAX_CHARS = 1024;

export interface BsonBudget {
  /** Elements still to be shown in this reading. */
  elements: number;
}

/** The length of the document at `at`, when its 4 bytes are there and it can be one; else -1. */
export function documentLength(buf: Buffer, at: number, end: number): number {
  if (at + 4 > end) return -1;
  const n = buf.readInt32LE(at);
  return n >= 5 ? n : -1;
}

/** Reads the document at `at` (its end must be within `end`). */
export function readDocument(buf: Buffer, at: number, end: number, budget: BsonBudget, array = false, depth = 0): unknown {
  const n = documentLength(buf, at, end);
  if (n < 0 || at + n > end) throw new BsonError('a document longer than its bytes');
  const stop = at + n - 1;
  if (buf[stop] !== 0) throw new BsonError('a document without its final NUL');
  if (depth > MAX_DEPTH) return { $cut: true };
  const out: Record<string, unknown> = {};
  const items: unknown[] = [];
  let shown = 0;
  let omitted = 0;
  let pos = at + 4;
  while (pos < stop) {
    const type = buf[pos]!;
    const nameEnd = buf.indexOf(0, pos + 1);
    if (nameEnd < 0 || nameEnd >= stop) throw new BsonError('an element name without its NUL');
    const name = buf.toString('utf8', pos + 1, nameEnd);
    const show = shown < MAX_KEYS && budget.elements > 0;
    const [value, next] = readValue(buf, type, nameEnd + 1, stop, budget, depth, show);
    if (next > stop) throw new BsonError('an element longer than its document');
    if (show) {
      budget.elements--;
      shown++;
      if (array) items.push(value);
      else out[name] = value;
    } else omitted++;
    pos = next;
  }
  if (omitted > 0) {
    if (array) items.push({ $omitted: omitted });
    else out['$omitted'] = omitted;
  }
  return array ? items : out;
}

function text(buf: Buffer, from: number, to: number): string {
  const s = buf.toString('utf8', from, Math.min(to, from + MAX_CHARS * 4));
  return s.length > MAX_CHARS ? `${s.slice(0, MAX_CHARS)}...` : s;
}

/** A string value: int32 length (with its NUL), the bytes, NUL. Returns [text, end]. */
function bsonString(buf: Buffer, at: number, end: number): [string, number] {
  if (at + 4 > end) throw new BsonError('a string without its length');
  const n = buf.readInt32LE(at);
  if (n < 1 || at + 4 + n > end || buf[at + 3 + n] !== 0) throw new BsonError('a string longer than its bytes');
  return [text(buf, at + 4, at + 3 + n), at + 4 + n];
}

function cstring(buf: Buffer, at: number, end: number): [string, number] {
  const z = buf.indexOf(0, at);
  if (z < 0 || z >= end) throw new BsonError('a cstring without its NUL');
  return [text(buf, at, z), z + 1];
}

function fixed(at: number, n: number, end: number): number {
  if (at + n > end) throw new BsonError('a value longer than its document');
  return at + n;
}

function int64(buf: Buffer, at: number): number | { $numberLong: string } {
  const v = buf.readBigInt64LE(at);
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : { $numberLong: v.toString() };
}

/** One value of `type` at `at`; returns it (or null when not shown) and where the next element starts. */
function readValue(buf: Buffer, type: number, at: number, end: number, budget: BsonBudget, depth: number, show: boolean): [unknown, number] {
  switch (type) {
    case 0x01: {
      const next = fixed(at, 8, end);
      return [show ? buf.readDoubleLE(at) : null, next];
    }
    case 0x02:
    case 0x0d:
    case 0x0e: {
      const [s, next] = bsonString(buf, at, end);
      return [type === 0x02 ? s : type === 0x0d ? { $code: s } : { $symbol: s }, next];
    }
    case 0x03:
    case 0x04: {
      const n = documentLength(buf, at, end);
      if (n < 0 || at + n > end) throw new BsonError('a document longer than its bytes');
      return [show ? readDocument(buf, at, at + n, budget, type === 0x04, depth + 1) : null, at + n];
    }
    case 0x05: {
      if (at + 5 > end) throw new BsonError('binary without its length');
      const n = buf.readInt32LE(at);
      const next = fixed(at + 5, n, end);
      if (n < 0) throw new BsonError('binary with a negative length');
      const shown = buf.subarray(at + 5, at + 5 + Math.min(n, MAX_CHARS));
      return [show ? { $binary: { base64: shown.toString('base64'), subType: buf[at + 4]!.toString(16).padStart(2, '0') }, ...(n > MAX_CHARS ? { $size: n } : {}) } : null, next];
    }
    case 0x06:
      return [{ $undefined: true }, at];
    case 0x07: {
      const next = fixed(at, 12, end);
      return [show ? { $oid: buf.toString('hex', at, next) } : null, next];
    }
    case 0x08: {
      const next = fixed(at, 1, end);
      return [buf[at] !== 0, next];
    }
    case 0x09: {
      const next = fixed(at, 8, end);
      if (!show) return [null, next];
      const ms = Number(buf.readBigInt64LE(at));
      const date = new Date(ms);
      return [Number.isFinite(date.getTime()) ? { $date: date.toISOString() } : { $date: { $numberLong: String(ms) } }, next];
    }
    case 0x0a:
      return [null, at];
    case 0x0b: {
      const [pattern, mid] = cstring(buf, at, end);
      const [options, next] = cstring(buf, mid, end);
      return [{ $regularExpression: { pattern, options } }, next];
    }
    case 0x0c: {
      const [ref, mid] = bsonString(buf, at, end);
      const next = fixed(mid, 12, end);
      return [{ $dbPointer: { $ref: ref, $id: { $oid: buf.toString('hex', mid, next) } } }, next];
    }
    case 0x0f: {
      if (at + 4 > end) throw new BsonError('code with scope without its length');
      const n = buf.readInt32LE(at);
      const next = fixed(at, n, end);
      if (n < 14) throw new BsonError('code with scope shorter than its parts');
      const [code, scopeAt] = bsonString(buf, at + 4, next);
      return [show ? { $code: code, $scope: readDocument(buf, scopeAt, next, budget, false, depth + 1) } : null, next];
    }
    case 0x10: {
      const next = fixed(at, 4, end);
      return [buf.readInt32LE(at), next];
    }
    case 0x11: {
      const next = fixed(at, 8, end);
      return [{ $timestamp: { t: buf.readUInt32LE(at + 4), i: buf.readUInt32LE(at) } }, next];
    }
    case 0x12: {
      const next = fixed(at, 8, end);
      return [show ? int64(buf, at) : null, next];
    }
    case 0x13: {
      const next = fixed(at, 16, end);
      // The IEEE 754-2008 decimal's 128 bits, little-endian, as hex: shown, not converted.
      return [{ $numberDecimalBytes: buf.toString('hex', at, next) }, next];
    }
    case 0xff:
      return [{ $minKey: 1 }, at];
    case 0x7f:
      return [{ $maxKey: 1 }, at];
    default:
      throw new BsonError(`an element of unknown type 0x${type.toString(16)}`);
  }
}
