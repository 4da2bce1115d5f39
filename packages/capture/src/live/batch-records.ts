/**
 * Walking one batch from the addon: records laid out by native/batch.h, in host byte order,
 * each 8-byte aligned:
 *
 *   u32 captured length | u32 original length | u32 seconds | u32 nanoseconds |
 *   u32 interface index | u32 LINKTYPE_* | bytes | zero padding to 8
 *
 * One Buffer over the whole batch's ArrayBuffer; each packet reaches the sink as a window
 * into it. The ArrayBuffer is new for every batch and never written again, so consumers may
 * keep their windows.
 */

import type { PacketSink } from '@shoal/model';

export const RECORD_HEADER_BYTES = 24;

/** Byte offsets of the header's fields (shoal_record_header in native/batch.h; the capture
 * tests check them against the C compiler's offsetof). */
export const RECORD_FIELD_OFFSETS = {
  capturedLength: 0,
  originalLength: 4,
  seconds: 8,
  nanoseconds: 12,
  interfaceIndex: 16,
  linkType: 20,
} as const;

/** Every record starts at a multiple of this (SHOAL_RECORD_ALIGN). */
export const RECORD_ALIGN_BYTES = 8;

// The walk reads the header as 32-bit words.
const CAPTURED_LENGTH = RECORD_FIELD_OFFSETS.capturedLength >>> 2;
const ORIGINAL_LENGTH = RECORD_FIELD_OFFSETS.originalLength >>> 2;
const SECONDS = RECORD_FIELD_OFFSETS.seconds >>> 2;
const NANOSECONDS = RECORD_FIELD_OFFSETS.nanoseconds >>> 2;
const LINK_TYPE = RECORD_FIELD_OFFSETS.linkType >>> 2;
const ALIGN_MASK = RECORD_ALIGN_BYTES - 1;

/** Delivers every record of `batch` to `sink`; returns how many. Stops at a record that
 * would run past the end (never produced by the addon), or as soon as `until.stopped` is true
 * (a sink that closes its capture gets no further packet). */
export function deliverBatch(batch: ArrayBuffer, sink: PacketSink, until?: { readonly stopped: boolean }): number {
  const length = batch.byteLength;
  const words = new Uint32Array(batch, 0, length >>> 2);
  const data = Buffer.from(batch);
  let offset = 0;
  let count = 0;
  while (offset + RECORD_HEADER_BYTES <= length) {
    if (until?.stopped === true) break;
    const w = offset >>> 2;
    const capturedLength = words[w + CAPTURED_LENGTH]!;
    const start = offset + RECORD_HEADER_BYTES;
    if (start + capturedLength > length) break;
    sink.onPacket(
      words[w + LINK_TYPE]!,
      words[w + SECONDS]! * 1000 + words[w + NANOSECONDS]! / 1e6,
      data,
      start,
      capturedLength,
      words[w + ORIGINAL_LENGTH]!,
    );
    count++;
    offset = start + ((capturedLength + ALIGN_MASK) & ~ALIGN_MASK);
  }
  return count;
}
