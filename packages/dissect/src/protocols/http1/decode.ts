/**
 * Undoing content codings (RFC 9110 §8.4.1) for display: gzip / x-gzip, deflate (zlib-wrapped
 * as the RFC says, or raw as some servers send), br. Synchronous zlib with an output bound, so a
 * small compressed body cannot expand without limit ("zip bomb").
 */

import type { BrotliOptions, ZlibOptions } from 'node:zlib';
import { zlibModule } from '../../lazy-builtins.js';

export interface Decoded {
  data: Buffer;
  /** The output reached the bound: `data` is only a prefix of the decoded content. */
  capped: boolean;
  /** Why the body could not be decoded (then `data` is the input, untouched). */
  error?: string;
}

type Inflate = (buf: Buffer, options: ZlibOptions & BrotliOptions) => Buffer;

/**
 * Output allowed while decoding for a body cap of `cap`: room to learn the full decoded size of
 * ordinary bodies (the caller cuts the result at `cap`), bounded so a bomb stops early.
 */
export function decodeBudget(cap: number): number {
  return Math.min(Math.max(cap * 4, 1 << 20), 64 << 20);
}

/**
 * Decode `raw`, to which `codings` were applied in order (so they are undone last first).
 * `partial`: `raw` is only the start of the encoded content (cut by the body cap, a gap, or the
 * stream ending): decode what it holds instead of failing on the missing end. At most
 * `budget` bytes are produced; beyond that the result is a prefix and `capped` is set.
 */
export function decodeContent(raw: Buffer, codings: readonly string[], budget: number, partial: boolean): Decoded {
  let data = raw;
  let capped = false;
  let isPartial = partial;
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i]!;
    if (coding === 'identity') continue;
    const fn = inflaterFor(coding, data);
    if (fn === null) return { data: raw, capped: false, error: `unsupported content-coding: ${coding}` };
    const r = bounded(fn, coding === 'br', data, budget, isPartial);
    if (r.error !== undefined) return { data: raw, capped: false, error: `${coding}: ${r.error}` };
    data = r.data;
    if (r.capped) {
      capped = true;
      isPartial = true;
    }
  }
  return { data, capped };
}

function inflaterFor(coding: string, data: Buffer): Inflate | null {
  const zlib = zlibModule();
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync;
    case 'br':
      return zlib.brotliDecompressSync;
    case 'deflate':
      // RFC 9110 §8.4.1.2 says zlib format (RFC 1950); a zlib header is CM=8 and a multiple
      // of 31 as a 16-bit number. Anything else is taken as raw deflate (RFC 1951).
      return data.length >= 2 && (data[0]! & 0x0f) === 8 && (data[0]! * 256 + data[1]!) % 31 === 0
        ? zlib.inflateSync
        : zlib.inflateRawSync;
    default:
      return null;
  }
}

function isTooLarge(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE';
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function run(fn: Inflate, isBrotli: boolean, input: Buffer, cap: number, partial: boolean): Buffer {
  const zlib = zlibModule();
  const finishFlush = isBrotli
    ? partial
      ? zlib.constants.BROTLI_OPERATION_FLUSH
      : zlib.constants.BROTLI_OPERATION_FINISH
    : partial
      ? zlib.constants.Z_SYNC_FLUSH
      : zlib.constants.Z_FINISH;
  return fn(input, { finishFlush, maxOutputLength: cap });
}

function bounded(fn: Inflate, isBrotli: boolean, input: Buffer, cap: number, partial: boolean): Decoded {
  try {
    return { data: run(fn, isBrotli, input, cap, partial), capped: false };
  } catch (err) {
    if (!isTooLarge(err)) return { data: input, capped: false, error: message(err) };
  }
  // The whole decodes to more than `cap`. zlib's sync API cannot return a prefix of its output,
  // so find (by bisection on the input) the longest input prefix whose output fits.
  let lo = 0;
  let hi = input.length;
  let best: Buffer = Buffer.alloc(0);
  for (let round = 0; round < 16 && hi - lo > 1; round++) {
    const mid = (lo + hi) >>> 1;
    try {
      best = run(fn, isBrotli, input.subarray(0, mid), cap, true);
      lo = mid;
    } catch (err) {
      if (!isTooLarge(err)) break;
      hi = mid;
    }
  }
  return { data: best, capped: true };
}
