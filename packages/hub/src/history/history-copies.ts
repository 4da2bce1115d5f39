import type { Entry } from '@shoal/model';
import { callKey, COPY_TOLERANCE_MS, CrossNodeCopies, mayHaveCopy } from '../feed/cross-node-copies.js';

/**
 * Leaves out the copies of a call captured on two nodes (cross-node-copies.ts) from entries met
 * newest first, as history walks meet them, keeping the copy the live feed keeps
 * (copy-free-merge.ts): the one with the earlier timestamp. The live feed decides oldest first;
 * here an entry that may have a copy is held until nothing older could be one (the walk is past
 * its timestamp minus COPY_TOLERANCE_MS), then the entries of its call are decided oldest first.
 * Calls pair only with themselves, so each is decided as the feed would, without the whole walk
 * held: what is held is the last COPY_TOLERANCE_MS of calls between nodes, and the run of a call
 * repeated identically on one connection more often than that (a health check polled each
 * second), since where such a run starts decides how its entries pair.
 */
export class HistoryCopies {
  private readonly copies = new CrossNodeCopies();
  /** Entries that may have a copy, by call, newest first. */
  private readonly held = new Map<string, Entry[]>();

  constructor(private readonly keep: (entry: Entry) => void) {}

  /** Copies left out so far. */
  get left(): number {
    return this.copies.copies;
  }

  /** The next entry, no newer than those pushed before. */
  push(entry: Entry): void {
    if (!mayHaveCopy(entry)) return this.keep(entry);
    const key = callKey(entry);
    const list = this.held.get(key);
    if (list === undefined) this.held.set(key, [entry]);
    else list.push(entry);
  }

  /** Every entry at or after `frontier` has been pushed: decides the calls no later entry can pair with. */
  advance(frontier: number): void {
    for (const [key, list] of this.held) {
      if (frontier <= list[list.length - 1]!.timestamp - COPY_TOLERANCE_MS) this.decide(key, list);
    }
  }

  /** Nothing more comes: decides every call held. */
  flush(): void {
    for (const [key, list] of this.held) this.decide(key, list);
  }

  private decide(key: string, list: Entry[]): void {
    this.held.delete(key);
    for (let i = list.length - 1; i >= 0; i--) if (!this.copies.isCopy(list[i]!)) this.keep(list[i]!);
  }
}
