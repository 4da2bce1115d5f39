import * as fs from 'node:fs';
import { join } from 'node:path';
import { decodeRecord, packetLinkType, packetStream, RecordKind } from './record-codec.js';

/** Where a record's payload lies inside its segment. */
export interface RecordRef {
  segment: Segment;
  offset: number;
  length: number;
}

/** A packet record's place, with its link type: a PCAP export picks one before reading any. */
export interface PacketRef extends RecordRef {
  linkType: number;
}

/**
 * One append-only file of the store. Appends are buffered and written with one write(2) per
 * flush; a record's bytes are never rewritten, so a reader only needs the flushed length.
 */
export class Segment {
  /** Entry ids stored here, so eviction can drop them from the index. */
  readonly ids: string[] = [];
  /** Payload refs of packet records, by stream. */
  readonly packets = new Map<string, PacketRef[]>();
  /** Range of the entries' timestamps, so time-bounded reads skip whole segments. */
  minTimestamp = Infinity;
  maxTimestamp = -Infinity;
  /** Set once evicted: a reader holding this segment must stop reading it. */
  removed = false;
  private readonly fd: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private flushed: number;

  private constructor(readonly number: number, readonly path: string, fd: number, size: number) {
    this.fd = fd;
    this.flushed = size;
  }

  static fileName(n: number): string {
    return `${String(n).padStart(10, '0')}.seg`;
  }

  static create(dir: string, n: number): Segment {
    const path = join(dir, Segment.fileName(n));
    return new Segment(n, path, fs.openSync(path, 'a+'), 0);
  }

  /**
   * Opens an existing segment and indexes its records. A tail that is not a whole intact record
   * (a write torn by kill -9, or damage) is cut off; `onEntry` hears of every entry kept.
   */
  static recover(dir: string, n: number, onEntry: (ref: RecordRef, payload: Buffer) => void): { segment: Segment; cutBytes: number } {
    const path = join(dir, Segment.fileName(n));
    const data = fs.readFileSync(path);
    let offset = 0;
    const fd = fs.openSync(path, 'a+');
    const segment = new Segment(n, path, fd, 0);
    for (;;) {
      const rec = decodeRecord(data, offset);
      if (rec === null) break;
      const ref: RecordRef = { segment, offset: rec.payloadOffset, length: rec.payloadLength };
      const payload = data.subarray(rec.payloadOffset, rec.payloadOffset + rec.payloadLength);
      if (rec.kind === RecordKind.ENTRY) onEntry(ref, payload);
      else if (rec.kind === RecordKind.PACKET) segment.indexPacket(packetStream(payload), { ...ref, linkType: packetLinkType(payload) });
      offset = rec.end;
    }
    const cutBytes = data.length - offset;
    if (cutBytes > 0) fs.ftruncateSync(fd, offset);
    segment.flushed = offset;
    return { segment, cutBytes };
  }

  get size(): number {
    return this.flushed + this.pendingBytes;
  }

  /** Appends an encoded record; returns the offset of its payload. */
  append(record: Buffer, payloadOffsetInRecord: number): number {
    const at = this.size + payloadOffsetInRecord;
    this.pending.push(record);
    this.pendingBytes += record.length;
    return at;
  }

  noteTimestamp(ms: number): void {
    if (ms < this.minTimestamp) this.minTimestamp = ms;
    if (ms > this.maxTimestamp) this.maxTimestamp = ms;
  }

  indexPacket(stream: string, ref: PacketRef): void {
    const list = this.packets.get(stream);
    if (list === undefined) this.packets.set(stream, [ref]);
    else list.push(ref);
  }

  flush(): void {
    if (this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    let written = 0;
    while (written < data.length) written += fs.writeSync(this.fd, data, written);
    this.flushed += data.length;
    this.pending = [];
    this.pendingBytes = 0;
  }

  read(offset: number, length: number): Buffer {
    if (offset + length > this.flushed) this.flush();
    const out = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = fs.readSync(this.fd, out, got, length - got, offset + got);
      if (n === 0) throw new Error(`store segment ${this.path} is shorter than its index`);
      got += n;
    }
    return out;
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }

  remove(): void {
    this.removed = true;
    this.pending = [];
    this.pendingBytes = 0;
    fs.closeSync(this.fd);
    fs.rmSync(this.path, { force: true });
  }
}
