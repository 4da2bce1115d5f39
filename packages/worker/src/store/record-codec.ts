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

export function encodeRecord(kind: RecordKind, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  out.writeUInt32LE(1 + payload.length, 0);
  out[8] = kind;
  payload.copy(out, RECORD_HEADER_BYTES);
  out.writeUInt32LE(crc32(out.subarray(8)), 4);
  return out;
}

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

/** [u16 stream length][stream UTF-8][u16 link type][f64 timestamp ms][u32 wire length][bytes] */
export function encodePacket(stream: string, linkType: number, timestampMs: number, data: Buffer, offset: number, length: number, wireLength: number): Buffer {
  const name = Buffer.from(stream, 'utf8');
  const out = Buffer.allocUnsafe(2 + name.length + 14 + length);
  out.writeUInt16LE(name.length, 0);
  name.copy(out, 2);
  const p = 2 + name.length;
  out.writeUInt16LE(linkType, p);
  out.writeDoubleLE(timestampMs, p + 2);
  out.writeUInt32LE(wireLength, p + 10);
  data.copy(out, p + 14, offset, offset + length);
  return out;
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
