import { crc32 } from 'node:zlib';

/**
 * One record of a store segment: [u32 LE length of kind+payload][u32 LE CRC-32 of kind+payload]
 * [u8 kind][payload]. The CRC makes a torn write (the process killed mid-record) or a damaged
 * tail detectable, so recovery keeps every whole record and cuts the rest.
 */
export const RECORD_HEADER_BYTES = 9;

export const RecordKind = {
  /** An Entry as UTF-8 JSON. */
  ENTRY: 1,
  /** One raw packet of a stream (see encodePacket). */
  PACKET: 2,
} as const;
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

/** Largest record accepted when reading back; anything larger is damage, not data. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/*
 * Records are written in place into a segment's write buffer (no per-record allocation or
 * copy): a writer puts the payload at `start + RECORD_HEADER_BYTES` and returns where it ends;
 * sealRecord then fills in the header.
 */

/** Fills in the header of the record at `start` whose payload ends at `end`; returns `end`. */
function sealRecord(buf: Buffer, start: number, end: number, kind: RecordKind): number {
  buf.writeUInt32LE(end - start - 8, start);
  buf[start + 8] = kind;
  buf.writeUInt32LE(crc32(buf.subarray(start + 8, end)), start + 4);
  return end;
}

/** Bytes an entry record of `json` can take at most (UTF-8: 3 bytes per UTF-16 unit). */
export const entryRecordMaxBytes = (json: string): number => RECORD_HEADER_BYTES + 3 * json.length;

/** Writes an entry record (its JSON as UTF-8) at `start`; returns where it ends. */
export function writeEntryRecord(buf: Buffer, start: number, json: string): number {
  const p = start + RECORD_HEADER_BYTES;
  return sealRecord(buf, start, p + buf.write(json, p, 'utf8'), RecordKind.ENTRY);
}

/** Fixed bytes of a packet payload besides the stream name and the packet. */
const PACKET_FIXED_BYTES = 2 + 14;

/** Bytes a packet record can take at most. */
export const packetRecordMaxBytes = (stream: string, length: number): number =>
  RECORD_HEADER_BYTES + PACKET_FIXED_BYTES + 3 * stream.length + length;

export interface DecodedRecord {
  kind: number;
  payloadOffset: number;
  payloadLength: number;
  /** Offset just past the record. */
  end: number;
}

/**
 * Reads the record at `offset` of `buf`; null if what is there is not a whole, intact record
 * (the end of the written data, or a torn or damaged one).
 */
export function decodeRecord(buf: Buffer, offset: number): DecodedRecord | null {
  if (offset + RECORD_HEADER_BYTES > buf.length) return null;
  const length = buf.readUInt32LE(offset);
  if (length < 1 || length > MAX_RECORD_BYTES || offset + 8 + length > buf.length) return null;
  const body = buf.subarray(offset + 8, offset + 8 + length);
  if (crc32(body) !== buf.readUInt32LE(offset + 4)) return null;
  return { kind: body[0]!, payloadOffset: offset + RECORD_HEADER_BYTES, payloadLength: length - 1, end: offset + 8 + length };
}

export interface PacketRecord {
  stream: string;
  linkType: number;
  timestampMs: number;
  wireLength: number;
  data: Buffer;
}

/**
 * Writes a packet record at `start`; returns where it ends. Payload: [u16 stream length]
 * [stream UTF-8][u16 link type][f64 timestamp ms][u32 wire length][bytes].
 */
export function writePacketRecord(
  buf: Buffer,
  start: number,
  stream: string,
  linkType: number,
  timestampMs: number,
  data: Buffer,
  offset: number,
  length: number,
  wireLength: number,
): number {
  const q = start + RECORD_HEADER_BYTES;
  const n = buf.write(stream, q + 2, 'utf8');
  buf.writeUInt16LE(n, q);
  const p = q + 2 + n;
  buf.writeUInt16LE(linkType, p);
  buf.writeDoubleLE(timestampMs, p + 2);
  buf.writeUInt32LE(wireLength, p + 10);
  data.copy(buf, p + 14, offset, offset + length);
  return sealRecord(buf, start, p + 14 + length, RecordKind.PACKET);
}

export function decodePacket(payload: Buffer): PacketRecord {
  const n = payload.readUInt16LE(0);
  const stream = payload.toString('utf8', 2, 2 + n);
  const p = 2 + n;
  return {
    stream,
    linkType: payload.readUInt16LE(p),
    timestampMs: payload.readDoubleLE(p + 2),
    wireLength: payload.readUInt32LE(p + 10),
    data: payload.subarray(p + 14),
  };
}

/** The link type of a packet payload, without decoding the rest. */
export function packetLinkType(payload: Buffer): number {
  return payload.readUInt16LE(2 + payload.readUInt16LE(0));
}

/** The stream name of a packet payload, without decoding the rest. */
export function packetStream(payload: Buffer): string {
  return payload.toString('utf8', 2, 2 + payload.readUInt16LE(0));
}
