import type { ServerResponse } from 'node:http';
import type { FeedHub } from '../../feed/feed-hub.js';
import type { WorkerRegistry } from '../../workers/worker-registry.js';
import { sendJson } from '../http-util.js';

/** GET /status: each worker's state, and the hub's feed. */
export function getStatus(registry: WorkerRegistry, feeds: FeedHub, sockets: number, res: ServerResponse): void {
  const workers = registry.status();
  sendJson(res, 200, {
    workers,
    up: workers.filter((w) => w.up).length,
    feed: { clients: sockets, queries: feeds.list().map((g) => ({ filter: g.filter.text, since: g.since ?? null, clients: g.clients.size })), ...feeds.counters },
  });
}
