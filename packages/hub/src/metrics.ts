import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { FeedHub } from './feed/feed-hub.js';
import type { HubHistory } from './history/hub-history.js';
import type { WorkerRegistry } from './workers/worker-registry.js';

export const METRIC_PREFIX = 'shoal_hub_';

/** A counter that mirrors a running total kept elsewhere, read at each scrape. */
function mirrored(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name: METRIC_PREFIX + name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

/** Like `mirrored`, one series per key of the totals `read` returns, the key as the `label`. */
function labelled(registry: Registry, name: string, help: string, label: string, read: () => Record<string, number>): void {
  new Counter({
    name: METRIC_PREFIX + name,
    help,
    labelNames: [label],
    registers: [registry],
    collect() {
      this.reset();
      for (const [value, n] of Object.entries(read())) this.inc({ [label]: value }, n);
    },
  });
}

/** The hub's Prometheus metrics (docs/hub.md, GET /metrics), all named shoal_hub_*. */
export function createHubMetrics(workers: WorkerRegistry, feeds: FeedHub, sockets: () => number): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  new Gauge({
    name: `${METRIC_PREFIX}workers`, help: 'Workers the hub knows', registers: [registry],
    collect() {
      this.set(workers.all().length);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}workers_up`, help: 'Workers answering now', registers: [registry],
    collect() {
      this.set(workers.up().length);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}feed_clients`, help: 'Connected /ws clients', registers: [registry],
    collect() {
      this.set(sockets());
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}feed_queries`, help: 'Distinct /ws queries, each one subscription per worker', registers: [registry],
    collect() {
      this.set(feeds.list().length);
    },
  });
  mirrored(registry, 'feed_delivered_entries_total', 'Entries sent to /ws clients', () => feeds.counters.delivered);
  mirrored(registry, 'feed_lost_entries_total', 'Entries skipped for /ws clients that read too slowly (or skipped by a worker for the hub)', () => feeds.counters.lost);
  mirrored(registry, 'feed_cross_node_copies_total', 'Entries of a call captured on two nodes that the hub did not show twice', () => feeds.counters.copies);
  mirrored(registry, 'feed_rejected_entries_total', 'Entries a worker sent that failed the hub\'s own check of the filter', () => feeds.counters.rejected);
  new Gauge({
    name: `${METRIC_PREFIX}feed_replays`, help: '/ws replays (subscriptions with since) running now, bounded by --max-replays', registers: [registry],
    collect() {
      this.set(feeds.replaying);
    },
  });
  const { guard } = feeds;
  labelled(registry, 'feed_replays_refused_total', 'Replays refused by a bound (HUB_ERR_REPLAY_LIMIT): bound is hub (--max-replays) or client (--max-client-replays)', 'bound', () => guard.replaysRefused);
  mirrored(registry, 'feed_resubscribes_refused_total', 'Subscriptions refused on a /ws socket past --max-resubscribes a second (HUB_ERR_RESUBSCRIBE_RATE)', () => guard.resubscribesRefused);
  labelled(registry, 'feed_silent_sockets_total', 'Feed sockets terminated for missing a heartbeat: peer is workers (then resubscribed) or clients', 'peer', () => guard.silent);
  mirrored(registry, 'feed_late_entries_total', 'Entries that arrived after the merge window had passed their time (delivered out of order)', () => feeds.counters.late);
  return registry;
}

/** The bounds of the history routes at work (docs/hub.md, "Bounds of the history"). */
export function registerHistoryMetrics(registry: Registry, history: HubHistory): void {
  const walks = history.walks;
  new Gauge({
    name: `${METRIC_PREFIX}walks_running`, help: '/stats and /servicemap walks of the history running now (at most --max-walks)', registers: [registry],
    collect() {
      this.set(walks.running);
    },
  });
  mirrored(registry, 'walks_total', '/stats and /servicemap walks of the history started', () => walks.counts.walks);
  mirrored(registry, 'walks_refused_total', '/stats and /servicemap requests refused with 503 HUB_ERR_TOO_MANY_WALKS: --max-walks walks were running', () => walks.counts.refused);
  mirrored(registry, 'walks_shared_total', '/stats and /servicemap answers given from the same question\'s walk, running or finished within --walk-share-ms', () => walks.counts.shared);
  mirrored(registry, 'history_limit_lowered_total', 'GET /entries requests whose limit= was lowered to --max-history-limit', () => history.limitsLowered);
}
