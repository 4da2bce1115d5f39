/**
 * The search for the next Redis message in bytes whose framing is unknown (after a loss, garbage,
 * or a capture that began mid-way): every RESP message ends with CRLF, so one may start right
 * after each LF (and, after a gap, at the first byte). A judge from starts.ts says whether one
 * does; a candidate it cannot judge yet holds the bytes from there (at most HOLD_LIMIT) until it
 * can. What is found depends on the bytes only, never on how they were cut.
 */

import type { StartVerdict } from './starts.js';

const LF = 0x0a;
/** Octets held for one candidate; past that it is refused. */
const HOLD_LIMIT = 2048;
const EMPTY = Buffer.alloc(0);

export class StartSearch {
  /** Bytes from the first candidate not ruled out. */
  private held: Buffer = EMPTY;
  /** held[0] (or, with nothing held, the next byte fed) is a candidate. */
  private heldIsCandidate: boolean;
  /** The held bytes from the start the last scan found in them. */
  private found: Buffer = EMPTY;

  constructor(
    private readonly judge: (bytes: Buffer) => StartVerdict,
    firstIsCandidate: boolean,
  ) {
    this.heldIsCandidate = firstIsCandidate;
  }

  /**
   * Search `chunk`, the next bytes: where a message starts relative to its first byte (negative:
   * in the held bytes, `heldFrom` gives them), or null when none starts in what was seen so far.
   */
  scan(chunk: Buffer): number | null {
    const heldLength = this.held.length;
    const bytes = heldLength === 0 ? chunk : Buffer.concat([this.held, chunk]);
    let candidate = this.heldIsCandidate ? 0 : -1;
    for (let i = 0; i < bytes.length; ) {
      if (candidate < 0) {
        const lf = bytes.indexOf(LF, i);
        if (lf < 0 || lf + 1 === bytes.length) break;
        candidate = i = lf + 1;
      }
      const verdict = this.judge(bytes.subarray(candidate));
      if (verdict === 'yes') {
        this.found = bytes.subarray(candidate, heldLength);
        this.held = EMPTY;
        this.heldIsCandidate = false;
        return candidate - heldLength;
      }
      if (verdict === 'more' && bytes.length - candidate < HOLD_LIMIT) {
        this.held = Buffer.from(bytes.subarray(candidate));
        this.heldIsCandidate = true;
        return null;
      }
      candidate = -1;
    }
    // With no candidate pending, the next one follows the last LF, if the bytes end with one.
    this.held = EMPTY;
    this.heldIsCandidate = bytes.length > 0 && bytes[bytes.length - 1] === LF;
    return null;
  }

  /** The held bytes from the start `scan` found in them, when it returned a negative offset. */
  get heldFromStart(): Buffer {
    return this.found;
  }

  /** Bytes are held for a candidate not judged yet. */
  get holding(): boolean {
    return this.held.length > 0;
  }

  /** The bytes fed next do not follow the held ones (a gap): the first of them is a candidate. */
  restart(): void {
    this.held = EMPTY;
    this.heldIsCandidate = true;
  }
}
