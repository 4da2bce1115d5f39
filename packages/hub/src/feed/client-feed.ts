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
 *
 * A client that asked for batches (docs/hub.md, `batch`) gets the entries released in one turn
 * of the event loop (one merge tick) as one `{"entries": [...]}` message: one frame to parse for
 * the page instead of hundreds, one socket write for the hub. The batch being built counts as
 * queued, so the bound and the `lost` accounting are the same as entry by entry.
 */
export class ClientFeed {
  private skipping = false;
  private lost = 0;
  /** Entries' JSON waiting for the end of the turn (batch mode only). */
  private batch: string[] = [];
  private batchBytes = 0;
  private flushQueued = false;

  constructor(
    readonly ws: WebSocket,
    private readonly limits: ClientLimits,
    private readonly counters: FeedCounters,
    /** One message per turn (`{"entries": [...]}`) rather than one per entry. */
    public batched = false,
  ) {}

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Bytes queued for this client now, the batch being built included (tests, /metrics). */
  get queuedBytes(): number {
    return this.ws.bufferedAmount + this.batchBytes;
  }

  /** A live entry for this client, as JSON; skipped (and counted) while the client lags. */
  offer(json: string): void {
    if (!this.open) return;
    if (this.skipping ? !this.catchUp() : this.queuedBytes > this.limits.highWaterBytes) {
      this.skipping = true;
      this.lost++;
      this.counters.lost++;
      return;
    }
    this.counters.delivered++;
    if (!this.batched) {
      this.ws.send(json);
      return;
    }
    this.batch.push(json);
    this.batchBytes += json.length;
    if (!this.flushQueued) {
      this.flushQueued = true;
      // Everything one merge tick releases is released synchronously: it all lands in this batch.
      queueMicrotask(() => this.flush());
    }
  }

  /** A control message (ready, error, lost): never skipped, and small; after the entries before it. */
  send(message: unknown): void {
    this.flush();
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
    if (!this.open || this.queuedBytes > this.limits.lowWaterBytes) return false;
    this.send({ lost: this.lost });
    this.lost = 0;
    this.skipping = false;
    return true;
  }

  /** Sends the batch being built, if any. */
  private flush(): void {
    this.flushQueued = false;
    if (this.batch.length === 0) return;
    const text = `{"entries":[${this.batch.join(',')}]}`;
    this.batch = [];
    this.batchBytes = 0;
    if (this.open) this.ws.send(text);
  }
}
