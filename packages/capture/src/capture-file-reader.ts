/**
 * Streaming reader for pcap and pcapng files.
 *
 * The file is never loaded whole: it is read chunk by chunk (ChunkedFile) and each chunk's
 * complete records go to a PacketSink as windows into the chunk. readChunk() does a
 * bounded amount of work (one chunk) so a caller can report progress or wait for output
 * to drain between calls.
 *
 * Failure policy: a file we cannot open, or that is not a capture at all, throws a
 * ShoalError (CAP_ERR_OPEN, CAP_ERR_NOT_A_CAPTURE). Damage inside a capture does not throw:
 * every packet before it is delivered, then a warning (CAP_ERR_TRUNCATED, CAP_ERR_CORRUPT)
 * is recorded and reading stops.
 */

import fs from 'node:fs';
import { ShoalError } from '@shoal/model';
import type { PacketSink } from '@shoal/model';
import type { CaptureInterface, CaptureWarning, RecordParser } from './capture-types.js';
import { type CaptureFormat, describeNonCapture, detectFormat } from './capture-format.js';
import { ChunkedFile } from './chunked-file.js';
import { PcapParser, PCAP_FILE_HEADER_BYTES } from './pcap-parser.js';
import { PcapngParser } from './pcapng-parser.js';
import { sectionByteOrder } from './pcapng-blocks.js';

export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

export interface CaptureFileReaderOptions {
  /** Bytes read per readChunk() call (a record larger than this still fits). Default 1 MiB. */
  chunkBytes?: number;
}

/** Errors by code say what went wrong without Node's repetition of the path. */
const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
  EIO: 'input/output error',
};

function errorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && code in ERRNO_TEXT) return ERRNO_TEXT[code]!;
  return err instanceof Error ? err.message : String(err);
}

export class CaptureFileReader {
  readonly path: string;
  readonly format: CaptureFormat;
  /** Size in bytes at open (0 for pipes and devices, whose size is unknown). */
  readonly fileSize: number;
  /** Problems that ended reading early; packets before them were all delivered. */
  readonly warnings: CaptureWarning[] = [];

  private fd: number | null;
  private readonly file: ChunkedFile;
  private readonly parser: RecordParser;
  /** Parse position in file.buf. */
  private pos = 0;
  /** open() already read the first chunk; the first readChunk() only parses it. */
  private primed = true;
  private done = false;

  private constructor(path: string, fd: number, fileSize: number, file: ChunkedFile, format: CaptureFormat) {
    this.path = path;
    this.fd = fd;
    this.fileSize = fileSize;
    this.file = file;
    this.format = format;
    this.parser = format === 'pcap' ? new PcapParser() : new PcapngParser();
  }

  /**
   * Opens a capture file and identifies its format from the magic number.
   * @throws ShoalError CAP_ERR_OPEN when the file cannot be opened or read,
   *   CAP_ERR_NOT_A_CAPTURE when it is empty or neither pcap nor pcapng.
   */
  static open(path: string, opts: CaptureFileReaderOptions = {}): CaptureFileReader {
    const chunkBytes = opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (!Number.isInteger(chunkBytes) || chunkBytes < 1) {
      throw new RangeError(`chunkBytes must be a positive integer, got ${chunkBytes}`);
    }
    let fd: number;
    try {
      fd = fs.openSync(path, 'r');
    } catch (err) {
      throw new ShoalError('CAP_ERR_OPEN', `cannot open capture file ${path}: ${errorText(err)}`, { cause: err });
    }
    try {
      const stat = fs.fstatSync(fd);
      if (stat.isDirectory()) {
        throw new ShoalError('CAP_ERR_OPEN', `cannot open capture file ${path}: it is a directory`);
      }
      const knownSize = stat.isFile() ? stat.size : null;
      const file = new ChunkedFile(fd, chunkBytes, knownSize);
      CaptureFileReader.readOrThrow(path, () => file.advance(0, PCAP_FILE_HEADER_BYTES));
      const format = CaptureFileReader.identify(path, file);
      return new CaptureFileReader(path, fd, knownSize ?? 0, file, format);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
  }

  private static identify(path: string, file: ChunkedFile): CaptureFormat {
    const head = file.buf.subarray(0, file.length);
    if (head.length === 0) {
      throw new ShoalError('CAP_ERR_NOT_A_CAPTURE', `${path} is not a pcap or pcapng capture file: it is empty`);
    }
    const detected = detectFormat(head);
    // A pcapng file is only recognised with a valid byte-order magic too: the SHB block
    // type is 0x0A0D0D0A ("\r\n\n\r"), which plain text could start with by chance.
    const badPcapng =
      detected?.format === 'pcapng' && head.length >= 12 && sectionByteOrder(file.view, 0) === null;
    if (detected === null || badPcapng) {
      throw new ShoalError(
        'CAP_ERR_NOT_A_CAPTURE',
        `${path} is not a pcap or pcapng capture file: ${describeNonCapture(head)}`,
      );
    }
    return detected.format;
  }

  private static readOrThrow(path: string, read: () => void): void {
    try {
      read();
    } catch (err) {
      throw new ShoalError('CAP_ERR_OPEN', `cannot read capture file ${path}: ${errorText(err)}`, { cause: err });
    }
  }

  /** File offset up to which records have been delivered (for progress: / fileSize). */
  get bytesConsumed(): number {
    return this.file.start + this.pos;
  }

  get packetsRead(): number {
    return this.parser.packets;
  }

  /** Interfaces of the current section (pcap: exactly one, once the header is parsed). */
  get interfaces(): readonly CaptureInterface[] {
    return this.parser.interfaces;
  }

  /** True once the end of the file, or damage in it, has been reached. */
  get finished(): boolean {
    return this.done;
  }

  /**
   * Reads and parses at most one chunk (or one record, if a record is larger), delivering
   * its packets to the sink. Returns false once there is nothing more to read.
   * If the sink throws, the reader closes and the error propagates.
   */
  readChunk(sink: PacketSink): boolean {
    if (this.done) return false;
    const file = this.file;
    if (this.primed) {
      this.primed = false;
    } else {
      CaptureFileReader.readOrThrow(this.path, () => file.advance(this.pos, this.parser.need));
      this.pos = 0;
    }

    try {
      this.pos = this.parser.parse(file.buf, file.view, this.pos, file.length, sink);
    } catch (err) {
      this.close();
      throw err;
    }

    if (this.parser.problem !== null) {
      this.stop('CAP_ERR_CORRUPT', `${this.parser.problem}; stopped there`);
      return false;
    }
    // Bytes left to parse: what this chunk still holds plus what the file has not given yet.
    const remaining = file.length - this.pos + file.unread;
    if (remaining === 0) {
      this.close();
      return false;
    }
    if (remaining < this.parser.need) {
      this.stop(
        'CAP_ERR_TRUNCATED',
        `file ends in the middle of a record (${remaining} of ${this.parser.need} bytes present)`,
      );
      return false;
    }
    return true;
  }

  /** Reads to the end. Prefer a readChunk() loop when the caller needs to stay responsive. */
  readAll(sink: PacketSink): void {
    while (this.readChunk(sink)) {
      // each call delivers one chunk
    }
  }

  /** Releases the file descriptor. Safe to call more than once; reading then stops. */
  close(): void {
    this.done = true;
    if (this.fd !== null) {
      const fd = this.fd;
      this.fd = null;
      fs.closeSync(fd);
    }
  }

  private stop(code: CaptureWarning['code'], what: string): void {
    const offset = this.bytesConsumed;
    const kept = this.parser.packets;
    this.warnings.push({
      code,
      offset,
      message: `${this.path}: ${what} at byte ${offset}; the ${kept} ${kept === 1 ? 'packet before it was' : 'packets before it were'} read`,
    });
    this.close();
  }
}
