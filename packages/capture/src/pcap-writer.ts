/**
 * Writes classic pcap files (draft-ietf-opsawg-pcap §4-5; tcpdump pcap-savefile(5)):
 * a 24-byte file header (magic, version 2.4, two zero reserved words, SnapLen, LinkType),
 * then per packet a 16-byte record header (seconds, micro- or nanoseconds, captured length,
 * original length) and the captured bytes.
 *
 * Records are staged in a buffer and handed to the output in large pieces, so writing
 * millions of packets costs a few thousand write calls, not millions.
 *
 * The writer is also a PacketSink, so `reader.readAll(writer)` rewrites a capture.
 */

import fs from 'node:fs';
import { ShoalError } from '@shoal/model';
import type { PacketSink } from '@shoal/model';
import { MAX_CAPTURED_LENGTH, PCAP_MAGIC_NS, PCAP_MAGIC_US } from './capture-format.js';

export interface PcapWriterOptions {
  /** LINKTYPE_* value for every packet in the file (see LinkType). */
  linkType: number;
  /** Longest captured length stored; longer packets are cut. Default 262144 (libpcap's maximum). */
  snapLength?: number;
  /** Timestamp fraction unit, chosen by the magic number. Default 'us'. */
  resolution?: 'us' | 'ns';
  /** Byte order of every header field. Default 'le'. */
  byteOrder?: 'le' | 'be';
  /** Size of the staging buffer. Default 1 MiB. */
  bufferBytes?: number;
}

type Output =
  | { kind: 'fd'; fd: number; owned: boolean }
  | { kind: 'chunks'; onChunk: (chunk: Buffer) => void }
  | { kind: 'memory'; chunks: Buffer[] };

const FILE_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;
const DEFAULT_BUFFER_BYTES = 1024 * 1024;

export class PcapWriter implements PacketSink {
  readonly linkType: number;
  readonly snapLength: number;
  readonly resolution: 'us' | 'ns';
  readonly byteOrder: 'le' | 'be';
  packetsWritten = 0;
  /** Bytes handed to the output or staged, header included. */
  bytesWritten = 0;

  private readonly output: Output;
  private readonly le: boolean;
  private readonly perSecond: number;
  private readonly bufferBytes: number;
  private buf: Buffer;
  private view: DataView;
  private used = 0;
  private closed = false;

  private constructor(output: Output, opts: PcapWriterOptions) {
    const { linkType, snapLength = MAX_CAPTURED_LENGTH, resolution = 'us', byteOrder = 'le' } = opts;
    if (!Number.isInteger(linkType) || linkType < 0 || linkType > 0xffff) {
      throw new RangeError(`linkType must be an integer in 0..65535, got ${linkType}`);
    }
    if (!Number.isInteger(snapLength) || snapLength < 1 || snapLength > 0xffffffff) {
      throw new RangeError(`snapLength must be a positive 32-bit integer, got ${snapLength}`);
    }
    this.output = output;
    this.linkType = linkType;
    this.snapLength = snapLength;
    this.resolution = resolution;
    this.byteOrder = byteOrder;
    this.le = byteOrder === 'le';
    this.perSecond = resolution === 'ns' ? 1e9 : 1e6;
    this.bufferBytes = Math.max(opts.bufferBytes ?? DEFAULT_BUFFER_BYTES, FILE_HEADER_BYTES + RECORD_HEADER_BYTES);
    this.buf = Buffer.allocUnsafeSlow(this.bufferBytes);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
    this.writeFileHeader();
  }

  /** Creates (or truncates) `path` and writes to it; close() closes the file. */
  static toFile(path: string, opts: PcapWriterOptions): PcapWriter {
    let fd: number;
    try {
      fd = fs.openSync(path, 'w');
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new ShoalError('CAP_ERR_OPEN', `cannot create capture file ${path}: ${why}`, { cause: err });
    }
    return new PcapWriter({ kind: 'fd', fd, owned: true }, opts);
  }

  /**
   * Writes to an open, blocking file descriptor, which close() leaves open. For a
   * non-blocking pipe such as a piped stdout use toChunks() and handle backpressure there.
   */
  static toFd(fd: number, opts: PcapWriterOptions): PcapWriter {
    return new PcapWriter({ kind: 'fd', fd, owned: false }, opts);
  }

  /** Hands each finished piece of the file to `onChunk`; the piece is never reused. */
  static toChunks(onChunk: (chunk: Buffer) => void, opts: PcapWriterOptions): PcapWriter {
    return new PcapWriter({ kind: 'chunks', onChunk }, opts);
  }

  /** Collects the file in memory; get it with toBuffer(). */
  static inMemory(opts: PcapWriterOptions): PcapWriter {
    return new PcapWriter({ kind: 'memory', chunks: [] }, opts);
  }

  /** Appends one packet. `originalLength` defaults to data.length (nothing was cut). */
  writePacket(timestampMs: number, data: Buffer, originalLength: number = data.length): void {
    this.writeRecord(timestampMs, data, 0, data.length, originalLength);
  }

  /** PacketSink: writes the packet, which must have this writer's link type. */
  onPacket(linkType: number, timestampMs: number, data: Buffer, offset: number, capturedLength: number, originalLength: number): void {
    if (linkType !== this.linkType) {
      throw new RangeError(`a pcap file holds one link type: writer has ${this.linkType}, packet has ${linkType}`);
    }
    this.writeRecord(timestampMs, data, offset, capturedLength, originalLength);
  }

  /** Appends data[offset, offset + length) as one packet, cut to the snap length. */
  writeRecord(timestampMs: number, data: Buffer, offset: number, length: number, originalLength: number): void {
    if (this.closed) throw new Error('PcapWriter is closed');
    // Split fractional milliseconds into whole seconds and a rounded fraction. Rounding
    // can reach a full second, which must carry. Microseconds survive a read/write round
    // trip exactly; nanoseconds only to the ~0.25 us that a double in ms can hold today.
    let seconds = Math.floor(timestampMs / 1000);
    let fraction = Math.round((timestampMs - seconds * 1000) * (this.perSecond / 1000));
    if (fraction >= this.perSecond) {
      seconds += 1;
      fraction -= this.perSecond;
    } else if (fraction < 0) {
      seconds -= 1;
      fraction += this.perSecond;
    }
    if (!(seconds >= 0 && seconds <= 0xffffffff)) {
      throw new RangeError(`timestamp ${timestampMs} ms is outside what pcap can store (1970 to 2106)`);
    }
    if (!Number.isInteger(originalLength) || originalLength < 0 || originalLength > 0xffffffff) {
      throw new RangeError(`originalLength must be a 32-bit unsigned integer, got ${originalLength}`);
    }
    if (!(offset >= 0 && length >= 0 && offset + length <= data.length)) {
      throw new RangeError(`bytes ${offset}..${offset + length} are outside a ${data.length}-byte buffer`);
    }
    const captured = Math.min(length, this.snapLength);
    const total = RECORD_HEADER_BYTES + captured;
    if (this.used + total > this.buf.length) this.flush();

    let target = this.buf;
    let view = this.view;
    let at = this.used;
    if (total > this.buf.length) {
      // Bigger than the staging buffer: give this record its own buffer.
      target = Buffer.allocUnsafeSlow(total);
      view = new DataView(target.buffer, target.byteOffset, total);
      at = 0;
    }
    const le = this.le;
    view.setUint32(at, seconds, le);
    view.setUint32(at + 4, fraction, le);
    view.setUint32(at + 8, captured, le);
    // An original length below the captured length is never true; record at least what we have.
    view.setUint32(at + 12, Math.max(originalLength, captured), le);
    data.copy(target, at + RECORD_HEADER_BYTES, offset, offset + captured);

    if (target === this.buf) this.used += total;
    else this.emit(target);
    this.packetsWritten++;
    this.bytesWritten += total;
  }

  /** Hands everything staged so far to the output. */
  flush(): void {
    if (this.used === 0) return;
    const out = this.output;
    if (out.kind === 'fd') {
      // The fd consumer is done with the bytes when writeSync returns, so reuse the buffer.
      writeFully(out.fd, this.buf, this.used);
    } else {
      this.emit(this.buf.subarray(0, this.used));
      this.buf = Buffer.allocUnsafeSlow(this.bufferBytes);
      this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
    }
    this.used = 0;
  }

  /** Flushes, and closes the file if the writer opened it. Further writes throw. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.output.kind === 'fd' && this.output.owned) fs.closeSync(this.output.fd);
  }

  /** The whole file so far (inMemory() writers only). */
  toBuffer(): Buffer {
    if (this.output.kind !== 'memory') throw new Error('toBuffer() is only for PcapWriter.inMemory()');
    if (!this.closed) this.flush();
    return Buffer.concat(this.output.chunks);
  }

  private emit(chunk: Buffer): void {
    const out = this.output;
    if (out.kind === 'fd') writeFully(out.fd, chunk, chunk.length);
    else if (out.kind === 'chunks') out.onChunk(chunk);
    else out.chunks.push(chunk);
  }

  private writeFileHeader(): void {
    const v = this.view;
    const le = this.le;
    v.setUint32(0, this.resolution === 'ns' ? PCAP_MAGIC_NS : PCAP_MAGIC_US, le);
    v.setUint16(4, 2, le); // version 2.4, the only one in use (pcap-savefile(5))
    v.setUint16(6, 4, le);
    v.setUint32(8, 0, le); // reserved (once thiszone): always 0
    v.setUint32(12, 0, le); // reserved (once sigfigs): always 0
    v.setUint32(16, this.snapLength, le);
    v.setUint32(20, this.linkType, le); // no FCS bits: we never know the FCS length
    this.used = FILE_HEADER_BYTES;
    this.bytesWritten = FILE_HEADER_BYTES;
  }
}

function writeFully(fd: number, buf: Buffer, length: number): void {
  let done = 0;
  while (done < length) done += fs.writeSync(fd, buf, done, length - done);
}
