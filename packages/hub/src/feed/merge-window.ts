/**
 * Merges entries from several workers into timestamp order. Each entry is held for at most
 * `windowMs` after it arrives, so entries of another worker that arrive a little later can
 * still be put before it. Order is kept by releasing, when an entry's time is up, every held
 * entry with a timestamp up to its own.
 *
 * A worker whose clock runs late (or that replays old entries after a reconnect) sends entries
 * older than what was already released: they are delivered at once, out of order, rather than
 * held — holding them could not put them back in order, and would delay everyone else. The
 * number held is bounded too: past `maxHeld`, the oldest arrivals are released early.
 */

interface Held<T> {
  item: T;
  ts: number;
  deadline: number;
  released: boolean;
}

export class MergeWindow<T extends { timestamp: number }> {
  private readonly heap: Held<T>[] = [];
  /** Held entries in arrival order (deadlines only grow along it); released ones are skipped. */
  private fifo: Held<T>[] = [];
  private fifoHead = 0;
  private lastTs = -Infinity;
  /** Entries delivered at once because they were older than what was already released. */
  late = 0;

  constructor(
    readonly windowMs: number,
    readonly maxHeld: number,
    private readonly emit: (item: T) => void,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  push(item: T): void {
    const ts = item.timestamp;
    if (ts <= this.lastTs) {
      this.late++;
      this.emit(item);
      return;
    }
    const held: Held<T> = { item, ts, deadline: this.now() + this.windowMs, released: false };
    this.heapPush(held);
    this.fifo.push(held);
    if (this.heap.length > this.maxHeld) this.releaseUpTo(this.dueTs(Infinity, this.heap.length - this.maxHeld));
  }

  /** Releases what is due; the owner calls it on a timer (a fraction of the window). */
  tick(): void {
    this.releaseUpTo(this.dueTs(this.now(), Infinity));
  }

  /** Releases everything held, in order (end of a replay, shutdown). */
  flushAll(): void {
    this.releaseUpTo(Infinity);
  }

  /** The largest timestamp among the held entries whose deadline passed (at most `count` of them). */
  private dueTs(now: number, count: number): number {
    let due = -Infinity;
    while (this.fifoHead < this.fifo.length && count > 0) {
      const h = this.fifo[this.fifoHead]!;
      if (!h.released) {
        if (h.deadline > now) break;
        due = Math.max(due, h.ts);
        count--;
      }
      this.fifoHead++;
    }
    if (this.fifoHead > 1024 && this.fifoHead * 2 > this.fifo.length) {
      this.fifo = this.fifo.slice(this.fifoHead);
      this.fifoHead = 0;
    }
    return due;
  }

  private releaseUpTo(ts: number): void {
    while (this.heap.length > 0 && this.heap[0]!.ts <= ts) {
      const h = this.heapPop();
      h.released = true;
      this.lastTs = Math.max(this.lastTs, h.ts);
      this.emit(h.item);
    }
  }

  private heapPush(h: Held<T>): void {
    const a = this.heap;
    a.push(h);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.ts <= h.ts) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = h;
  }

  private heapPop(): Held<T> {
    const a = this.heap;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r]!.ts < a[l]!.ts ? r : l;
        if (a[c]!.ts >= last.ts) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
