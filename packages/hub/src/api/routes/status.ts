import type { ServerResponse } from 'node:http';
import type { FeedHub } from '../../feed/feed-hub.js';
import type { ResolutionPusher } from '../../workers/resolution-pusher.js';
import type { WorkerRegistry } from '../../workers/worker-registry.js';
import { sendJson } from '../http-util.js';

/**
 * GET /status: each worker's state (with its names table when the hub has names), whether the
 * hub can choose targets (a dashboard then asks /targets, which answers 409 otherwise), and the
 * hub's feed.
 */
export function getStatus(registry: WorkerRegistry, feeds: FeedHub, resolution: ResolutionPusher | undefined, targeting: boolean, sockets: number, res: ServerResponse): void {
  const names = resolution?.workers();
  const workers = registry.status().map((w) => (names === undefined ? w : { ...w, names: names[w.name] }));
  sendJson(res, 200, {
    workers,
    up: workers.filter((w) => w.up).length,
    targeting,
    feed: { clients: sockets, queries: feeds.list().map((g) => ({ id: g.id, filter: g.filter.text, since: g.since ?? null, clients: g.clients.size, ...g.counts() })), ...feeds.counters },
  });
}
