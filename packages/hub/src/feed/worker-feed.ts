import { entryPosition, ResumeState, type Entry, type EntryPosition } from '@shoal/model';
import type { Logger } from 'pino';
import type { RawData } from 'ws';
import { Backoff } from '../workers/backoff.js';
import type { SubscriberCounts } from '../workers/worker-link.js';
import { NODE_FEED_ENVIRONMENT, type FeedEnvironment, type WorkerSocket } from './feed-environment.js';
import { Heartbeat } from './heartbeat.js';

/** What a feed needs of a worker (WorkerLink; a fake one in the unit tests). */
export interface FeedLink {
  readonly name: string;
  /** The worker answered the hub's last poll. */
  readonly up: boolean;
  /** The hub polled the worker at least once (up or down): false just after the hub started or found it. */
  readonly polled: boolean;
  wsUrl(filter: string, since: number | undefined): string;
  headers(): Record<string, string>;
  /** A feed socket got a message: the worker is alive. */
  heard(): void;
  /** A feed socket closed: poll the worker now. */
  checkSoon(): void;
  subscriberCounts(localPort: number, filter: string): SubscriberCounts | undefined;
  on(event: 'up' | 'down', listener: () => void): unknown;
  off(event: 'up' | 'down', listener: () => void): unknown;
}

export interface WorkerFeedEvents {
  entry(entry: Entry): void;
  /** Once: the worker's replay is done, or it is down: the group need not wait for it. */
  settled(): void;
  /**
   * A socket of this feed went live at the worker (its `ready`). `last` is the ready's: the id
   * of the newest entry the worker had made then (null: none this run; undefined: a worker that
   * does not say). Every later entry on this socket comes after it in the worker's order.
   */
  live?(last: string | null | undefined): void;
  /** The worker skipped `n` entries because the hub read too slowly. */
  lost(n: number): void;
}

export interface WorkerFeedOptions {
  /** Ping period of the socket (heartbeat.ts); a socket silent for a whole period is replaced. */
  heartbeatMs: number;
  /** Called when the heartbeat gave a socket up (metrics). */
  onSilent(): void;
  /** Replay only: once the worker says `ready`, close for good (a client's replay, replay-group.ts). */
  replayOnly?: boolean;
}

/**
 * One subscription of the hub to one worker's /ws for one query: the push-down (the worker
 * evaluates the filter and sends only matches). A heartbeat replaces a socket whose worker went
 * silent (a rebooted node leaves a half-open socket that would otherwise stay forever). When the
 * socket breaks it reconnects with backoff and jitter, at once when the worker's link sees it up
 * again, and resumes by the feeds' one rule (model's wire/feed.ts): from the response timeout
 * before the newest entry it had, so the entries the worker made meanwhile, and those emitted
 * late, still arrive; what arrives twice is dropped by id.
 */
export class WorkerFeed {
  private ws: WorkerSocket | undefined;
  private heartbeat: Heartbeat | undefined;
  private readonly backoff: Backoff;
  private timer: unknown;
  private closed = false;
  private settledOnce = false;
  /** The current socket got its `ready`: entries on it are live. */
  private isLive = false;
  /** When the feed lost its worker (the first failure since the last `ready`). */
  private lostAt: number | undefined;
  private readonly resume: ResumeState;
  /**
   * A live feed's start in the worker's order (its first `ready.last`): what a resumption
   * replays from before it was never this feed's, and is dropped.
   */
  private startedAfter: EntryPosition | undefined;
  private wentLive = false;
  private readonly onUp = (): void => this.reconnectNow();
  /** Entries received from this worker (metrics, tests). */
  received = 0;
  /** Sockets opened so far (tests). */
  opened = 0;
  /** The local port of the current socket: how the worker's /stats names this subscription. */
  private localPort: number | undefined;
  /** What the worker's filter did on this feed's earlier (closed) sockets. */
  private readonly earlier: SubscriberCounts = { evaluated: 0, filtered: 0 };

  constructor(
    readonly link: FeedLink,
    private readonly filter: string,
    private readonly since: number | undefined,
    private readonly events: WorkerFeedEvents,
    private readonly log: Logger,
    private readonly options: WorkerFeedOptions,
    private readonly env: FeedEnvironment = NODE_FEED_ENVIRONMENT,
  ) {
    this.backoff = new Backoff(250, 5000);
    this.resume = new ResumeState(since);
    link.on('up', this.onUp);
  }

  /** The group was told this worker's replay is done (or that it is down). */
  get settled(): boolean {
    return this.settledOnce;
  }

  /** The current socket is live at the worker. */
  get live(): boolean {
    return this.isLive;
  }

  start(): void {
    // A worker known to be down does not hold the group's `ready`; its feed keeps trying.
    if (!this.link.up) this.settle();
    this.connect();
  }

  /** Stops for good: `done` closes the socket cleanly (a replay that ended), else it is cut. */
  close(done = false): void {
    if (this.closed) return;
    this.closed = true;
    this.env.clock.clearTimeout(this.timer);
    this.link.off('up', this.onUp);
    this.heartbeat?.stop();
    if (done) this.ws?.close(1000, 'replay done');
    else this.ws?.terminate();
  }

  /**
   * What the worker's filter did for this feed: the counts its /stats gave at the hub's last
   * poll for the current socket (so up to a poll period old), plus those of earlier sockets.
   */
  counts(): SubscriberCounts {
    const now = this.localPort === undefined ? undefined : this.link.subscriberCounts(this.localPort, this.filter);
    return { evaluated: this.earlier.evaluated + (now?.evaluated ?? 0), filtered: this.earlier.filtered + (now?.filtered ?? 0) };
  }

  private connect(): void {
    if (this.closed) return;
    this.env.clock.clearTimeout(this.timer);
    const since = this.lostAt === undefined ? this.since : this.resume.resumeSince(this.lostAt);
    const ws = this.env.connect(this.link.wsUrl(this.filter, since), this.link.headers());
    this.ws = ws;
    this.opened++;
    ws.on('open', () => {
      if (this.ws === ws) this.heartbeat = new Heartbeat(ws, this.options.heartbeatMs, () => this.silent(), this.env.clock);
    });
    ws.on('upgrade', (res: { socket: { localPort?: number } }) => (this.localPort = res.socket.localPort));
    ws.on('message', (data: RawData) => {
      if (this.ws === ws) this.onMessage(String(data));
    });
    ws.on('unexpected-response', (_req: unknown, res: { statusCode?: number }) => {
      this.log.warn({ worker: this.link.name, status: res.statusCode }, 'worker refused the feed subscription');
      ws.terminate();
    });
    ws.on('error', (err: Error) => this.log.debug({ worker: this.link.name, err: err.message }, 'worker feed socket error'));
    ws.on('close', () => this.onClose(ws));
  }

  private silent(): void {
    this.log.warn({ worker: this.link.name }, 'worker feed socket silent for a heartbeat period: replacing it');
    this.options.onSilent();
  }

  private onMessage(text: string): void {
    // A replay-only feed closed at its `ready`: the live entries behind it are not its own.
    if (this.closed) return;
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
      if (this.before(entry.id) || !this.resume.deliver(entry.id, entry.timestamp)) return;
      this.received++;
      this.events.entry(entry);
    } else if (msg['ready'] !== undefined) {
      this.backoff.reset();
      this.lostAt = undefined;
      this.isLive = true;
      this.settle();
      const given = (msg['ready'] as { last?: unknown }).last;
      const last = typeof given === 'string' || given === null ? given : undefined;
      if (!this.wentLive && this.since === undefined && typeof last === 'string') this.startedAfter = entryPosition(last);
      this.wentLive = true;
      this.events.live?.(last);
      if (this.options.replayOnly === true) this.close(true);
    } else if (typeof msg['lost'] === 'number') {
      this.events.lost(msg['lost']);
    } else if (msg['error'] !== undefined) {
      // The hub compiled the filter before asking, so only a worker of another version gets here.
      this.log.error({ worker: this.link.name, error: msg['error'] }, 'worker refused the filter the hub accepted');
    }
  }

  /** True for an entry the worker made before this live feed started. */
  private before(id: string): boolean {
    if (this.startedAfter === undefined) return false;
    const at = entryPosition(id);
    return at !== undefined && at.run === this.startedAfter.run && at.seq <= this.startedAfter.seq;
  }

  private settle(): void {
    if (this.settledOnce) return;
    this.settledOnce = true;
    this.events.settled();
  }

  private onClose(ws: WorkerSocket): void {
    if (this.ws !== ws) return;
    this.heartbeat?.stop();
    this.heartbeat = undefined;
    this.ws = undefined;
    this.isLive = false;
    if (this.closed) return;
    const last = this.counts();
    Object.assign(this.earlier, last);
    this.localPort = undefined;
    this.lostAt ??= this.env.clock.now();
    this.settle();
    this.link.checkSoon();
    this.timer = this.env.clock.setTimeout(() => this.connect(), this.backoff.next());
  }

  /** The worker came back (its link saw it): try now rather than at the end of the backoff. */
  private reconnectNow(): void {
    if (this.closed || this.ws !== undefined) return;
    this.connect();
  }
}
