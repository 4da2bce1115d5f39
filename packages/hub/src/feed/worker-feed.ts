import type { Entry } from '@shoal/model';
import type { Logger } from 'pino';
import { WebSocket, type RawData } from 'ws';
import { Backoff } from '../workers/backoff.js';
import type { SubscriberCounts, WorkerLink } from '../workers/worker-link.js';

export interface WorkerFeedEvents {
  entry(entry: Entry): void;
  /** The worker's replay is done (or it is down): the group may say `ready`. */
  ready(): void;
  /** The worker skipped `n` entries because the hub read too slowly. */
  lost(n: number): void;
}

/** Ids remembered to drop the entries a resumed subscription replays twice. */
const RECENT_IDS = 4096;
/** A resumed subscription replays from this long before the last entry seen (stored out of order). */
const RESUME_OVERLAP_MS = 1000;

/**
 * One subscription of the hub to one worker's /ws for one query: the push-down (the worker
 * evaluates the filter and sends only matches). When the socket breaks it reconnects with
 * backoff and jitter, and resumes with `since` from just before the last entry it saw (or the
 * moment it lost the worker), so the entries the worker stored meanwhile still arrive; the
 * overlap is de-duplicated by id.
 */
export class WorkerFeed {
  private ws: WebSocket | undefined;
  private readonly backoff: Backoff;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readyOnce = false;
  private lastTs: number | undefined;
  private lostAt: number | undefined;
  private readonly recent = new Set<string>();
  private readonly onUp = (): void => this.reconnectNow();
  /** Entries received from this worker (metrics, tests). */
  received = 0;
  /** The local port of the current socket: how the worker's /stats names this subscription. */
  private localPort: number | undefined;
  /** What the worker's filter did on this feed's earlier (closed) sockets. */
  private readonly earlier: SubscriberCounts = { evaluated: 0, filtered: 0 };

  constructor(
    readonly link: WorkerLink,
    private readonly filter: string,
    private readonly since: number | undefined,
    private readonly events: WorkerFeedEvents,
    private readonly log: Logger,
  ) {
    this.backoff = new Backoff(250, 5000);
    link.on('up', this.onUp);
  }

  /** The group was told this worker's replay is done (or that it is down). */
  get readied(): boolean {
    return this.readyOnce;
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  start(): void {
    // A worker known to be down does not hold the group's `ready`; its feed keeps trying.
    if (!this.link.up) this.markReady();
    this.connect();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.link.off('up', this.onUp);
    this.ws?.terminate();
  }

  /**
   * What the worker's filter did for this feed: the counts its /stats gave at the hub's last
   * poll for the current socket (so up to a poll period old), plus those of earlier sockets.
   */
  counts(): SubscriberCounts {
    const now = this.localPort === undefined ? undefined : this.link.subscriberCounts(this.localPort, this.filter);
    return { evaluated: this.earlier.evaluated + (now?.evaluated ?? 0), filtered: this.earlier.filtered + (now?.filtered ?? 0) };
  }

  private resumeSince(): number | undefined {
    if (this.lastTs !== undefined) return this.lastTs - RESUME_OVERLAP_MS;
    if (this.lostAt !== undefined) return this.since === undefined ? this.lostAt - RESUME_OVERLAP_MS : Math.min(this.since, this.lostAt);
    return this.since;
  }

  private connect(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    const ws = new WebSocket(this.link.wsUrl(this.filter, this.resumeSince()), { headers: this.link.headers() });
    this.ws = ws;
    ws.on('upgrade', (res) => (this.localPort = res.socket.localPort));
    ws.on('message', (data: RawData) => this.onMessage(String(data)));
    ws.on('unexpected-response', (_req, res) => {
      this.log.warn({ worker: this.link.name, status: res.statusCode }, 'worker refused the feed subscription');
      ws.terminate();
    });
    ws.on('error', (err) => this.log.debug({ worker: this.link.name, err: err.message }, 'worker feed socket error'));
    ws.on('close', () => this.onClose(ws));
  }

  private onMessage(text: string): void {
    this.link.heard();
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(text) as Record<string, unknown>;
    } catch {
      this.log.warn({ worker: this.link.name }, 'worker sent a feed message that is not JSON');
      return;
    }
    if (typeof msg['id'] === 'string') {
      const entry = msg as unknown as Entry;
      if (this.recent.has(entry.id)) return;
      this.remember(entry.id);
      this.received++;
      this.lastTs = Math.max(this.lastTs ?? -Infinity, entry.timestamp);
      this.events.entry(entry);
    } else if (msg['ready'] !== undefined) {
      this.backoff.reset();
      this.lostAt = undefined;
      this.markReady();
    } else if (typeof msg['lost'] === 'number') {
      this.events.lost(msg['lost']);
    } else if (msg['error'] !== undefined) {
      // The hub compiled the filter before asking, so only a worker of another version gets here.
      this.log.error({ worker: this.link.name, error: msg['error'] }, 'worker refused the filter the hub accepted');
    }
  }

  private remember(id: string): void {
    this.recent.add(id);
    if (this.recent.size > RECENT_IDS) this.recent.delete(this.recent.values().next().value!);
  }

  private markReady(): void {
    if (this.readyOnce) return;
    this.readyOnce = true;
    this.events.ready();
  }

  private onClose(ws: WebSocket): void {
    if (this.ws !== ws || this.closed) return;
    this.ws = undefined;
    const last = this.counts();
    Object.assign(this.earlier, last);
    this.localPort = undefined;
    this.lostAt ??= Date.now();
    this.markReady();
    this.link.checkSoon();
    const delay = this.backoff.next();
    this.timer = setTimeout(() => this.connect(), delay);
    this.timer.unref();
  }

  /** The worker came back (its link saw it): try now rather than at the end of the backoff. */
  private reconnectNow(): void {
    if (this.closed || this.ws !== undefined) return;
    this.connect();
  }
}
