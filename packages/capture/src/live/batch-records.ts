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

import type { PacketSink } from '../packet-sink.js';

export const RECORD_HEADER_BYTES = 24;

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
    const capturedLength = words[w]!;
    const start = offset + RECORD_HEADER_BYTES;
    if (start + capturedLength > length) break;
    sink.onPacket(
      words[w + 5]!,
      words[w + 2]! * 1000 + words[w + 3]! / 1e6,
      data,
      start,
      capturedLength,
      words[w + 1]!,
    );
    count++;
    offset = start + ((capturedLength + 7) & ~7);
  }
  return count;
}
