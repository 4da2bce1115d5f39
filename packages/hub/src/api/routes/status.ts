import type { ServerResponse } from 'node:http';
import type { HubStatus } from '@shoal/model';
import type { ApiContext } from '../api-context.js';
import { sendJson } from '../http-util.js';

/**
 * GET /status: each worker's state (with its names table when the hub has names), whether the
 * hub can choose targets (a dashboard then asks /targets, which answers 409 otherwise), and the
 * hub's feed.
 */
export function getStatus(ctx: ApiContext, res: ServerResponse): void {
  const { registry, feeds } = ctx;
  const names = ctx.resolution?.workers();
  const workers = registry.status().map((w) => (names === undefined ? w : { ...w, names: names[w.name] }));
  const status: HubStatus = {
    workers,
    up: workers.filter((w) => w.up).length,
    targeting: ctx.targets !== undefined,
    feed: { clients: ctx.sockets.size, windowMs: ctx.windowMs, queries: feeds.list().map((g) => ({ id: g.id, filter: g.filter.text, clients: g.clients.size, ...g.counts() })), replays: feeds.replaying, ...feeds.counters },
  };
  sendJson(res, 200, status);
}
