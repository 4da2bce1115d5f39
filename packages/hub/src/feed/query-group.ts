import type { CompiledFilter } from '@shoal/filter';
import type { Entry } from '@shoal/model';
import type { Logger } from 'pino';
import type { NameLookup } from '../names.js';
import type { SubscriberCounts } from '../workers/worker-link.js';
import type { WorkerRegistry } from '../workers/worker-registry.js';
import { encodeBatch, type ClientFeed } from './client-feed.js';
import { CopyFreeMerge } from './copy-free-merge.js';
import { WorkerFeed } from './worker-feed.js';
import type { WorkerLink } from '../workers/worker-link.js';
import { fillNames } from './fill-names.js';

export interface GroupOptions {
  /** How long an entry may wait for earlier ones from other workers. */
  windowMs: number;
  /** Most entries held in the window; past it the oldest are released early. */
  maxHeld: number;
  /** Longest wait for the workers' `ready` before the group says `ready` anyway. */
  readyWaitMs: number;
}

export const DEFAULT_GROUP_OPTIONS: GroupOptions = { windowMs: 500, maxHeld: 50_000, readyWaitMs: 5000 };

/** Counters of every group, for /metrics. */
export interface GroupCounters {
  /** Entries a worker sent that failed the hub's own check of the filter. */
  rejected: number;
  late: number;
  /** Entries of a call another node's worker had already given (cross-node-copies.ts). */
  copies: number;
}

/**
 * One query of the hub's /ws: a subscription to each worker (the push-down), their entries
 * re-checked against the filter, named, merged by time, and each sent once as JSON to every
 * client of the query. Live-only clients with the same filter text share a group; a client
 * asking for a replay (`since`) gets its own, since its replay is its own.
 */
export class QueryGroup {
  readonly clients = new Set<ClientFeed>();
  /** One subscription per worker; workers found or lost at run time join and leave it. */
  private readonly feeds = new Map<WorkerLink, WorkerFeed>();
  private readonly unsubscribe: (() => void)[];
  /** Time order, and a call seen by two nodes' workers shown once. */
  private readonly merge: CopyFreeMerge;
  private readonly tickTimer: NodeJS.Timeout;
  private readonly readyTimer: NodeJS.Timeout;
  private pendingReady: number;
  private isReady = false;
  private readonly waiting: ClientFeed[] = [];
  /** Entries delivered before `ready`: the replay. */
  private replayed = 0;
  /** Entries delivered in this turn of the event loop: one batch for the clients that take them so. */
  private turn: Buffer[] = [];

  constructor(
    /** Names the query in `ready` and in /status, so a client finds its own among equal filters. */
    readonly id: string,
    readonly key: string,
    readonly filter: CompiledFilter,
    readonly since: number | undefined,
    registry: WorkerRegistry,
    private readonly names: NameLookup | undefined,
    private readonly counters: GroupCounters,
    options: GroupOptions,
    private readonly log: Logger,
  ) {
    this.merge = new CopyFreeMerge(options.windowMs, options.maxHeld, (e) => this.deliver(e), () => this.counters.copies++);
    // A replay is merged whole before `ready`, so its copies are chosen by time, not by speed.
    this.merge.holding = since !== undefined;
    const links = registry.all();
    this.pendingReady = links.length;
    this.tickTimer = setInterval(() => this.tick(), Math.max(10, Math.floor(options.windowMs / 5)));
    this.tickTimer.unref();
    this.readyTimer = setTimeout(() => this.becomeReady(), options.readyWaitMs);
    this.readyTimer.unref();
    for (const link of links) this.subscribe(link);
    this.unsubscribe = [registry.onAdded((link) => this.workerAdded(link)), registry.onRemoved((link) => this.workerRemoved(link))];
    if (links.length === 0) this.becomeReady();
  }

  /** Entries from each worker so far, by worker name (tests, /metrics). */
  receivedByWorker(): Record<string, number> {
    return Object.fromEntries([...this.feeds.values()].map((f) => [f.link.name, f.received]));
  }

  /** What the workers' filters did for this query (push-down), summed over the workers. */
  counts(): SubscriberCounts {
    const sum = { evaluated: 0, filtered: 0 };
    for (const feed of this.feeds.values()) {
      const c = feed.counts();
      sum.evaluated += c.evaluated;
      sum.filtered += c.filtered;
    }
    return sum;
  }

  add(client: ClientFeed): void {
    this.clients.add(client);
    if (this.isReady) client.send({ ready: { filter: this.filter.text, replayed: 0, query: this.id } });
    else this.waiting.push(client);
  }

  remove(client: ClientFeed): void {
    this.clients.delete(client);
  }

  close(): void {
    clearInterval(this.tickTimer);
    clearTimeout(this.readyTimer);
    for (const stop of this.unsubscribe) stop();
    for (const feed of this.feeds.values()) feed.close();
  }

  private subscribe(link: WorkerLink, since = this.since): void {
    const feed = new WorkerFeed(link, this.filter.text, since, {
      entry: (e) => this.accept(e),
      ready: () => this.workerReady(),
      lost: (n) => this.workerLost(n),
    }, this.log);
    this.feeds.set(link, feed);
    feed.start();
  }

  /**
   * A worker found after the group started: a replay asks it from the group's `since` as well;
   * a live query from the moment it was found, so what it stores before its socket opens is not
   * missed. Until the group is ready it waits for this worker's replay too.
   */
  private workerAdded(link: WorkerLink): void {
    if (!this.isReady) this.pendingReady++;
    this.subscribe(link, this.since ?? Date.now());
  }

  /** A worker that is gone (or moved: its new address comes as an added one) leaves the group. */
  private workerRemoved(link: WorkerLink): void {
    const feed = this.feeds.get(link);
    if (feed === undefined) return;
    this.feeds.delete(link);
    feed.close();
    if (!feed.readied) this.workerReady();
  }

  private accept(entry: Entry): void {
    // The workers evaluated the filter (push-down); the hub checks again, so a worker of an
    // older version, or one that misread the filter, cannot show a dashboard what it did not ask for.
    if (!this.filter.matches(entry)) {
      this.counters.rejected++;
      return;
    }
    // Names first: whether a call crossed nodes is read from its ends' nodes.
    if (this.names !== undefined) fillNames(entry, this.names);
    const late = this.merge.late;
    this.merge.push(entry);
    this.counters.late += this.merge.late - late;
  }

  private deliver(entry: Entry): void {
    if (!this.isReady) this.replayed++;
    // Encoded once for every client: sending a string would encode it again for each.
    const json = Buffer.from(JSON.stringify(entry));
    if (this.turn.length === 0) queueMicrotask(() => this.flushTurn());
    this.turn.push(json);
    for (const client of this.clients) client.offer(json);
  }

  /** The end of the turn: batched clients get what it released, encoded once for those that took it all. */
  private flushTurn(): void {
    const entries = this.turn;
    this.turn = [];
    let data: Buffer | undefined;
    const shared = { count: entries.length, data: () => (data ??= encodeBatch(entries)) };
    for (const client of this.clients) client.flush(shared);
  }

  private tick(): void {
    this.merge.tick();
    for (const client of this.clients) client.catchUp();
  }

  private workerReady(): void {
    if (--this.pendingReady <= 0) this.becomeReady();
  }

  private workerLost(n: number): void {
    for (const client of this.clients) client.addLost(n);
  }

  /** Replays are done (or the wait is over): what they sent goes out in order, then `ready`. */
  private becomeReady(): void {
    if (this.isReady) return;
    clearTimeout(this.readyTimer);
    this.merge.flushAll();
    this.isReady = true;
    for (const client of this.waiting.splice(0)) {
      if (this.clients.has(client)) client.send({ ready: { filter: this.filter.text, replayed: this.replayed, query: this.id } });
    }
  }
}
