import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A small zip archive writer (PKWARE APPNOTE.TXT 6.3.10), enough for `shoal logs`: files added
 * whole, each deflated (method 8, §4.4.5) unless that does not make it smaller (then stored,
 * method 0), names in UTF-8 (general purpose bit 11, §4.4.4 and appendix D), modification times
 * in MS-DOS form (§4.4.6), then the central directory (§4.3.12) and its end record (§4.3.16).
 * No ZIP64: an archive stays under 65,535 files and 4 GiB, and says so when it would not.
 * crc32 is node:zlib's (Node 20.15 and later).
 */
const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
/** 2.0: deflate (§4.4.3.2). */
const VERSION_NEEDED = 20;
/** Made by UNIX (3, §4.4.2.2), spec version 2.0: the external attributes carry the file mode. */
const VERSION_MADE_BY = (3 << 8) | VERSION_NEEDED;
const UTF8_NAMES = 1 << 11;
const STORED = 0;
const DEFLATED = 8;
/** A regular file readable by its owner only (st_mode in the high 16 bits, §4.4.15). */
const FILE_ATTRIBUTES = (0o100600 << 16) >>> 0;
const MAX_ENTRIES = 0xffff;
const MAX_OFFSET = 0xffffffff;

interface Written {
  name: Buffer;
  method: number;
  time: number;
  date: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

/** MS-DOS time and date of `at` (local time, two-second steps, years 1980–2107). */
export function dosDateTime(at: Date): { time: number; date: number } {
  const year = Math.min(Math.max(at.getFullYear(), 1980), 2107);
  return {
    time: (at.getHours() << 11) | (at.getMinutes() << 5) | Math.floor(at.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((at.getMonth() + 1) << 5) | at.getDate(),
  };
}

export class ZipWriter {
  private readonly parts: Buffer[] = [];
  private readonly entries: Written[] = [];
  private offset = 0;

  /** The archive's size so far, before its central directory. */
  get size(): number {
    return this.offset;
  }

  get count(): number {
    return this.entries.length;
  }

  add(name: string, data: Buffer, modified: Date): void {
    if (this.entries.length >= MAX_ENTRIES) throw new Error(`a zip without ZIP64 holds at most ${MAX_ENTRIES} files`);
    const deflated = deflateRawSync(data);
    const method = deflated.length < data.length ? DEFLATED : STORED;
    const body = method === DEFLATED ? deflated : data;
    const { time, date } = dosDateTime(modified);
    const entry: Written = { name: Buffer.from(name, 'utf8'), method, time, date, crc: crc32(data), compressedSize: body.length, size: data.length, offset: this.offset };
    const header = Buffer.alloc(30);
    header.writeUInt32LE(LOCAL_HEADER, 0);
    header.writeUInt16LE(VERSION_NEEDED, 4);
    header.writeUInt16LE(UTF8_NAMES, 6);
    header.writeUInt16LE(method, 8);
    header.writeUInt16LE(time, 10);
    header.writeUInt16LE(date, 12);
    header.writeUInt32LE(entry.crc, 14);
    header.writeUInt32LE(entry.compressedSize, 18);
    header.writeUInt32LE(entry.size, 22);
    header.writeUInt16LE(entry.name.length, 26);
    header.writeUInt16LE(0, 28);
    const next = this.offset + header.length + entry.name.length + body.length;
    if (next > MAX_OFFSET || data.length > MAX_OFFSET) throw new Error('a zip without ZIP64 holds at most 4 GiB');
    this.parts.push(header, entry.name, body);
    this.entries.push(entry);
    this.offset = next;
  }

  /** The whole archive: the files, their central directory, its end record. */
  finish(): Buffer {
    const directory: Buffer[] = [];
    for (const e of this.entries) {
      const header = Buffer.alloc(46);
      header.writeUInt32LE(CENTRAL_HEADER, 0);
      header.writeUInt16LE(VERSION_MADE_BY, 4);
      header.writeUInt16LE(VERSION_NEEDED, 6);
      header.writeUInt16LE(UTF8_NAMES, 8);
      header.writeUInt16LE(e.method, 10);
      header.writeUInt16LE(e.time, 12);
      header.writeUInt16LE(e.date, 14);
      header.writeUInt32LE(e.crc, 16);
      header.writeUInt32LE(e.compressedSize, 20);
      header.writeUInt32LE(e.size, 24);
      header.writeUInt16LE(e.name.length, 28);
      // Extra field, comment, disk number, internal attributes: none (30–37).
      header.writeUInt32LE(FILE_ATTRIBUTES, 38);
      header.writeUInt32LE(e.offset, 42);
      directory.push(header, e.name);
    }
    const directorySize = directory.reduce((n, b) => n + b.length, 0);
    if (this.offset + directorySize > MAX_OFFSET) throw new Error('a zip without ZIP64 holds at most 4 GiB');
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
    // This disk and the directory's disk: 0 (4–7).
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(directorySize, 12);
    end.writeUInt32LE(this.offset, 16);
    // No archive comment (20–21).
    return Buffer.concat([...this.parts, ...directory, end]);
  }
}
