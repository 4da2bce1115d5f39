import type { DissectorSpec, MessageSeeker } from '../dissector.js';

/**
 * Detection's search through one direction after every probe refused its first bytes: each
 * protocol's seeker (dissector.ts MessageSeeker) is fed the bytes, and the earliest start any of
 * them finds ends the search.
 */
export class MessageSearch {
  private readonly seekers: MessageSeeker[];
  /** Bytes fed since the search began. */
  private fed = 0;

  private constructor(specs: readonly DissectorSpec[]) {
    this.seekers = specs.map((spec) => spec.seeker!());
  }

  /** A search by the protocols of `specs` that have a seeker; null when none has one. */
  static of(specs: readonly DissectorSpec[]): MessageSearch | null {
    const seeking = specs.filter((spec) => spec.seeker !== undefined);
    return seeking.length > 0 ? new MessageSearch(seeking) : null;
  }

  /** Search `chunk`: how many of the bytes fed so far come before a message start, or null. */
  scan(chunk: Buffer): number | null {
    this.fed += chunk.length;
    let start: number | null = null;
    for (const seeker of this.seekers) {
      const found = seeker.scan(chunk);
      if (found !== null && (start === null || found < start)) start = found;
    }
    return start === null ? null : this.fed - chunk.length + start;
  }
}
