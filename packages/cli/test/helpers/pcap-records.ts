/**
 * A minimal classic-pcap record walker, written from the format description
 * (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-03.html) and independent of
 * @shoal/capture: the tests count packets and find record boundaries with it, to check the CLI
 * against something other than its own reader.
 */

export interface PcapRecord {
  /** Offset of the 16-byte record header in the file. */
  offset: number;
  /** Bytes of packet data in the file (incl_len). */
  capturedLength: number;
  /** Length on the wire (orig_len). */
  originalLength: number;
}

const FILE_HEADER = 24;
const RECORD_HEADER = 16;

/** Every record of a complete classic pcap file (either byte order, µs or ns timestamps). */
export function pcapRecords(file: Buffer): PcapRecord[] {
  if (file.length < FILE_HEADER) throw new Error(`only ${file.length} bytes: no pcap file header`);
  const magicLE = file.readUInt32LE(0);
  let little: boolean;
  if (magicLE === 0xa1b2c3d4 || magicLE === 0xa1b23c4d) little = true;
  else if (file.readUInt32BE(0) === 0xa1b2c3d4 || file.readUInt32BE(0) === 0xa1b23c4d) little = false;
  else throw new Error(`not a classic pcap file (magic ${magicLE.toString(16)})`);
  const u32 = (at: number) => (little ? file.readUInt32LE(at) : file.readUInt32BE(at));
  const records: PcapRecord[] = [];
  let at = FILE_HEADER;
  while (at < file.length) {
    if (at + RECORD_HEADER > file.length) throw new Error(`record header cut at ${at}`);
    const capturedLength = u32(at + 8);
    const originalLength = u32(at + 12);
    if (at + RECORD_HEADER + capturedLength > file.length) throw new Error(`record data cut at ${at}`);
    records.push({ offset: at, capturedLength, originalLength });
    at += RECORD_HEADER + capturedLength;
  }
  return records;
}

/** Offset in the middle of a record's packet data: a file cut there ends inside that record. */
export function middleOf(record: PcapRecord): number {
  return record.offset + RECORD_HEADER + Math.floor(record.capturedLength / 2);
}
