/**
 * The rows the page holds: a ring of at most `capacity` rows in time order. Live rows go on the
 * tail and push the oldest out (counted in `dropped`); history loaded by scrolling up goes on the
 * head while there is room. Reading a row by index is O(1), so a virtualized list asks only for
 * the rows on screen whatever the length.
 */
export const DEFAULT_CAPACITY = 300_000;

export class FeedBuffer<T> {
  private readonly slots: (T | undefined)[];
  private start = 0;
  private count = 0;
  /** Rows pushed out at the head to make room for live ones. */
  dropped = 0;
  /** Bumped on every change, so a view knows when to render again. */
  version = 0;

  constructor(readonly capacity = DEFAULT_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    // Filled by push, not `new Array(capacity)`: V8 keeps an array made with a length of 100,000
    // or more as a dictionary, and every read and write of a row would be a hash lookup.
    this.slots = [];
    for (let i = 0; i < capacity; i++) this.slots.push(undefined);
  }

  get length(): number {
    return this.count;
  }

  /** Row `i`, 0 the oldest held. */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.slots[(this.start + i) % this.capacity];
  }

  first(): T | undefined {
    return this.at(0);
  }

  last(): T | undefined {
    return this.at(this.count - 1);
  }

  /** Appends newer rows; when full, the oldest rows go. Returns how many were dropped. */
  append(rows: readonly T[]): number {
    let dropped = 0;
    for (const row of rows) {
      if (this.count === this.capacity) {
        this.slots[this.start] = undefined;
        this.start = (this.start + 1) % this.capacity;
        this.count--;
        dropped++;
      }
      this.slots[(this.start + this.count) % this.capacity] = row;
      this.count++;
    }
    if (rows.length > 0) this.version++;
    this.dropped += dropped;
    return dropped;
  }

  /**
   * Puts older rows (oldest first) before the head, as many as there is room for: the newest of
   * them are kept, next to the rows already held. Returns how many were taken.
   */
  prepend(rows: readonly T[]): number {
    const taken = Math.min(rows.length, this.capacity - this.count);
    for (let k = rows.length - 1; k >= rows.length - taken; k--) {
      this.start = (this.start - 1 + this.capacity) % this.capacity;
      this.slots[this.start] = rows[k];
      this.count++;
    }
    if (taken > 0) this.version++;
    return taken;
  }

  /** Empties the ring; only the slots in use are written (a filter change clears 100,000s of rows, not the capacity). */
  clear(): void {
    const end = this.start + this.count;
    this.slots.fill(undefined, this.start, Math.min(end, this.capacity));
    if (end > this.capacity) this.slots.fill(undefined, 0, end - this.capacity);
    this.start = 0;
    this.count = 0;
    this.dropped = 0;
    this.version++;
  }
}
