/**
 * Protocol Buffers decoded without a schema (protobuf "Encoding" guide, the wire format):
 *
 *   message   := (tag value)*
 *   tag       := varint                  field number = tag >> 3 (1 … 2^29-1), wire type = tag & 7
 *   value     := varint                  wire type 0 VARINT  (int32/64, uint, sint, bool, enum)
 *              | 8 bytes little-endian   wire type 1 I64     (fixed64, sfixed64, double)
 *              | varint length, bytes    wire type 2 LEN     (string, bytes, message, packed)
 *              | message until EGROUP    wire type 3 SGROUP  (deprecated groups; 4 EGROUP ends one)
 *              | 4 bytes little-endian   wire type 5 I32     (fixed32, sfixed32, float)
 *   varint    := 1 to 10 bytes, 7 bits each, least significant first, high bit = more follow
 *
 * Without the schema a value has several readings; the tree gives each that the bytes allow: a
 * VARINT as unsigned, I32/I64 as unsigned and as float/double. A LEN payload is shown as text
 * when it is printable UTF-8 (no control character, and not starting with white space), else as
 * a nested message when the whole payload parses as one, else as text when it is UTF-8, else as
 * bytes. Printable text comes before message because short strings often parse as messages too
 * (`hi` is field 13, varint 105), while a real nested message almost always holds a tag or length
 * byte below 0x20; the tag of field 1 of type LEN is a line feed (0x0a), hence the first-character
 * rule.
 *
 * Bounded: nesting depth, and fields per decoded tree (a message of many tiny fields cannot make
 * a tree larger than these allow); past either, the payload is shown as text or bytes instead.
 */

import { isUtf8 } from 'node:buffer';
import type { ProtoFieldJson } from '@shoal/model';

/** Nested messages followed this deep; deeper payloads are shown as text or bytes. */
export const MAX_DEPTH = 32;
/** Fields decoded per message tree (all levels); a tree over it is not shown as fields. */
export const MAX_FIELDS = 4096;

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_SGROUP = 3;
const WIRE_EGROUP = 4;
const WIRE_I32 = 5;


interface Budget {
  fields: number;
}

/** The reading position and the last varint read: the parser allocates nothing per field. */
class Cursor {
  pos: number;
  /** The last varint, exactly when it is at most 2^53 - 1. */
  num = 0;
  /** The last varint when it is larger, as a decimal string; else ''. */
  big = '';

  constructor(
    readonly buf: Buffer,
    from: number,
    readonly end: number,
  ) {
    this.pos = from;
  }

  /** Reads a varint; false when it is cut off or longer than 10 bytes (64 bits). */
  varint(): boolean {
    const buf = this.buf;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const at = this.pos + i;
      if (at >= this.end) return false;
      const b = buf[at]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (i === 9 && b > 1) return false;
        const start = this.pos;
        this.pos = at + 1;
        if (value <= Number.MAX_SAFE_INTEGER) {
          this.num = value;
          this.big = '';
        } else this.big = exactVarint(buf, start).toString();
        return true;
      }
      scale *= 128;
    }
    return false;
  }
}

/** A varint too large for a double's integers, read again exactly. */
function exactVarint(buf: Buffer, from: number): bigint {
  let value = 0n;
  let shift = 0n;
  for (let at = from; ; at++) {
    const b = buf[at]!;
    value |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return value;
    shift += 7n;
  }
}

/**
 * The fields of `buf[from, to)` read as one whole protobuf message; null when the bytes are not
 * one (a bad tag, a value cut off, a length past the end, an unmatched group end), or when the
 * tree would break the bounds.
 */
export function decodeMessage(buf: Buffer, from = 0, to = buf.length): ProtoFieldJson[] | null {
  const cur = new Cursor(buf, from, to);
  const fields = readFields(cur, 0, 0, { fields: MAX_FIELDS });
  return fields !== null && cur.pos === to ? fields : null;
}

/**
 * Fields until the end of the cursor, or until the EGROUP of field `group` (non-zero inside a
 * group), which is consumed.
 */
function readFields(cur: Cursor, depth: number, group: number, budget: Budget): ProtoFieldJson[] | null {
  const out: ProtoFieldJson[] = [];
  while (cur.pos < cur.end) {
    if (!cur.varint() || cur.big !== '') return null;
    const tag = cur.num;
    const number = Math.floor(tag / 8);
    const wire = tag % 8;
    if (number === 0 || number > 0x1fffffff) return null;
    if (wire === WIRE_EGROUP) return number === group ? out : null;
    if (--budget.fields < 0) return null;
    const field = readValue(cur, number, wire, depth, budget);
    if (field === null) return null;
    out.push(field);
  }
  return group === 0 ? out : null;
}

function readValue(cur: Cursor, number: number, wire: number, depth: number, budget: Budget): ProtoFieldJson | null {
  const buf = cur.buf;
  switch (wire) {
    case WIRE_VARINT:
      if (!cur.varint()) return null;
      return { number, wireType: 'varint', value: cur.big !== '' ? cur.big : cur.num };
    case WIRE_I64: {
      if (cur.pos + 8 > cur.end) return null;
      const field: ProtoFieldJson = { number, wireType: 'i64', value: buf.readBigUInt64LE(cur.pos).toString() };
      const double = buf.readDoubleLE(cur.pos);
      if (plausible(double, 1e-9, 1e15)) field.double = double;
      cur.pos += 8;
      return field;
    }
    case WIRE_I32: {
      if (cur.pos + 4 > cur.end) return null;
      const field: ProtoFieldJson = { number, wireType: 'i32', value: buf.readUInt32LE(cur.pos) };
      const float = buf.readFloatLE(cur.pos);
      if (plausible(float, 1e-6, 1e9)) field.float = float;
      cur.pos += 4;
      return field;
    }
    case WIRE_LEN: {
      if (!cur.varint() || cur.big !== '' || cur.num > cur.end - cur.pos) return null;
      const start = cur.pos;
      cur.pos += cur.num;
      return { number, wireType: 'len', length: cur.num, ...payload(buf, start, cur.pos, depth + 1, budget) };
    }
    case WIRE_SGROUP: {
      if (depth + 1 > MAX_DEPTH) return null;
      const fields = readFields(cur, depth + 1, number, budget);
      return fields === null ? null : { number, wireType: 'group', fields };
    }
    default:
      // 6 and 7 are not wire types.
      return null;
  }
}

/** No control character other than tab, line feed and carriage return, and none of those first. */
function printable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7f || (c < 0x20 && (i === 0 || (c !== 0x09 && c !== 0x0a && c !== 0x0d)))) return false;
  }
  return true;
}

/**
 * A float or double reading worth showing: 0, or a magnitude in [min, max). An integer in a
 * fixed32/fixed64 field reads as a tiny denormal (312 as 4.4e-43), noise beside its value.
 */
function plausible(x: number, min: number, max: number): boolean {
  const a = Math.abs(x);
  return a === 0 || (a >= min && a < max);
}

/** A LEN payload in its most likely reading (see the header comment). */
function payload(buf: Buffer, from: number, to: number, depth: number, budget: Budget): Pick<ProtoFieldJson, 'fields' | 'string' | 'bytes'> {
  const bytes = buf.subarray(from, to);
  const utf8 = isUtf8(bytes);
  const text = utf8 ? bytes.toString('utf8') : '';
  if (utf8 && printable(text)) return { string: text };
  if (depth <= MAX_DEPTH) {
    // A nested tree that fails gives its fields back to the budget.
    const before = budget.fields;
    const cur = new Cursor(buf, from, to);
    const fields = readFields(cur, depth, 0, budget);
    if (fields !== null && fields.length > 0) return { fields };
    budget.fields = before;
  }
  return utf8 ? { string: text } : { bytes: bytes.toString('base64') };
}
