/**
 * Bytes of one section (head, chunk line, trailers) that spans chunks: kept as views with their
 * capture times, and joined only once the section is complete.
 */

import { boundaryAfter, type BoundaryState } from './sections.js';

export class Span {
  parts: Buffer[] = [];
  times: number[] = [];
  length = 0;
  /** Where the held bytes end relative to a line (sections.ts). */
  boundary: BoundaryState = 0;

  /** Hold `buf[pos..]`; `initial` is the boundary state before the section's first byte. */
  keep(buf: Buffer, pos: number, ts: number, initial: BoundaryState): void {
    const before = this.length > 0 ? this.boundary : initial;
    this.boundary = boundaryAfter(buf, pos, buf.length, before);
    this.parts.push(pos === 0 ? buf : buf.subarray(pos));
    this.times.push(ts);
    this.length += buf.length - pos;
  }

  /** Start from bytes handed over by resync (they hold no LF). */
  adopt(parts: Buffer[], times: number[]): void {
    this.parts = parts;
    this.times = times;
    this.length = 0;
    for (const p of parts) this.length += p.length;
    const last = parts[parts.length - 1];
    this.boundary = last === undefined ? 0 : boundaryAfter(last, 0, last.length, 0);
  }

  clear(): void {
    if (this.length === 0 && this.parts.length === 0) return;
    this.parts = [];
    this.times = [];
    this.length = 0;
  }

  /** Hand the held bytes over (to be scanned again) and forget them. */
  take(): { parts: Buffer[]; times: number[] } {
    const out = { parts: this.parts, times: this.times };
    this.parts = [];
    this.times = [];
    this.length = 0;
    return out;
  }

  /** The held bytes followed by `buf[pos, end)`, as one buffer. */
  joinedWith(buf: Buffer, pos: number, end: number): Buffer {
    return Buffer.concat([...this.parts, buf.subarray(pos, end)]);
  }

  /** The first `max` held bytes as one buffer (no copy when one part suffices). */
  prefix(max: number): Buffer {
    const first = this.parts[0]!;
    if (this.parts.length === 1 || first.length >= max) return first;
    return Buffer.concat(this.parts, Math.min(this.length, max));
  }
}
