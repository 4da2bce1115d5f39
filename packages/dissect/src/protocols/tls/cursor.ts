/**
 * A bounds-checked reader over one buffer, shared by the hello grammar (hello.ts) and the DER
 * reader (x509.ts). Every read checks the end first and throws CursorEnd past it; the callers
 * catch that one error at their top and report what they had (they never let it escape the
 * dissector).
 */

export class CursorEnd extends Error {
  constructor() {
    super('read past the end');
  }
}

export class Cursor {
  constructor(
    private readonly buf: Buffer,
    public pos = 0,
    public readonly end = buf.length,
  ) {}

  get left(): number {
    return this.end - this.pos;
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u24(): number {
    this.need(3);
    const v = this.buf.readUIntBE(this.pos, 3);
    this.pos += 3;
    return v;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A sub-cursor over the next `n` bytes, which this one skips. */
  sub(n: number): Cursor {
    this.need(n);
    const c = new Cursor(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return c;
  }

  /** A vector with a length prefix of `size` bytes (RFC 8446 §3.4). */
  vector(size: 1 | 2 | 3): Cursor {
    const n = size === 1 ? this.u8() : size === 2 ? this.u16() : this.u24();
    return this.sub(n);
  }

  /** The 16-bit values of a vector's body. */
  u16s(): number[] {
    const out: number[] = [];
    while (this.left >= 2) out.push(this.u16());
    return out;
  }

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.end) throw new CursorEnd();
  }
}
