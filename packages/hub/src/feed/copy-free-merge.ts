import type { Entry } from '@shoal/model';
import { CrossNodeCopies } from './cross-node-copies.js';
import { MergeWindow } from './merge-window.js';

/**
 * The merge of one query: the workers' entries in timestamp order (merge-window.ts), a call seen
 * by two nodes given once (cross-node-copies.ts). Copies are recognised as entries leave the
 * window, in time order, not as they arrive: the copy kept is the one with the earlier timestamp
 * (the client's node sees the request first), whichever worker sent it first. So a client that
 * reconnects, or another hub, is given the same copy as before, and never the other node's id
 * of a call it already has.
 *
 * While `holding` (a replay not yet done), nothing leaves by deadline: the workers replay at
 * their own speeds, and a fast one's entries must not go out before a slow one's earlier copies
 * arrive. The window's `maxHeld` still bounds what is held.
 */
export class CopyFreeMerge {
  private readonly window: MergeWindow<Entry>;
  private readonly copies = new CrossNodeCopies();
  holding = false;

  constructor(
    windowMs: number,
    maxHeld: number,
    private readonly emit: (entry: Entry) => void,
    /** Called for each copy left out (counters). */
    private readonly onCopy: () => void = () => undefined,
    now: () => number = Date.now,
  ) {
    this.window = new MergeWindow<Entry>(windowMs, maxHeld, (e) => this.release(e), now);
  }

  /** Entries delivered at once because they were older than what had already gone out. */
  get late(): number {
    return this.window.late;
  }

  push(entry: Entry): void {
    this.window.push(entry);
  }

  /** Releases what is due (nothing while holding); the owner calls it on a timer. */
  tick(): void {
    if (!this.holding) this.window.tick();
  }

  /** Releases everything held, in order, and stops holding. */
  flushAll(): void {
    this.holding = false;
    this.window.flushAll();
  }

  private release(entry: Entry): void {
    if (this.copies.isCopy(entry)) this.onCopy();
    else this.emit(entry);
  }
}
