import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { CompiledFilter } from '@shoal/filter';
import type { Entry } from '@shoal/model';
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

/** One WebSocket subscriber: its filter, and what it missed while it read too slowly. */
export class FeedClient {
  live = false;
  /** Entries skipped since the last {lost} notice. */
  lost = 0;
  private skipping = false;

  constructor(
    readonly ws: WebSocket,
    readonly filter: CompiledFilter,
    private readonly feed: LiveFeed,
  ) {}

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** A live entry for this client, as JSON; skipped (and counted) while the client lags. */
  offer(json: string): void {
    if (!this.open) return;
    // Hysteresis: skipping starts above the high mark and ends only below the low one.
    if (this.skipping ? !this.catchUp() : this.ws.bufferedAmount > this.feed.limits.highWaterBytes) {
      this.skipping = true;
      this.lost++;
      this.feed.lostTotal++;
      return;
    }
    this.ws.send(json);
  }

  /** Sends the {lost} notice once the client has caught up; true when it is not lagging. */
  catchUp(): boolean {
    if (!this.skipping) return true;
    if (!this.open || this.ws.bufferedAmount > this.feed.limits.lowWaterBytes) return false;
    this.ws.send(JSON.stringify({ lost: this.lost }));
    this.lost = 0;
    this.skipping = false;
    return true;
  }

  /**
   * Sends the stored entries from `sinceMs` on that match, then goes live. Replayed entries are
   * never skipped: the replay waits for the client instead (up to a limit). The switch to live
   * happens in the same turn as the read that found the end of the store, so no entry is
   * missed or sent twice.
   */
  async replay(store: EntryStore, sinceMs: number): Promise<number> {
    const cursor = store.cursor(sinceMs);
    let sent = 0;
    let scanned = 0;
    for (;;) {
      if (!this.open) return sent;
      const entry = store.next(cursor);
      if (entry === undefined) break;
      if (entry.timestamp >= sinceMs && this.filter.matches(entry)) {
        this.ws.send(JSON.stringify(entry));
        sent++;
        if (this.ws.bufferedAmount > this.feed.limits.highWaterBytes) await this.drain();
      }
      if (++scanned % REPLAY_SLICE === 0) await nextTurn();
    }
    this.live = true;
    return sent;
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
  /** Entries skipped for slow clients since start (metrics). */
  lostTotal = 0;

  constructor(readonly limits: FeedLimits = DEFAULT_FEED_LIMITS) {}

  add(ws: WebSocket, filter: CompiledFilter): FeedClient {
    const client = new FeedClient(ws, filter, this);
    this.clients.add(client);
    ws.on('close', () => this.clients.delete(client));
    return client;
  }

  publish(entry: Entry, json: string): void {
    for (const client of this.clients) {
      if (client.live && client.filter.matches(entry)) client.offer(json);
    }
  }

  /** Called on a timer: a client that caught up hears of its losses without waiting for an entry. */
  tick(): void {
    for (const client of this.clients) if (client.live) client.catchUp();
  }

  closeAll(code: number, reason: string): void {
    for (const client of this.clients) client.ws.close(code, reason);
  }
}
