import type { CompiledFilter } from '@shoal/filter';
import type { Entry } from '@shoal/model';
import type { Logger } from 'pino';
import type { NameLookup } from '../names.js';
import type { SubscriberCounts } from '../workers/worker-link.js';
import { encodeBatch, type ClientFeed } from './client-feed.js';
import { CopyFreeMerge } from './copy-free-merge.js';
import type { FeedEnvironment } from './feed-environment.js';
import { intake, type GroupCounters } from './group-intake.js';
import type { ReplayHandover } from './replay-handover.js';
import { WorkerFeed, type FeedLink } from './worker-feed.js';

export interface GroupOptions {
  /** How long an entry may wait for earlier ones from other workers. */
  windowMs: number;
  /** Most entries held in the window; past it the oldest are released early. */
  maxHeld: number;
  /** Longest wait for the workers' `ready` before the group says `ready` anyway. */
  readyWaitMs: number;
  /** Ping period of every socket to a worker (heartbeat.ts). */
  heartbeatMs: number;
}

export const DEFAULT_GROUP_OPTIONS: GroupOptions = { windowMs: 500, maxHeld: 50_000, readyWaitMs: 5000, heartbeatMs: 15_000 };

/** The workers, as the groups see them (WorkerRegistry; a fake one in the unit tests). */
export interface GroupRegistry {
  all(): FeedLink[];
  onAdded(listener: (link: FeedLink) => void): () => void;
  onRemoved(listener: (link: FeedLink) => void): () => void;
}

/** What every group of the hub shares. */
export interface GroupContext {
  registry: GroupRegistry;
  names: NameLookup | undefined;
  counters: GroupCounters;
  /** Sockets the heartbeat gave up on, by side (metrics). */
  silent: { workers: number; clients: number };
  options: GroupOptions;
  log: Logger;
  env: FeedEnvironment;
}

/**
 * One live query of the hub's /ws, shared by every client with the same filter text: a
 * subscription to each worker (the push-down), their entries re-checked against the filter,
 * named, merged by time, and each sent once as JSON to every client of the query. A client
 * that asked for a replay joins at once with its handover (replay-handover.ts): its live entries
 * wait there until its own replay (replay-group.ts) is done, cut where the replay ended.
 */
export class QueryGroup {
  /** The clients, each with its handover while its replay has not been handed over. */
  readonly clients = new Map<ClientFeed, ReplayHandover | undefined>();
  /** One subscription per worker; workers found or lost at run time join and leave it. */
  private readonly feeds = new Map<FeedLink, WorkerFeed>();
  /** Who waits for a worker's subscription to be live (a replay that starts). */
  private readonly liveWaiters = new Map<FeedLink, Set<(live: boolean) => void>>();
  private readonly unsubscribe: (() => void)[];
  /** Time order, and a call seen by two nodes' workers shown once. */
  private readonly merge: CopyFreeMerge;
  private readonly tickTimer: unknown;
  private readonly readyTimer: unknown;
  private pendingReady: number;
  private isReady = false;
  private readonly waiting: ClientFeed[] = [];
  /** Entries delivered before `ready`. */
  private replayed = 0;
  /** Entries delivered in this turn of the event loop: one batch for the clients that take them so. */
  private turn: Buffer[] = [];

  constructor(
    /** Names the query in `ready` and in /status, so a client finds its own among equal filters. */
    readonly id: string,
    /** What the workers are asked and the hub checks: the clients' filter narrowed to their scope. */
    readonly filter: CompiledFilter,
    private readonly ctx: GroupContext,
    /** The filter as its clients sent it, before their scope narrowed it: what `ready` and /status show them. */
    readonly shown: string = filter.text,
  ) {
    const { clock } = ctx.env;
    this.merge = new CopyFreeMerge(ctx.options.windowMs, ctx.options.maxHeld, (e) => this.deliver(e), () => this.ctx.counters.copies++, clock.now);
    const links = ctx.registry.all();
    this.pendingReady = links.length;
    this.tickTimer = clock.setInterval(() => this.tick(), Math.max(10, Math.floor(ctx.options.windowMs / 5)));
    this.readyTimer = clock.setTimeout(() => this.becomeReady(), ctx.options.readyWaitMs);
    for (const link of links) this.subscribe(link, undefined);
    this.unsubscribe = [ctx.registry.onAdded((link) => this.workerAdded(link)), ctx.registry.onRemoved((link) => this.workerRemoved(link))];
    if (links.length === 0) this.becomeReady();
  }

  /** Entries from each worker so far, by worker name (tests, /metrics). */
  receivedByWorker(): Record<string, number> {
    return Object.fromEntries([...this.feeds.values()].map((f) => [f.link.name, f.received]));
  }

  /** The subscription to each worker (tests). */
  feedOf(name: string): WorkerFeed | undefined {
    return [...this.feeds.values()].find((f) => f.link.name === name);
  }

  /** The workers this group subscribes to now. */
  links(): FeedLink[] {
    return [...this.feeds.keys()];
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

  /** A live client; with `handover`, one whose replay runs: its `ready` comes from the replay. */
  add(client: ClientFeed, handover?: ReplayHandover): void {
    this.clients.set(client, handover);
    if (handover !== undefined) return;
    if (this.isReady) client.send({ ready: { filter: this.shown, replayed: 0, query: this.id } });
    else this.waiting.push(client);
  }

  remove(client: ClientFeed): void {
    this.clients.delete(client);
  }

  /**
   * Calls `then(true)` once this group's subscription to `link` is live at the worker (at once
   * if it is), `then(false)` if it cannot become so now (the worker is known down, or gone). A
   * worker the hub has not polled yet (it just started) is waited for: its history counts.
   * Returns a function that cancels the wait.
   */
  whenLive(link: FeedLink, then: (live: boolean) => void): () => void {
    const feed = this.feeds.get(link);
    if (feed?.live === true) then(true);
    else if (feed === undefined || (!link.up && link.polled)) then(false);
    else {
      let waiters = this.liveWaiters.get(link);
      if (waiters === undefined) this.liveWaiters.set(link, (waiters = new Set()));
      waiters.add(then);
      return () => waiters.delete(then);
    }
    return () => undefined;
  }

  close(): void {
    const { clock } = this.ctx.env;
    clock.clearInterval(this.tickTimer);
    clock.clearTimeout(this.readyTimer);
    for (const stop of this.unsubscribe) stop();
    for (const feed of this.feeds.values()) feed.close();
    this.liveWaiters.clear();
  }

  private subscribe(link: FeedLink, since: number | undefined): void {
    const feed = new WorkerFeed(link, this.filter.text, since, {
      entry: (e) => intake(e, this.filter, this.ctx.names, this.merge, this.ctx.counters),
      settled: () => this.workerReady(),
      live: () => this.wentLive(link),
      lost: (n) => this.workerLost(n),
    }, this.ctx.log, { heartbeatMs: this.ctx.options.heartbeatMs, onSilent: () => this.ctx.silent.workers++ }, this.ctx.env);
    this.feeds.set(link, feed);
    feed.start();
  }

  /**
   * A worker found after the group started: asked from the moment it was found, so what it
   * stores before its socket opens is not missed. Until the group is ready it waits for it too.
   */
  private workerAdded(link: FeedLink): void {
    if (!this.isReady) this.pendingReady++;
    this.subscribe(link, this.ctx.env.clock.now());
  }

  /** A worker that is gone (or moved: its new address comes as an added one) leaves the group. */
  private workerRemoved(link: FeedLink): void {
    const feed = this.feeds.get(link);
    if (feed === undefined) return;
    this.feeds.delete(link);
    feed.close();
    if (!feed.settled) this.workerReady();
    this.callWaiters(link, false);
  }

  private wentLive(link: FeedLink): void {
    this.callWaiters(link, true);
  }

  private callWaiters(link: FeedLink, live: boolean): void {
    const waiters = this.liveWaiters.get(link);
    if (waiters === undefined) return;
    this.liveWaiters.delete(link);
    for (const then of waiters) then(live);
  }

  private deliver(entry: Entry): void {
    if (!this.isReady) this.replayed++;
    // Encoded once for every client: sending a string would encode it again for each.
    const json = Buffer.from(JSON.stringify(entry));
    if (this.turn.length === 0) queueMicrotask(() => this.flushTurn());
    this.turn.push(json);
    for (const [client, handover] of this.clients) {
      if (handover === undefined) client.offer(json);
      else handover.live(entry, json);
    }
  }

  /** The end of the turn: batched clients get what it released, encoded once for those that took it all. */
  private flushTurn(): void {
    const entries = this.turn;
    this.turn = [];
    let data: Buffer | undefined;
    const shared = { count: entries.length, data: () => (data ??= encodeBatch(entries)) };
    for (const client of this.clients.keys()) client.flush(shared);
  }

  private tick(): void {
    this.merge.tick();
    for (const client of this.clients.keys()) client.catchUp();
  }

  private workerReady(): void {
    if (--this.pendingReady <= 0) this.becomeReady();
  }

  private workerLost(n: number): void {
    for (const client of this.clients.keys()) client.addLost(n);
  }

  /** Every worker answered (or the wait is over): the waiting clients hear `ready`. */
  private becomeReady(): void {
    if (this.isReady) return;
    this.ctx.env.clock.clearTimeout(this.readyTimer);
    this.merge.flushAll();
    this.isReady = true;
    for (const client of this.waiting.splice(0)) {
      if (this.clients.has(client)) client.send({ ready: { filter: this.shown, replayed: this.replayed, query: this.id } });
    }
  }
}
