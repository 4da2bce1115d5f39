/**
 * Detection's seeker for HTTP/2 (dissector.ts MessageSeeker): in bytes no probe recognised at
 * their start (a connection joined in the middle of a frame, or after a loss before any claim),
 * the first offset where a chain of plausible frames with a role-telling HEADERS frame begins
 * (probe.ts `midway`). Each offset is judged on at most SEEK_WINDOW bytes from it, and an offset
 * not decided yet holds the search until that many have arrived, so what is found depends on
 * the bytes only, never on how they were cut.
 */

import type { MessageSeeker } from '../../dissector.js';
import { midway } from './probe.js';

/** Bytes an offset is judged on: two frames of the default maximum size, with room to spare. */
export const SEEK_WINDOW = 32 * 1024;

export class Http2Seeker implements MessageSeeker {
  /** Bytes from the first offset not judged yet. */
  private held: Buffer = Buffer.alloc(0);
  /** The first offset (in held bytes + the next chunk) still to judge: the probe refused byte 0. */
  private next = 1;

  scan(chunk: Buffer): number | null {
    const heldLength = this.held.length;
    const buf = heldLength === 0 ? chunk : Buffer.concat([this.held, chunk]);
    let at = this.next;
    for (; at < buf.length; at++) {
      const to = Math.min(buf.length, at + SEEK_WINDOW);
      const verdict = midway(buf, at, to);
      if (verdict === 'client' || verdict === 'server') {
        this.held = Buffer.alloc(0);
        this.next = 0;
        return at - heldLength;
      }
      if (verdict === 'more' && to - at < SEEK_WINDOW) break;
    }
    this.held = at < buf.length ? buf.subarray(at) : Buffer.alloc(0);
    this.next = 0;
    return null;
  }
}
