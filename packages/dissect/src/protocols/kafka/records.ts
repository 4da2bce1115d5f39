/**
 * The RECORDS field of Produce requests and Fetch responses, summarised: how many batches and
 * records, the offsets, the compression, and the first keys. Kafka protocol guide, "Record
 * Batch" (message format v2, magic 2):
 *
 *   RecordBatch => baseOffset:int64 batchLength:int32 partitionLeaderEpoch:int32 magic:int8
 *                  crc:uint32 attributes:int16 lastOffsetDelta:int32 baseTimestamp:int64
 *                  maxTimestamp:int64 producerId:int64 producerEpoch:int16 baseSequence:int32
 *                  recordsCount:int32 records
 *   attributes: bits 0–2 compression (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd), bit 4
 *               transactional, bit 5 control batch
 *   Record => length:varint attributes:int8 timestampDelta:varlong offsetDelta:varint
 *             keyLength:varint key valueLength:varint value headersCount:varint [headers]
 *
 * With compression, `records` (everything after recordsCount) is compressed as a whole; gzip is
 * inflated (bounded) to read the keys, the other codecs are counted from the batch header only.
 * The older message sets (magic 0 and 1, "Message Sets") are counted message by message:
 *
 *   Message => offset:int64 messageSize:int32 crc:int32 magic:int8 attributes:int8
 *              [timestamp:int64 (magic 1)] key:bytes value:bytes
 *
 * Both put the magic byte at offset 16. A Fetch response may end inside its last batch (the
 * broker stops at the byte limit, "Fetch API"): that batch is counted as `partial`, not an error.
 */

import { isText, withoutPartialUtf8Tail } from '../../utf8.js';
import { decodeContent } from '../http1/decode.js';
import { Cursor, KafkaDecodeError } from './cursor.js';

export interface RecordsSummary {
  /** Bytes of the field. */
  size: number;
  batches: number;
  /** Records in the batches (each batch header's count; messages for magic 0 and 1). */
  count: number;
  magic: number;
  compression: string;
  baseOffset?: number | string;
  /** The offset of the last record of the last whole batch. */
  lastOffset?: number | string;
  /** Keys of the first records (text, else hex), full detail only; null keys are skipped. */
  keys?: string[];
  /** The field ends inside a batch: the broker's byte limit, or bytes this entry did not keep. */
  partial?: true;
  transactional?: true;
  control?: true;
  /** Why records of a compressed batch were not read (a codec without a decoder here, or corrupt data). */
  decodeError?: string;
}

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const BATCH_HEADER = 61;
/** Keys a summary shows, and characters of each. */
const KEYS_SHOWN = 10;
const KEY_CHARS = 100;

export interface RecordsOptions {
  /** Read keys (detail `full`). */
  keys: boolean;
  /** Output bound when inflating a compressed batch. */
  budget: number;
}

/** `data` is the whole field, or its prefix when `cut` (the message was not kept whole). */
export function summariseRecords(data: Buffer, cut: boolean, options: RecordsOptions): RecordsSummary {
  const out: RecordsSummary = { size: data.length, batches: 0, count: 0, magic: data.length > 16 ? data[16]! : -1, compression: 'none' };
  if (options.keys) out.keys = [];
  let pos = 0;
  while (pos < data.length) {
    if (pos + 17 > data.length) {
      out.partial = true;
      break;
    }
    const length = data.readInt32BE(pos + 8);
    const end = pos + 12 + length;
    const magic = data[pos + 16]!;
    if (length < 0 || magic > 2) {
      out.decodeError = `a batch with magic ${magic} and length ${length}`;
      break;
    }
    if (end > data.length) {
      out.partial = true;
      break;
    }
    if (magic === 2) batch(data, pos, end, out, options);
    else legacyMessage(data, pos, end, magic, out, options);
    pos = end;
  }
  if (cut) out.partial = true;
  if (out.keys !== undefined && out.keys.length === 0) delete out.keys;
  return out;
}

function batch(data: Buffer, pos: number, end: number, out: RecordsSummary, options: RecordsOptions): void {
  if (end - pos < BATCH_HEADER) {
    out.decodeError = 'a batch shorter than its header';
    return;
  }
  const attributes = data.readInt16BE(pos + 21);
  const codec = attributes & 0x07;
  const count = data.readInt32BE(pos + 57);
  const c = new Cursor(data, pos, end);
  const baseOffset = c.int64();
  if (out.batches === 0) {
    out.baseOffset = baseOffset;
    out.compression = CODECS[codec] ?? `codec${codec}`;
  }
  out.batches++;
  out.count += Math.max(0, count);
  const lastDelta = data.readInt32BE(pos + 23);
  out.lastOffset = typeof baseOffset === 'number' ? baseOffset + lastDelta : baseOffset;
  if ((attributes & 0x10) !== 0) out.transactional = true;
  if ((attributes & 0x20) !== 0) out.control = true;
  if (out.keys === undefined || out.keys.length >= KEYS_SHOWN) return;
  let records = data.subarray(pos + BATCH_HEADER, end);
  if (codec !== 0) {
    if (codec !== 1) {
      out.decodeError ??= `${CODECS[codec] ?? `codec ${codec}`} records are counted, not decoded`;
      return;
    }
    const inflated = decodeContent(records, ['gzip'], options.budget, false);
    if (inflated.error !== undefined) {
      out.decodeError ??= inflated.error;
      return;
    }
    records = inflated.data;
  }
  readKeys(records, count, out.keys);
}

/** The keys of the first records, until KEYS_SHOWN are known or the records end. */
function readKeys(records: Buffer, count: number, keys: string[]): void {
  const c = new Cursor(records, 0, records.length);
  try {
    for (let i = 0; i < count && keys.length < KEYS_SHOWN && c.left > 0; i++) {
      const length = c.varint();
      const next = c.pos + length;
      c.skip(1);
      c.varlong();
      c.varint();
      const keyLength = c.varint();
      if (keyLength >= 0) {
        c.need(keyLength);
        keys.push(keyText(records.subarray(c.pos, c.pos + keyLength)));
      }
      if (next > records.length) return;
      c.pos = next;
    }
  } catch (e) {
    if (!(e instanceof KafkaDecodeError)) throw e;
  }
}

function legacyMessage(data: Buffer, pos: number, end: number, magic: number, out: RecordsSummary, options: RecordsOptions): void {
  const c = new Cursor(data, pos, end);
  const offset = c.int64();
  if (out.batches === 0) out.baseOffset = offset;
  out.lastOffset = offset;
  out.batches++;
  out.count++;
  try {
    c.skip(4 + 4 + 1);
    const attributes = c.int8();
    if (out.batches === 1) out.compression = CODECS[attributes & 0x07] ?? `codec${attributes & 0x07}`;
    if (magic === 1) c.skip(8);
    const key = c.bytes(false);
    if (key !== null && out.keys !== undefined && out.keys.length < KEYS_SHOWN && options.keys) out.keys.push(keyText(key));
  } catch (e) {
    if (!(e instanceof KafkaDecodeError)) throw e;
    out.decodeError ??= 'a message shorter than its header';
  }
}

function keyText(key: Buffer): string {
  const shown = key.length > KEY_CHARS ? withoutPartialUtf8Tail(key.subarray(0, KEY_CHARS)) : key;
  const text = isText(shown) ? shown.toString('utf8') : shown.toString('hex');
  return shown.length < key.length ? `${text}...` : text;
}
