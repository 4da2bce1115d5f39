/**
 * Finds the next TLS record boundary in a direction whose framing was lost (a gap across a record
 * header, or a header that breaks the grammar). A record header (RFC 8446 §5.1, RFC 5246 §6.2.1)
 * is five bytes any ciphertext can fake, so an offset is taken only when the record it starts ends
 * on another plausible header (or exactly where the direction ends):
 *
 *   candidate = type:8 (20..23) version:16 (0x0301..0x0304) length:16 (1..2^14+2048)
 *               fragment{length} candidate
 *
 * A random offset passes one header with odds of about 1 in 4 million (4 types, 4 versions, a
 * length up to 18,432 of 65,536), and two with about 1 in 10^13. An offset not decided yet holds the search (and the bytes from it) until the bytes
 * after its record have come, at most 2^14 + 2058 of them, so what is found depends on the bytes
 * only, never on how the network cut them.
 */

import { CONTENT_APPLICATION_DATA, CONTENT_CCS, MAX_RECORD, RECORD_HEADER } from './record-header.js';

const REJECT = 0;
const WAIT = 1;
const FOUND = 2;
type Verdict = typeof REJECT | typeof WAIT | typeof FOUND;

const EMPTY = Buffer.alloc(0);

export class RecordSeeker {
  /** The bytes from the first offset not ruled out yet. */
  private held: Buffer = EMPTY;

  /** @param skip hears the bytes ruled out: no record starts there. */
  constructor(private readonly skip: (bytes: number) => void) {}

  /** The next in-order bytes: returns them from the boundary found on, or null (still searching). */
  scan(chunk: Buffer): Buffer | null {
    const buf = this.held.length === 0 ? chunk : Buffer.concat([this.held, chunk]);
    for (let at = 0; at < buf.length; at++) {
      const verdict = candidate(buf, at, false);
      if (verdict === REJECT) continue;
      this.skip(at);
      this.held = verdict === WAIT ? buf.subarray(at) : EMPTY;
      return verdict === FOUND ? buf.subarray(at) : null;
    }
    this.skip(buf.length);
    this.held = EMPTY;
    return null;
  }

  /**
   * The direction ended: a record that ends exactly where it ended is confirmed by that end.
   * Returns the bytes from the boundary found on, or null when the held bytes are given up.
   */
  end(): Buffer | null {
    const buf = this.held;
    this.held = EMPTY;
    for (let at = 0; at < buf.length; at++) {
      if (candidate(buf, at, true) !== FOUND) continue;
      this.skip(at);
      return buf.subarray(at);
    }
    this.skip(buf.length);
    return null;
  }

  /** Bytes were lost: what is held cannot be confirmed across the loss, and is given up. */
  drop(): void {
    this.skip(this.held.length);
    this.held = EMPTY;
  }
}

/**
 * Does a record start at `buf[at]`? `ended`: no byte follows `buf`, so a record ending exactly at
 * its end is confirmed and nothing waits.
 */
function candidate(buf: Buffer, at: number, ended: boolean): Verdict {
  const first = header(buf, at);
  if (first !== WAIT_LENGTH) {
    if (first < 0) return REJECT;
    const next = at + RECORD_HEADER + first;
    if (ended && next === buf.length) return FOUND;
    const second = header(buf, next);
    if (second === WAIT_LENGTH) return ended ? REJECT : WAIT;
    return second < 0 ? REJECT : FOUND;
  }
  return ended ? REJECT : WAIT;
}

/** header(): the bytes there could still begin a header, but not all five have come. */
const WAIT_LENGTH = -2;

/** The fragment length of a plausible header at `buf[at]`; -1 when not one; WAIT_LENGTH when cut. */
function header(buf: Buffer, at: number): number {
  const have = buf.length - at;
  if (have <= 0) return WAIT_LENGTH;
  const type = buf[at]!;
  if (type < CONTENT_CCS || type > CONTENT_APPLICATION_DATA) return -1;
  if (have < 2) return WAIT_LENGTH;
  if (buf[at + 1] !== 3) return -1;
  if (have < 3) return WAIT_LENGTH;
  const minor = buf[at + 2]!;
  if (minor < 1 || minor > 4) return -1;
  if (have < RECORD_HEADER) return have === 4 && buf[at + 3]! > MAX_RECORD >> 8 ? -1 : WAIT_LENGTH;
  const length = buf.readUInt16BE(at + 3);
  return length === 0 || length > MAX_RECORD ? -1 : length;
}
