import * as fs from 'node:fs';
import { join } from 'node:path';
import { decodeRecord, packetLinkType, packetStream, RecordKind } from './record-codec.js';

/** Where a record's payload lies inside its segment. */
export interface RecordRef {
  segment: Segment;
  offset: number;
  length: number;
}

/**
 * The packet records of one stream in one segment: payload offsets and lengths (two numbers a
 * packet, not an object: the index of a store full of small packets must stay small), and how
 * many have each link type (a PCAP export picks one before reading any).
 */
export interface StreamPackets {
  offsets: number[];
  lengths: number[];
  linkTypes: Map<number, number>;
}

/** Bytes buffered before a write(2); also flushed every ~100 ms by the worker. */
const WRITE_BUFFER_BYTES = 1 << 20;

/**
 * One append-only file of the store. Records are written in place into one reused buffer
 * (reserve, write, commit) that goes to the file with one write(2) per flush; a record's bytes
 * are never rewritten, so a reader only needs the flushed length.
 */
export class Segment {
  /** Entry ids stored here, in store order, so eviction can drop them from the index. */
  readonly ids: string[] = [];
  /** Each entry's timestamp, beside its id: a walk by time (newestFirst) reads no record it skips. */
  readonly timestamps: number[] = [];
  /** Packet records by stream. */
  readonly packets = new Map<string, StreamPackets>();
  /** Range of the entries' timestamps, so time-bounded reads skip whole segments. */
  minTimestamp = Infinity;
  maxTimestamp = -Infinity;
  /** Set once evicted: a reader holding this segment must stop reading it. */
  removed = false;
  private readonly fd: number;
  /** Records not yet written: buffer[0, used). Allocated on the first append. */
  private buffer: Buffer | null = null;
  private used = 0;
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
      else if (rec.kind === RecordKind.PACKET) {
        segment.indexPacket(packetStream(payload), rec.payloadOffset, rec.payloadLength, packetLinkType(payload));
      }
      offset = rec.end;
    }
    const cutBytes = data.length - offset;
    if (cutBytes > 0) fs.ftruncateSync(fd, offset);
    segment.flushed = offset;
    return { segment, cutBytes };
  }

  get size(): number {
    return this.flushed + this.used;
  }

  /**
   * Room for a record of at most `bytes`: returns the buffer to write it into from `writeAt`,
   * then commit(end). A record larger than the buffer gets a buffer of its own size.
   */
  reserve(bytes: number): Buffer {
    if (this.buffer === null || this.used + bytes > this.buffer.length) {
      this.flush();
      if (this.buffer === null || bytes > this.buffer.length) this.buffer = Buffer.allocUnsafeSlow(Math.max(WRITE_BUFFER_BYTES, bytes));
    }
    return this.buffer;
  }

  get writeAt(): number {
    return this.used;
  }

  /** The record reserved at writeAt ends at `end`; returns the record's offset in the file. */
  commit(end: number): number {
    const at = this.flushed + this.used;
    this.used = end;
    return at;
  }

  /** An entry stored here (or found here at recovery). */
  addEntry(id: string, timestampMs: number): void {
    this.ids.push(id);
    this.timestamps.push(timestampMs);
    if (timestampMs < this.minTimestamp) this.minTimestamp = timestampMs;
    if (timestampMs > this.maxTimestamp) this.maxTimestamp = timestampMs;
  }

  /** An entry stored again elsewhere under the same id: the later copy is the one indexed. */
  dropEntry(id: string): void {
    const i = this.ids.indexOf(id);
    if (i < 0) return;
    this.ids.splice(i, 1);
    this.timestamps.splice(i, 1);
  }

  indexPacket(stream: string, offset: number, length: number, linkType: number): void {
    let list = this.packets.get(stream);
    if (list === undefined) {
      list = { offsets: [], lengths: [], linkTypes: new Map() };
      this.packets.set(stream, list);
    }
    list.offsets.push(offset);
    list.lengths.push(length);
    list.linkTypes.set(linkType, (list.linkTypes.get(linkType) ?? 0) + 1);
  }

  /** No more appends (the store moved on to a new segment): write what is left, drop the buffer. */
  seal(): void {
    this.flush();
    this.buffer = null;
  }

  flush(): void {
    if (this.used === 0 || this.buffer === null) return;
    let written = 0;
    while (written < this.used) written += fs.writeSync(this.fd, this.buffer, written, this.used - written);
    this.flushed += this.used;
    this.used = 0;
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
    this.buffer = null;
    this.used = 0;
    fs.closeSync(this.fd);
    fs.rmSync(this.path, { force: true });
  }
}
