import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { CompiledFilter } from '@shoal/filter';
import type { Entry, LostMessage } from '@shoal/model';
import { WebSocket } from 'ws';
import type { EntryStore } from '../store/entry-store.js';

export interface FeedLimits {
  /** Past this many bytes queued for a client, its entries are skipped (and counted). */
  highWaterBytes: number;
  /** Below this many, a skipping client is told how many it lost and gets entries again. */
  lowWaterBytes: number;
}

export const DEFAULT_FEED_LIMITS: FeedLimits = { highWaterBytes: 4 << 20, lowWaterBytes: 1 << 20 };

/** Entries scanned between two yields to the event loop while replaying from the store. */
const REPLAY_SLICE = 500;
/** A replay never waits longer than this for a client that stopped reading. */
const REPLAY_STALL_MS = 60_000;

/**
 * What a subscription did with the entries it was offered, replayed and live alike. The filter
 * runs here, at the worker (push-down): `filtered` entries never left the node, which is what
 * the hub and its tests read to show it.
 */
export interface FeedCounts {
  /** Entries the filter was evaluated on. */
  evaluated: number;
  /** Entries not sent because the filter did not match (or failed on them). */
  filtered: number;
  /** Entries sent. */
  sent: number;
  /** Matching live entries skipped because the client read too slowly. */
  lost: number;
}

const zeroCounts = (): FeedCounts => ({ evaluated: 0, filtered: 0, sent: 0, lost: 0 });

/** One WebSocket subscriber: its filter, and what it missed while it read too slowly. */
export class FeedClient {
  live = false;
  /** Entries skipped since the last {lost} notice. */
  private unreported = 0;
  readonly counts = zeroCounts();
  readonly connectedAt = Date.now();
  private skipping = false;

  constructor(
    readonly ws: WebSocket,
    readonly filter: CompiledFilter,
    /** The client's address and port, to tell subscribers apart in /stats. */
    readonly peer: string,
    private readonly feed: LiveFeed,
  ) {}

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** A live entry, as JSON too: sent if the filter matches, unless the client lags (then counted lost). */
  consider(entry: Entry, json: string): void {
    if (!this.open || !this.matches(entry)) return;
    // Hysteresis: skipping starts above the high mark and ends only below the low one.
    if (this.skipping ? !this.catchUp() : this.ws.bufferedAmount > this.feed.limits.highWaterBytes) {
      this.skipping = true;
      this.unreported++;
      this.count('lost');
      return;
    }
    this.send(json);
  }

  stats(): Record<string, unknown> {
    return { peer: this.peer, filter: this.filter.text, connectedAt: this.connectedAt, live: this.live, ...this.counts, filterErrors: this.filter.errorCount };
  }

  /** Sends the {lost} notice once the client has caught up; true when it is not lagging. */
  catchUp(): boolean {
    if (!this.skipping) return true;
    if (!this.open || this.ws.bufferedAmount > this.feed.limits.lowWaterBytes) return false;
    const notice: LostMessage = { lost: this.unreported };
    this.ws.send(JSON.stringify(notice));
    this.unreported = 0;
    this.skipping = false;
    return true;
  }

  /**
   * Live from now on. Returns the id of the last entry published before (null when none was
   * this run): every live entry comes after it in the worker's order, which is how the hub
   * hands a client over from its replay to a shared live subscription (docs/api.md, `ready`).
   */
  goLive(): string | null {
    this.live = true;
    return this.feed.lastPublished;
  }

  /**
   * Sends the stored entries from `sinceMs` on that match, then goes live. Replayed entries are
   * never skipped: the replay waits for the client instead (up to a limit). The switch to live
   * happens in the same turn as the read that found the end of the store, so no entry is
   * missed or sent twice. `last` is goLive's.
   */
  async replay(store: EntryStore, sinceMs: number): Promise<{ sent: number; last: string | null }> {
    const cursor = store.cursor(sinceMs);
    let sent = 0;
    let scanned = 0;
    for (;;) {
      if (!this.open) return { sent, last: null };
      const entry = store.next(cursor);
      if (entry === undefined) break;
      if (entry.timestamp >= sinceMs && this.matches(entry)) {
        this.send(JSON.stringify(entry));
        sent++;
        if (this.ws.bufferedAmount > this.feed.limits.highWaterBytes) await this.drain();
      }
      if (++scanned % REPLAY_SLICE === 0) await nextTurn();
    }
    return { sent, last: this.goLive() };
  }

  private matches(entry: Entry): boolean {
    this.count('evaluated');
    if (this.filter.matches(entry)) return true;
    this.count('filtered');
    return false;
  }

  private send(json: string): void {
    this.ws.send(json);
    this.count('sent');
  }

  /** Counts for this client and in the worker's totals (which outlive the client). */
  private count(what: keyof FeedCounts): void {
    this.counts[what]++;
    this.feed.totals[what]++;
  }

  private async drain(): Promise<void> {
    const deadline = Date.now() + REPLAY_STALL_MS;
    while (this.open && this.ws.bufferedAmount > this.feed.limits.lowWaterBytes) {
      if (Date.now() > deadline) {
        this.ws.close(4408, 'client stopped reading during the replay');
        return;
      }
      await sleep(5);
    }
  }
}

/** Every subscriber of the worker; entries are serialised once, however many listen. */
export class LiveFeed {
  readonly clients = new Set<FeedClient>();
  /** Every subscription's counts summed since start, closed ones included (metrics). */
  readonly totals = zeroCounts();
  /** The id of the newest entry published (stored and offered to the live clients) this run. */
  lastPublished: string | null = null;

  constructor(readonly limits: FeedLimits = DEFAULT_FEED_LIMITS) {}

  add(ws: WebSocket, filter: CompiledFilter, peer: string): FeedClient {
    const client = new FeedClient(ws, filter, peer, this);
    this.clients.add(client);
    ws.on('close', () => this.clients.delete(client));
    return client;
  }

  publish(entry: Entry, json: string): void {
    this.lastPublished = entry.id;
    for (const client of this.clients) {
      if (client.live) client.consider(entry, json);
    }
  }

  /** Called on a timer: a client that caught up hears of its losses without waiting for an entry. */
  tick(): void {
    for (const client of this.clients) if (client.live) client.catchUp();
  }

  /** For /stats: the totals, and each connected subscriber's filter and counts. */
  stats(): Record<string, unknown> {
    return { clients: this.clients.size, ...this.totals, subscribers: [...this.clients].map((c) => c.stats()) };
  }

  closeAll(code: number, reason: string): void {
    for (const client of this.clients) client.ws.close(code, reason);
  }
}
