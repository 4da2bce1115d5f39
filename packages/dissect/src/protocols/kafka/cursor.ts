/**
 * Reading Kafka's primitive types (Kafka protocol guide, "Protocol Primitive Types") from one
 * message held whole (or its prefix): big-endian integers, zig-zag varints (as in protobuf), the
 * classic strings, bytes and arrays with an INT16 / INT32 length (-1: null) and their compact
 * forms (KIP-482) with an UNSIGNED_VARINT length + 1 (0: null).
 *
 * Every read checks its bounds first; a read past the end throws SHORT, a length that cannot be
 * throws BAD: the body decoder catches both at its boundary and says where it stopped. Both are
 * made once, so a throw costs no stack trace.
 */

export class KafkaDecodeError extends Error {}

/** The bytes ended before the grammar did (a message cut by a gap, a cap, or truncated). */
export const SHORT = new KafkaDecodeError('the message ends inside a field');
/** A length or count that the grammar does not allow. */
export const BAD = new KafkaDecodeError('a length or count out of range');

/** 2^53: int64 values beyond it are written as decimal strings. */
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export class Cursor {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly end: number,
  ) {}

  get left(): number {
    return this.end - this.pos;
  }

  need(n: number): void {
    if (n > this.end - this.pos) throw SHORT;
  }

  int8(): number {
    this.need(1);
    return this.buf.readInt8(this.pos++);
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  uint16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** An int64 as a number when it is safe, else as a decimal string. */
  int64(): number | string {
    this.need(8);
    const hi = this.buf.readInt32BE(this.pos);
    const lo = this.buf.readUInt32BE(this.pos + 4);
    this.pos += 8;
    // |hi| < 2^21 keeps the whole value within 2^53.
    if (hi >= -0x200000 && hi < 0x200000) return hi * 0x100000000 + lo;
    const big = (BigInt(hi) << 32n) | BigInt(lo);
    return big > SAFE || big < -SAFE ? big.toString() : Number(big);
  }

  float64(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  uuid(): string {
    this.need(16);
    const hex = this.buf.toString('hex', this.pos, this.pos + 16);
    this.pos += 16;
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** UNSIGNED_VARINT: at most 5 bytes (a 32-bit value). */
  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      this.need(1);
      const b = this.buf[this.pos++]!;
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
    }
    throw BAD;
  }

  /** VARINT (zig-zag, 32 bits). */
  varint(): number {
    const u = this.uvarint();
    if (u > 0xffffffff) throw BAD;
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** VARLONG (zig-zag, 64 bits), as a number when safe else a decimal string. */
  varlong(): number | string {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      this.need(1);
      const b = this.buf[this.pos++]!;
      value |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        const signed = (value & 1n) === 0n ? value >> 1n : -((value + 1n) >> 1n);
        return signed > SAFE || signed < -SAFE ? signed.toString() : Number(signed);
      }
    }
    throw BAD;
  }

  /** The length of a string, bytes or array: -1 for null. Compact lengths are N + 1. */
  length(compact: boolean, wide: boolean): number {
    if (compact) return this.uvarint() - 1;
    const n = wide ? this.int32() : this.int16();
    if (n < -1) throw BAD;
    return n;
  }

  /** STRING / COMPACT_STRING (UTF-8), null for a null one. */
  string(compact: boolean): string | null {
    const n = this.length(compact, false);
    if (n < 0) return null;
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** BYTES / COMPACT_BYTES: a view of them, null for null ones. */
  bytes(compact: boolean): Buffer | null {
    const n = this.length(compact, true);
    if (n < 0) return null;
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
}
