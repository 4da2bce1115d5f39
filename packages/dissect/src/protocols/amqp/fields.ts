/**
 * AMQP 0-9-1 data types (amqp0-9-1.pdf §4.2.5, "Field Types"; the errata's table of field-value
 * types as RabbitMQ and most clients use them):
 *
 *   octet short(16) long(32) longlong(64)      unsigned, network order          §4.2.5.1
 *   bit                                        packed, eight to an octet        §4.2.5.2
 *   shortstr = length:8 octets                 longstr = length:32 octets       §4.2.5.3
 *   timestamp = longlong seconds                                                §4.2.5.4
 *   table     = length:32 *(shortstr field-value)                               §4.2.5.5
 *   field-value = 't' boolean | 'b' int8 | 'B' uint8 | 's' int16 | 'u' uint16 | 'I' int32
 *               | 'i' uint32 | 'l' int64 | 'f' float | 'd' double | 'D' decimal (scale:8 int32)
 *               | 'S' longstr | 'x' bytes | 'A' array (length:32 *field-value) | 'T' timestamp
 *               | 'F' table | 'V' void
 *
 * A cursor over one frame's payload: reads never throw, past the end they mark it `short`;
 * tables are read to a bounded depth and size (a table deeper than TABLE_DEPTH or of more than
 * TABLE_ENTRIES entries is skipped by its length and shown as such).
 */

const TABLE_DEPTH = 8;
const TABLE_ENTRIES = 256;
/** Characters of a string value a table keeps. */
const STRING_SHOWN = 1024;

export type FieldValue = string | number | boolean | null | FieldValue[] | { [name: string]: FieldValue };

export class Cursor {
  pos = 0;
  short = false;
  /** Bits are packed: the octet being read and how many of its bits were used. */
  private bits = 0;
  private bitIndex = 8;

  constructor(readonly buf: Buffer) {}

  get left(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number): boolean {
    this.bitIndex = 8;
    if (this.pos + n <= this.buf.length) return true;
    this.short = true;
    this.pos = this.buf.length;
    return false;
  }

  octet(): number {
    return this.need(1) ? this.buf[this.pos++]! : 0;
  }

  short16(): number {
    if (!this.need(2)) return 0;
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  long(): number {
    if (!this.need(4)) return 0;
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** A 64-bit number (delivery tags, body sizes): exact up to 2^53. */
  longlong(): number {
    if (!this.need(8)) return 0;
    const v = Number(this.buf.readBigUInt64BE(this.pos));
    this.pos += 8;
    return v;
  }

  /** The next bit of the current packed octet (§4.2.5.2), a new octet after other types. */
  bit(): boolean {
    if (this.bitIndex === 8) {
      if (this.pos + 1 > this.buf.length) {
        this.short = true;
        return false;
      }
      this.bits = this.buf[this.pos++]!;
      this.bitIndex = 0;
    }
    return ((this.bits >> this.bitIndex++) & 1) === 1;
  }

  shortstr(): string {
    const n = this.octet();
    return this.bytes(n).toString('utf8');
  }

  /** A longstr's octets (binary-safe), as far as they are here. */
  longstr(): Buffer {
    return this.bytes(this.long());
  }

  bytes(n: number): Buffer {
    this.bitIndex = 8;
    const end = Math.min(this.pos + n, this.buf.length);
    if (this.pos + n > this.buf.length) this.short = true;
    const out = this.buf.subarray(this.pos, end);
    this.pos = end;
    return out;
  }

  /** A field table (§4.2.5.5) as an object; bounded (see above). */
  table(depth = 0): { [name: string]: FieldValue } {
    const size = this.long();
    const end = Math.min(this.pos + size, this.buf.length);
    if (this.pos + size > this.buf.length) this.short = true;
    const out: { [name: string]: FieldValue } = Object.create(null) as { [name: string]: FieldValue };
    if (depth >= TABLE_DEPTH) {
      this.pos = end;
      return out;
    }
    let entries = 0;
    while (this.pos < end && !this.short) {
      if (++entries > TABLE_ENTRIES) {
        this.pos = end;
        break;
      }
      const name = this.shortstr();
      out[name] = this.value(depth);
    }
    this.pos = end;
    return out;
  }

  private value(depth: number): FieldValue {
    const type = this.octet();
    switch (String.fromCharCode(type)) {
      case 't':
        return this.octet() !== 0;
      case 'b':
        return this.need(1) ? this.buf.readInt8(this.pos++) : 0;
      case 'B':
        return this.octet();
      case 's': {
        if (!this.need(2)) return 0;
        const v = this.buf.readInt16BE(this.pos);
        this.pos += 2;
        return v;
      }
      case 'u':
        return this.short16();
      case 'I': {
        if (!this.need(4)) return 0;
        const v = this.buf.readInt32BE(this.pos);
        this.pos += 4;
        return v;
      }
      case 'i':
        return this.long();
      case 'l':
      case 'T': {
        if (!this.need(8)) return 0;
        const v = Number(this.buf.readBigInt64BE(this.pos));
        this.pos += 8;
        return v;
      }
      case 'f': {
        if (!this.need(4)) return 0;
        const v = this.buf.readFloatBE(this.pos);
        this.pos += 4;
        return v;
      }
      case 'd': {
        if (!this.need(8)) return 0;
        const v = this.buf.readDoubleBE(this.pos);
        this.pos += 8;
        return v;
      }
      case 'D': {
        const scale = this.octet();
        if (!this.need(4)) return 0;
        const v = this.buf.readInt32BE(this.pos);
        this.pos += 4;
        return v / 10 ** scale;
      }
      case 'S':
        return this.longstr().toString('utf8').slice(0, STRING_SHOWN);
      case 'x':
        return this.longstr().toString('hex').slice(0, STRING_SHOWN);
      case 'A': {
        const size = this.long();
        const end = Math.min(this.pos + size, this.buf.length);
        const out: FieldValue[] = [];
        while (this.pos < end && !this.short && out.length < TABLE_ENTRIES) out.push(this.value(depth + 1));
        this.pos = end;
        return out;
      }
      case 'F':
        return this.table(depth + 1);
      case 'V':
        return null;
      default:
        // An unknown type: its length is unknown, so nothing after it can be read.
        this.short = true;
        this.pos = this.buf.length;
        return null;
    }
  }
}
