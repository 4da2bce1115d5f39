/**
 * Bytes (and gaps) held back unparsed, with their capture times: the client's bytes after an
 * Upgrade or CONNECT request, until the response says whether the protocol switched.
 */

export class Hold {
  /** A chunk, or the length of a gap. */
  items: Array<Buffer | number> = [];
  times: number[] = [];
  /** Bytes held (gaps not counted). */
  length = 0;

  push(item: Buffer | number, ts: number): void {
    this.items.push(item);
    this.times.push(ts);
    if (typeof item !== 'number') this.length += item.length;
  }

  /** Everything held, oldest first; the hold is empty afterwards. */
  drain(): { items: Array<Buffer | number>; times: number[] } {
    const out = { items: this.items, times: this.times };
    this.items = [];
    this.times = [];
    this.length = 0;
    return out;
  }

  /** The held chunks (gaps dropped). */
  buffers(): Buffer[] {
    const out: Buffer[] = [];
    for (const item of this.items) if (typeof item !== 'number') out.push(item);
    return out;
  }
}
