/**
 * Builds pcapng files block by block for tests (draft-ietf-opsawg-pcapng §3-4), including
 * ones no real writer would produce: several sections with different byte orders, obsolete
 * Packet Blocks, unknown block types, broken lengths.
 */

export interface InterfaceOptions {
  /** Raw if_tsresol byte (option 9). */
  tsresol?: number;
  /** if_tsoffset seconds (option 14). */
  tsoffset?: bigint;
  /** Extra option to include first, to check unknown options are skipped. */
  extraOption?: { code: number; value: Buffer };
}

export class PcapngBuilder {
  private readonly parts: Buffer[] = [];
  private le = true;

  /** Starts a section in the given byte order. */
  section(littleEndian = true, major = 1): this {
    this.le = littleEndian;
    const body = Buffer.alloc(16);
    this.u32(body, 0, 0x1a2b3c4d);
    this.u16(body, 4, major);
    this.u16(body, 6, 0);
    // Section Length: -1 ("not specified"), as most writers emit.
    body.fill(0xff, 8, 16);
    return this.block(0x0a0d0d0a, body);
  }

  interface(linkType: number, snapLength = 0, opts: InterfaceOptions = {}): this {
    const fixed = Buffer.alloc(8);
    this.u16(fixed, 0, linkType);
    this.u32(fixed, 4, snapLength);
    const options: Buffer[] = [];
    if (opts.extraOption) options.push(this.option(opts.extraOption.code, opts.extraOption.value));
    if (opts.tsresol !== undefined) options.push(this.option(9, Buffer.from([opts.tsresol])));
    if (opts.tsoffset !== undefined) {
      const v = Buffer.alloc(8);
      if (this.le) v.writeBigInt64LE(opts.tsoffset);
      else v.writeBigInt64BE(opts.tsoffset);
      options.push(this.option(14, v));
    }
    if (options.length > 0) options.push(Buffer.alloc(4)); // opt_endofopt
    return this.block(1, Buffer.concat([fixed, ...options]));
  }

  /** Enhanced Packet Block with a timestamp in the interface's units. */
  enhanced(interfaceId: number, units: bigint, data: Buffer, originalLength = data.length): this {
    const head = Buffer.alloc(20);
    this.u32(head, 0, interfaceId);
    this.u32(head, 4, Number(units >> 32n));
    this.u32(head, 8, Number(units & 0xffffffffn));
    this.u32(head, 12, data.length);
    this.u32(head, 16, originalLength);
    // An epb_flags option after the data, which readers must step over.
    const flags = Buffer.alloc(12);
    this.u16(flags, 0, 2);
    this.u16(flags, 2, 4);
    this.u32(flags, 4, 1);
    return this.block(6, Buffer.concat([head, pad(data), flags]));
  }

  /** Obsolete Packet Block: 16-bit interface id and drops count. */
  packet(interfaceId: number, units: bigint, data: Buffer, originalLength = data.length): this {
    const head = Buffer.alloc(20);
    this.u16(head, 0, interfaceId);
    this.u16(head, 2, 7); // drops count, ignored
    this.u32(head, 4, Number(units >> 32n));
    this.u32(head, 8, Number(units & 0xffffffffn));
    this.u32(head, 12, data.length);
    this.u32(head, 16, originalLength);
    return this.block(2, Buffer.concat([head, pad(data)]));
  }

  /** Simple Packet Block: interface 0, no timestamp, no captured length. */
  simple(data: Buffer, originalLength = data.length): this {
    const head = Buffer.alloc(4);
    this.u32(head, 0, originalLength);
    return this.block(3, Buffer.concat([head, pad(data)]));
  }

  /** Any block with the given body (padded to 4 bytes). */
  block(type: number, body: Buffer): this {
    const padded = pad(body);
    const total = 12 + padded.length;
    const head = Buffer.alloc(8);
    this.u32(head, 0, type);
    this.u32(head, 4, total);
    const tail = Buffer.alloc(4);
    this.u32(tail, 0, total);
    this.parts.push(head, padded, tail);
    return this;
  }

  /** Raw bytes, for deliberately broken files. */
  raw(bytes: Buffer): this {
    this.parts.push(bytes);
    return this;
  }

  build(): Buffer {
    return Buffer.concat(this.parts);
  }

  private option(code: number, value: Buffer): Buffer {
    const head = Buffer.alloc(4);
    this.u16(head, 0, code);
    this.u16(head, 2, value.length);
    return Buffer.concat([head, pad(value)]);
  }

  private u16(b: Buffer, at: number, v: number): void {
    if (this.le) b.writeUInt16LE(v, at);
    else b.writeUInt16BE(v, at);
  }

  private u32(b: Buffer, at: number, v: number): void {
    if (this.le) b.writeUInt32LE(v, at);
    else b.writeUInt32BE(v, at);
  }
}

function pad(b: Buffer): Buffer {
  const rem = b.length % 4;
  return rem === 0 ? b : Buffer.concat([b, Buffer.alloc(4 - rem)]);
}
