/**
 * Splits a classic pcap byte stream (draft-ietf-opsawg-pcap §4-5) into records, as it arrives:
 *
 *   File Header (24 bytes) => magic(4) version_major(2) version_minor(2) reserved1(4)
 *                             reserved2(4) snaplen(4) linktype(4)
 *   Packet Record          => ts_seconds(4) ts_fraction(4) captured_length(4)
 *                             original_length(4) data(captured_length)
 *
 * The magic gives the byte order and whether the fraction counts micro- or nanoseconds. Chunk
 * boundaries never matter: `take` returns nothing until a whole record is buffered.
 */

export const FILE_HEADER_BYTES = 24;
export const RECORD_HEADER_BYTES = 16;
const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;
/** A record longer than this is a corrupt stream, not a packet (libpcap's own ceiling). */
const MAX_RECORD_BYTES = 256 * 1024;

export interface PcapRecord {
  /** Capture time, epoch microseconds (what the merged file stores). */
  tsUs: number;
  data: Buffer;
  originalLength: number;
}

export class PcapRecordSplitter {
  private buf: Buffer = Buffer.alloc(0);
  private le = true;
  private perSecond = 1e6;
  linkType: number | undefined;
  snapLength = 262_144;

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
  }

  /** The next whole record, or undefined when more bytes are needed. Throws on a corrupt stream. */
  take(): PcapRecord | undefined {
    if (this.linkType === undefined) {
      if (this.buf.length < FILE_HEADER_BYTES) return undefined;
      const magicLe = this.buf.readUInt32LE(0);
      const magicBe = this.buf.readUInt32BE(0);
      if (magicLe === MAGIC_US || magicLe === MAGIC_NS) this.le = true;
      else if (magicBe === MAGIC_US || magicBe === MAGIC_NS) this.le = false;
      else throw new Error(`not a pcap stream (magic 0x${magicBe.toString(16)})`);
      this.perSecond = (this.le ? magicLe : magicBe) === MAGIC_NS ? 1e9 : 1e6;
      this.snapLength = this.u32(16);
      this.linkType = this.u32(20) & 0xffff;
      this.buf = this.buf.subarray(FILE_HEADER_BYTES);
    }
    if (this.buf.length < RECORD_HEADER_BYTES) return undefined;
    const captured = this.u32(8);
    if (captured > MAX_RECORD_BYTES) throw new Error(`a pcap record of ${captured} bytes: the stream is corrupt`);
    if (this.buf.length < RECORD_HEADER_BYTES + captured) return undefined;
    const seconds = this.u32(0);
    const fraction = this.u32(4);
    const record: PcapRecord = {
      tsUs: seconds * 1e6 + Math.floor((fraction * 1e6) / this.perSecond),
      data: this.buf.subarray(RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + captured),
      originalLength: this.u32(12),
    };
    this.buf = this.buf.subarray(RECORD_HEADER_BYTES + captured);
    return record;
  }

  /** Bytes received and not yet returned as a record (a cut stream leaves some). */
  get pending(): number {
    return this.buf.length;
  }

  private u32(at: number): number {
    return this.le ? this.buf.readUInt32LE(at) : this.buf.readUInt32BE(at);
  }
}

/** The merged file's header: microsecond timestamps, little-endian. */
export function fileHeader(linkType: number, snapLength: number): Buffer {
  const b = Buffer.alloc(FILE_HEADER_BYTES);
  b.writeUInt32LE(MAGIC_US, 0);
  b.writeUInt16LE(2, 4);
  b.writeUInt16LE(4, 6);
  b.writeUInt32LE(snapLength, 16);
  b.writeUInt32LE(linkType, 20);
  return b;
}

export function recordHeader(record: PcapRecord): Buffer {
  const b = Buffer.alloc(RECORD_HEADER_BYTES);
  b.writeUInt32LE(Math.floor(record.tsUs / 1e6), 0);
  b.writeUInt32LE(record.tsUs % 1e6, 4);
  b.writeUInt32LE(record.data.length, 8);
  b.writeUInt32LE(record.originalLength, 12);
  return b;
}
