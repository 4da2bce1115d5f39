import { compileFilter, type CompiledFilter } from '@shoal/filter';
import { ShoalError } from '@shoal/model';
import type { Logger } from 'pino';
import type { NameLookup } from '../names.js';
import type { ClientFeed, FeedCounters } from './client-feed.js';
import { NODE_FEED_ENVIRONMENT, type FeedEnvironment } from './feed-environment.js';
import type { GroupCounters } from './group-intake.js';
import { DEFAULT_GROUP_OPTIONS, QueryGroup, type GroupContext, type GroupOptions, type GroupRegistry } from './query-group.js';
import { ReplayGroup } from './replay-group.js';
import { ReplayHandover } from './replay-handover.js';

/** The hub's bounds on replays (docs/hub.md, Bounds): each has a `shoal hub` flag. */
export interface ReplayBounds {
  /** Replays running at once in the hub (`--max-replays`). */
  maxReplays: number;
  /** Replays running at once for one client (`--max-client-replays`). */
  maxClientReplays: number;
}

export interface FeedOptions extends GroupOptions, ReplayBounds {
  /** Subscriptions one /ws socket may send within a second (`--max-resubscribes`). */
  maxResubscribes: number;
}

export const DEFAULT_FEED_OPTIONS: FeedOptions = { ...DEFAULT_GROUP_OPTIONS, maxReplays: 32, maxClientReplays: 4, maxResubscribes: 5 };

/** What the bounds refused, and the heartbeats gave up on (metrics). */
export interface GuardCounters {
  replaysRefused: { hub: number; client: number };
  resubscribesRefused: number;
  silent: { workers: number; clients: number };
}

interface Replay {
  group: ReplayGroup;
  /** Who asked (feed-route.ts: the proxy's client id, or the peer address). */
  clientKey: string;
}

/**
 * The hub's /ws subscriptions, by query: every client of a filter shares one live group, so N
 * dashboards on the same query cost the workers one subscription each, not N. A client that
 * asks for `since` joins the same group and gets its history from a replay of its own, handed
 * over to the shared stream without a gap or a repeat (replay-handover.ts). Replays are bounded
 * per hub and per client.
 */
export class FeedHub {
  private readonly groups = new Map<string, QueryGroup>();
  private readonly memberOf = new Map<ClientFeed, QueryGroup>();
  private readonly replays = new Map<ClientFeed, Replay>();
  private groupIds = 0;
  readonly counters: FeedCounters & GroupCounters = { delivered: 0, lost: 0, rejected: 0, late: 0, copies: 0 };
  readonly guard: GuardCounters = { replaysRefused: { hub: 0, client: 0 }, resubscribesRefused: 0, silent: { workers: 0, clients: 0 } };
  private readonly ctx: GroupContext;

  constructor(
    registry: GroupRegistry,
    names: NameLookup | undefined,
    private readonly options: FeedOptions,
    /** Live entries held for a client while its replay runs (its slow-client bound). */
    private readonly maxHeldBytes: number,
    log: Logger,
    readonly env: FeedEnvironment = NODE_FEED_ENVIRONMENT,
  ) {
    this.ctx = { registry, names, counters: this.counters, silent: this.guard.silent, options, log, env };
  }

  /** Compiles a filter; throws the filter package's FilterError (with its position). */
  compile(text: string): CompiledFilter {
    return compileFilter(text);
  }

  /**
   * Moves `client` to the query `filter` (leaving its previous one), with its history from
   * `since` first when given. A replay past the bounds throws HUB_ERR_REPLAY_LIMIT and leaves
   * the client where it was. `shown`: the filter as the client sent it, when its scope narrowed
   * it to `filter` (view-scope.ts); clients of one scope and one filter share a group.
   */
  join(client: ClientFeed, filter: CompiledFilter, since: number | undefined, clientKey: string, shown = filter.text): void {
    if (since !== undefined) this.admitReplay(client, clientKey);
    this.leave(client);
    let group = this.groups.get(filter.text);
    if (group === undefined) {
      group = new QueryGroup(`q${++this.groupIds}`, filter, this.ctx, shown);
      this.groups.set(filter.text, group);
    }
    this.memberOf.set(client, group);
    if (since === undefined) {
      group.add(client);
      return;
    }
    const handover = new ReplayHandover(client, since, this.maxHeldBytes);
    group.add(client, handover);
    const replay: Replay = {
      group: new ReplayGroup(since, group, handover, this.ctx, () => {
        if (this.replays.get(client) === replay) this.replays.delete(client);
      }),
      clientKey,
    };
    this.replays.set(client, replay);
    replay.group.start();
  }

  leave(client: ClientFeed): void {
    this.replays.get(client)?.group.close();
    const group = this.memberOf.get(client);
    if (group === undefined) return;
    this.memberOf.delete(client);
    group.remove(client);
    if (group.clients.size === 0) {
      group.close();
      this.groups.delete(group.filter.text);
    }
  }

  get clients(): number {
    return this.memberOf.size;
  }

  /** Replays running now. */
  get replaying(): number {
    return this.replays.size;
  }

  /** Live groups now (each is one subscription per worker). */
  list(): QueryGroup[] {
    return [...this.groups.values()];
  }

  closeAll(code: number, reason: string): void {
    for (const client of [...this.memberOf.keys()]) {
      this.leave(client);
      client.ws.close(code, reason);
    }
  }

  /** Refuses a replay past the bounds; a client's own running replay (which it replaces) does not count. */
  private admitReplay(client: ClientFeed, clientKey: string): void {
    const others = [...this.replays].filter(([c]) => c !== client).map(([, r]) => r);
    if (others.length >= this.options.maxReplays) {
      this.guard.replaysRefused.hub++;
      throw new ShoalError('HUB_ERR_REPLAY_LIMIT', `the hub is running its ${this.options.maxReplays} replays at once (--max-replays): try again in a few seconds, or subscribe without since`);
    }
    if (others.filter((r) => r.clientKey === clientKey).length >= this.options.maxClientReplays) {
      this.guard.replaysRefused.client++;
      throw new ShoalError('HUB_ERR_REPLAY_LIMIT', `this client is running its ${this.options.maxClientReplays} replays at once (--max-client-replays): wait for one to say ready, or close a tab`);
    }
  }
}
