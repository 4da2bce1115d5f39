/**
 * The state of the feed a page shows: the rows held (a FeedBuffer of summaries and gap markers),
 * whether the view follows the tail, how many rows came while it was paused, and the stream's
 * state. Views subscribe and read a snapshot; every change goes through a method here.
 */
import { FeedBuffer, DEFAULT_CAPACITY } from './feed-buffer.js';
import { toRow, type EntryJson, type EntryRow } from './entry-row.js';
import type { Gap, StreamState } from './hub-stream.js';

export interface GapRow {
  kind: 'gap';
  id: string;
  gap: Gap;
}

export type FeedItem = EntryRow | GapRow;

/** A stored past window the feed shows instead of the live tail; epoch ms, `to` exclusive. */
export interface TimeWindow {
  from: number;
  to: number;
}

export class FeedModel {
  readonly rows: FeedBuffer<FeedItem>;
  state: StreamState = { kind: 'connecting', attempt: 1 };
  following = true;
  /** Rows that arrived since the view stopped following. */
  unseen = 0;
  /** The `before` of the next older history page; null when there is none; undefined before the first. */
  olderCursor: number | null | undefined = undefined;
  /** Rows put before the head by the last history page: a scrolled view moves down by as many. */
  lastPrepended = 0;
  /** Counts history pages taken, so a view sees each one once. */
  pagesTaken = 0;
  /** The past window shown; undefined for the live tail. */
  window: TimeWindow | undefined = undefined;
  /** What the history pages of this query read: entries tested against it, and those that matched. */
  history = { examined: 0, matched: 0 };
  private listeners = new Set<() => void>();
  private gaps = 0;

  constructor(capacity = DEFAULT_CAPACITY) {
    this.rows = new FeedBuffer<FeedItem>(capacity);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  addEntries(batch: readonly EntryJson[]): void {
    this.rows.append(batch.map(toRow));
    if (!this.following) this.unseen += batch.length;
    this.changed();
  }

  /** An older history page (oldest first) goes before the rows held. */
  addOlder(batch: readonly EntryJson[], next: number | null, examined = batch.length): void {
    this.history = { examined: this.history.examined + Math.max(examined, batch.length), matched: this.history.matched + batch.length };
    this.lastPrepended = this.rows.prepend(batch.map(toRow));
    // A full page could not all be taken: the page holds its limit, there is no going further back.
    this.olderCursor = this.lastPrepended < batch.length ? null : next;
    this.pagesTaken++;
    this.changed();
  }

  addGap(gap: Gap): void {
    this.rows.append([{ kind: 'gap', id: `gap-${++this.gaps}`, gap }]);
    this.changed();
  }

  setState(state: StreamState): void {
    this.state = state;
    this.changed();
  }

  /** The user scrolled away from the tail (false) or back to it (true). */
  follow(on: boolean): void {
    if (this.following === on) return;
    this.following = on;
    if (on) this.unseen = 0;
    this.changed();
  }

  /** A new query or window: the rows held were for the old one. */
  reset(window?: TimeWindow): void {
    this.window = window;
    this.rows.clear();
    this.unseen = 0;
    this.olderCursor = undefined;
    this.lastPrepended = 0;
    this.history = { examined: 0, matched: 0 };
    this.following = true;
    this.changed();
  }

  /** The entries held, newest first (gap markers skipped). */
  *entriesNewestFirst(): Generator<EntryRow> {
    for (let i = this.rows.length - 1; i >= 0; i--) {
      const item = this.rows.at(i)!;
      if (item.kind === 'entry') yield item;
    }
  }

  /** Bumped on every change: what a view compares to know it must render. */
  stamp = 0;

  private changed(): void {
    this.stamp++;
    for (const l of this.listeners) l();
  }
}
