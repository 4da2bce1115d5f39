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

/** The entries one query released in one turn, encoded once for every batched client that took them all. */
export interface SharedBatch {
  count: number;
  data(): Buffer;
}

const BATCH_OPEN = Buffer.from('{"entries":[');
const BATCH_COMMA = Buffer.from(',');
const BATCH_CLOSE = Buffer.from(']}');

/** `{"entries":[e1,e2,…]}` from the entries' own JSON, in one copy. */
export function encodeBatch(entries: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [BATCH_OPEN];
  entries.forEach((e, i) => parts.push(...(i === 0 ? [e] : [BATCH_COMMA, e])));
  parts.push(BATCH_CLOSE);
  return Buffer.concat(parts);
}

/**
 * One dashboard's socket on the hub's /ws: what is queued for it is bounded by
 * `ws.bufferedAmount` (the hub's only per-client buffer), with the worker's hysteresis: skip
 * above the high mark, and once below the low mark send `{"lost": n}` and resume.
 *
 * Entries come as UTF-8 JSON encoded once by the query (not once per client), sent as text.
 * A client that asked for batches (docs/hub.md, `batch`) gets the entries its query released
 * in one turn of the event loop (one merge tick) as one `{"entries": [...]}` message, which the
 * query flushes at the end of the turn: one frame to parse for the page instead of hundreds, one
 * socket write for the hub. The batch being built counts as queued, so the bound and the `lost`
 * accounting are the same as entry by entry.
 */
export class ClientFeed {
  private skipping = false;
  private lost = 0;
  /** Entries waiting for the end of the turn (batch mode only). */
  private batch: Buffer[] = [];
  private batchBytes = 0;

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

  /** A live entry for this client, as UTF-8 JSON; skipped (and counted) while the client lags. */
  offer(json: Buffer): void {
    if (!this.open) return;
    if (this.skipping ? !this.catchUp() : this.queuedBytes > this.limits.highWaterBytes) {
      this.skipping = true;
      this.lost++;
      this.counters.lost++;
      return;
    }
    this.counters.delivered++;
    if (!this.batched) {
      this.ws.send(json, { binary: false });
      return;
    }
    this.batch.push(json);
    this.batchBytes += json.length;
  }

  /**
   * Sends the batch being built, if any: as `shared` when it holds all of the turn's entries
   * (the usual case: a client that keeps up), else encoded for this client alone.
   */
  flush(shared?: SharedBatch): void {
    if (this.batch.length === 0) return;
    const data = shared !== undefined && shared.count === this.batch.length ? shared.data() : encodeBatch(this.batch);
    this.batch = [];
    this.batchBytes = 0;
    if (this.open) this.ws.send(data, { binary: false });
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
}
