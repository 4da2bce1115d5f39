import { compileFilter, type CompiledFilter } from '@shoal/filter';
import type { Logger } from 'pino';
import type { NameLookup } from '../names.js';
import type { WorkerRegistry } from '../workers/worker-registry.js';
import type { ClientFeed, FeedCounters } from './client-feed.js';
import { QueryGroup, type GroupCounters, type GroupOptions } from './query-group.js';

/**
 * The hub's /ws subscriptions, by query: clients with the same filter (and no replay) share one
 * group, so N dashboards on the same query cost the workers one subscription each, not N.
 */
export class FeedHub {
  private readonly groups = new Map<string, QueryGroup>();
  private readonly memberOf = new Map<ClientFeed, QueryGroup>();
  private privateKeys = 0;
  private groupIds = 0;
  readonly counters: FeedCounters & GroupCounters = { delivered: 0, lost: 0, rejected: 0, late: 0, copies: 0 };

  constructor(
    private readonly registry: WorkerRegistry,
    private readonly names: NameLookup | undefined,
    private readonly options: GroupOptions,
    private readonly log: Logger,
  ) {}

  /** Compiles a filter; throws the filter package's FilterError (with its position). */
  compile(text: string): CompiledFilter {
    return compileFilter(text);
  }

  /** Moves `client` to the query `filter` (leaving its previous one). */
  join(client: ClientFeed, filter: CompiledFilter, since: number | undefined): void {
    this.leave(client);
    const key = since === undefined ? `live:${filter.text}` : `replay:${++this.privateKeys}`;
    let group = this.groups.get(key);
    if (group === undefined) {
      group = new QueryGroup(`q${++this.groupIds}`, key, filter, since, this.registry, this.names, this.counters, this.options, this.log);
      this.groups.set(key, group);
    }
    this.memberOf.set(client, group);
    group.add(client);
  }

  leave(client: ClientFeed): void {
    const group = this.memberOf.get(client);
    if (group === undefined) return;
    this.memberOf.delete(client);
    group.remove(client);
    if (group.clients.size === 0) {
      group.close();
      this.groups.delete(group.key);
    }
  }

  get clients(): number {
    return this.memberOf.size;
  }

  /** Groups now (each is one subscription per worker). */
  list(): QueryGroup[] {
    return [...this.groups.values()];
  }

  closeAll(code: number, reason: string): void {
    for (const client of [...this.memberOf.keys()]) {
      this.leave(client);
      client.ws.close(code, reason);
    }
  }
}
