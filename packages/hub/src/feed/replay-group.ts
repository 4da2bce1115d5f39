import { RESUME_MARGIN_MS, type Entry } from '@shoal/model';
import { CopyFreeMerge } from './copy-free-merge.js';
import { intake } from './group-intake.js';
import type { GroupContext, QueryGroup } from './query-group.js';
import type { ReplayHandover } from './replay-handover.js';
import { WorkerFeed, type FeedLink } from './worker-feed.js';

/** One worker's part of a replay: waiting for the live group's socket, then replaying, then ended. */
interface Part {
  feed: WorkerFeed | undefined;
  cancelWait: () => void;
  ended: boolean;
}

/**
 * The history of one client that asked for `since`: for each worker of its live group, a
 * subscription of its own from `since`, opened once the group's subscription to that worker is
 * live and closed by the worker's `ready` (replay-only), whose `last` is where the handover cuts
 * (replay-handover.ts). The parts are merged whole in time order before `ready` (a fast
 * worker's entries wait for a slow one's earlier ones), and `ready` comes once every part ended
 * (a worker that is down, goes down or is gone ends its part with what it gave), or after the
 * group's wait at most; a part still replaying then goes on, its entries late, and one still
 * waiting for the live group's socket ends. The replay counts
 * against the hub's bounds until its last part ended (feed-hub.ts).
 */
export class ReplayGroup {
  private readonly parts = new Map<FeedLink, Part>();
  /** Each worker's 'down' listener: a worker marked down ends its part. */
  private readonly downListeners = new Map<FeedLink, () => void>();
  private readonly merge: CopyFreeMerge;
  private tickTimer: unknown;
  private readyTimer: unknown;
  private isReady = false;
  private closed = false;
  private stopRemoved: () => void = () => undefined;
  private replayed = 0;
  private flushQueued = false;

  constructor(
    private readonly since: number,
    private readonly live: QueryGroup,
    private readonly handover: ReplayHandover,
    private readonly ctx: GroupContext,
    /** Called once when every part ended and `ready` went out, or the replay was closed. */
    private readonly finished: () => void,
  ) {
    const { options, env } = ctx;
    this.merge = new CopyFreeMerge(options.windowMs, options.maxHeld, (e) => this.deliver(e), () => this.ctx.counters.copies++, env.clock.now);
    this.merge.holding = true;
  }

  /** Starts a part per worker of the live group (a worker found later is the live group's alone). */
  start(): void {
    const { clock } = this.ctx.env;
    this.tickTimer = clock.setInterval(() => this.merge.tick(), Math.max(10, Math.floor(this.ctx.options.windowMs / 5)));
    this.readyTimer = clock.setTimeout(() => this.waitOver(), this.ctx.options.readyWaitMs);
    const links = this.live.links();
    // A worker that is gone (or moved) ends its part with what it gave.
    this.stopRemoved = this.ctx.registry.onRemoved((link) => this.end(link, null));
    for (const link of links) {
      this.handover.expect(link.name);
      const part: Part = { feed: undefined, cancelWait: () => undefined, ended: false };
      this.parts.set(link, part);
      link.on('down', this.downListener(link));
    }
    for (const link of links) {
      const part = this.parts.get(link)!;
      if (!part.ended) part.cancelWait = this.live.whenLive(link, (live) => (live ? this.subscribe(link) : this.end(link, null)));
    }
    this.checkDone();
  }

  /** The client left, or changed its query: every part stops. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const { clock } = this.ctx.env;
    clock.clearInterval(this.tickTimer);
    clock.clearTimeout(this.readyTimer);
    this.stopRemoved();
    for (const [link, part] of this.parts) {
      part.cancelWait();
      part.feed?.close();
      link.off('down', this.downListener(link));
    }
    this.finished();
  }

  private downListener(link: FeedLink): () => void {
    let listener = this.downListeners.get(link);
    if (listener === undefined) this.downListeners.set(link, (listener = () => this.end(link, null)));
    return listener;
  }

  private subscribe(link: FeedLink): void {
    const part = this.parts.get(link);
    if (part === undefined || part.ended || this.closed) return;
    part.feed = new WorkerFeed(link, this.live.filter.text, this.since, {
      entry: (e) => intake(e, this.live.filter, this.ctx.names, this.merge, this.ctx.counters),
      settled: () => undefined,
      live: (last) => this.end(link, last ?? null),
      lost: (n) => this.handover.client.addLost(n),
    }, this.ctx.log, { heartbeatMs: this.ctx.options.heartbeatMs, onSilent: () => this.ctx.silent.workers++, replayOnly: true }, this.ctx.env);
    part.feed.start();
  }

  /** A part ended: at the worker's `ready` (`last`), or without it (null: the worker is down or gone). */
  private end(link: FeedLink, last: string | null): void {
    const part = this.parts.get(link);
    if (part === undefined || part.ended || this.closed) return;
    part.ended = true;
    part.cancelWait();
    part.feed?.close(true);
    link.off('down', this.downListener(link));
    this.handover.cut(link.name, last);
    this.checkDone();
  }

  private checkDone(): void {
    if ([...this.parts.values()].some((p) => !p.ended)) return;
    this.becomeReady();
    // A part that ended after `ready`: its last entries are still in the window.
    this.merge.flushAll();
    this.close();
    // The ids the handover keeps for the rare live entry it cannot place against a cut (a
    // worker restarted meanwhile) cost memory for as long as the client stays: one margin is enough.
    this.ctx.env.clock.setTimeout(() => this.handover.forgetReplayed(), RESUME_MARGIN_MS);
  }

  private deliver(entry: Entry): void {
    if (!this.isReady) this.replayed++;
    this.handover.replayed(entry, Buffer.from(JSON.stringify(entry)));
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => {
        this.flushQueued = false;
        this.handover.client.flush();
      });
    }
  }

  /**
   * The group's wait is over: `ready` goes out. A part still waiting for the live group's
   * socket (a worker that refuses it, or never says ready) ends with nothing, so that the
   * replay does not hold its place in the bounds for as long as that lasts; a part replaying
   * goes on.
   */
  private waitOver(): void {
    for (const [link, part] of this.parts) if (!part.ended && part.feed === undefined) this.end(link, null);
    this.becomeReady();
  }

  /** Every part ended (or the wait is over): the merged replay goes out, then `ready`. */
  private becomeReady(): void {
    if (this.isReady || this.closed) return;
    this.ctx.env.clock.clearTimeout(this.readyTimer);
    this.merge.flushAll();
    this.isReady = true;
    this.handover.replayDone({ ready: { filter: this.live.shown, replayed: this.replayed, query: this.live.id } });
  }
}
