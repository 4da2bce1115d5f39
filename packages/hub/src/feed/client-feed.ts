import { WebSocket } from 'ws';

export interface ClientLimits {
  /** Past this many bytes queued for a client, its entries are skipped (and counted). */
  highWaterBytes: number;
  /** Below this many, a skipping client is told how many it lost and gets entries again. */
  lowWaterBytes: number;
}

/** The worker's limits (docs/api.md, slow clients): a client sees the same behaviour from either. */
export const DEFAULT_CLIENT_LIMITS: ClientLimits = { highWaterBytes: 4 << 20, lowWaterBytes: 1 << 20 };

/** Counters shared by every client, for /metrics. */
export interface FeedCounters {
  delivered: number;
  lost: number;
}

/**
 * One dashboard's socket on the hub's /ws: what is queued for it is bounded by
 * `ws.bufferedAmount` (the hub's only per-client buffer), with the worker's hysteresis: skip
 * above the high mark, and once below the low mark send `{"lost": n}` and resume.
 */
export class ClientFeed {
  private skipping = false;
  private lost = 0;

  constructor(
    readonly ws: WebSocket,
    private readonly limits: ClientLimits,
    private readonly counters: FeedCounters,
  ) {}

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Bytes queued for this client now (tests, /metrics). */
  get queuedBytes(): number {
    return this.ws.bufferedAmount;
  }

  /** A live entry for this client, as JSON; skipped (and counted) while the client lags. */
  offer(json: string): void {
    if (!this.open) return;
    if (this.skipping ? !this.catchUp() : this.ws.bufferedAmount > this.limits.highWaterBytes) {
      this.skipping = true;
      this.lost++;
      this.counters.lost++;
      return;
    }
    this.counters.delivered++;
    this.ws.send(json);
  }

  /** A control message (ready, error, lost): never skipped, and small. */
  send(message: unknown): void {
    if (this.open) this.ws.send(JSON.stringify(message));
  }

  /** Entries the workers skipped on the way to the hub: the client hears of them as its own loss. */
  addLost(n: number): void {
    this.skipping = true;
    this.lost += n;
    this.counters.lost += n;
    this.catchUp();
  }

  /** Sends the {lost} notice once the client has caught up; true when it is not lagging. */
  catchUp(): boolean {
    if (!this.skipping) return true;
    if (!this.open || this.ws.bufferedAmount > this.limits.lowWaterBytes) return false;
    this.ws.send(JSON.stringify({ lost: this.lost }));
    this.lost = 0;
    this.skipping = false;
    return true;
  }
}
