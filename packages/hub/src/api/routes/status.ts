import type { ServerResponse } from 'node:http';
import type { HubStatus, WorkerState } from '@shoal/model';
import type { ViewScope } from '../../access/view-scope.js';
import type { ApiContext } from '../api-context.js';
import { sendJson } from '../http-util.js';

/**
 * A worker as a caller of `scope` sees it (docs/security.md): every node stays listed with its
 * state; its own pod and the pods its TLS tracer follows only when their namespace is in scope.
 */
export function scopedWorker<W extends WorkerState>(w: W, scope: ViewScope): W {
  if (scope.all) return w;
  return {
    ...w,
    pod: w.pod !== null && scope.seesPod(w.pod) ? w.pod : null,
    tls: w.tls === null ? null : { ...w.tls, pods: w.tls.pods.filter((p) => scope.seesPod(p.pod)) },
  };
}

/**
 * GET /status: each worker's state (with its names table when the hub has names), whether the
 * hub can choose targets (a dashboard then asks /targets, which answers 409 otherwise), and the
 * hub's feed. A caller who does not see every namespace gets only its pods, and only the live
 * queries of its own scope, each under the filter its clients sent (feed-hub.ts).
 */
export function getStatus(ctx: ApiContext, res: ServerResponse, scope: ViewScope): void {
  const { registry, feeds } = ctx;
  const names = ctx.resolution?.workers();
  const workers = registry.status().map((w) => scopedWorker(names === undefined ? w : { ...w, names: names[w.name] }, scope));
  const groups = feeds.list().filter((g) => scope.all || scope.narrow(g.shown) === g.filter.text);
  const status: HubStatus = {
    workers,
    up: workers.filter((w) => w.up).length,
    targeting: ctx.targets !== undefined,
    feed: { clients: ctx.sockets.size, windowMs: ctx.windowMs, queries: groups.map((g) => ({ id: g.id, filter: scope.all ? g.filter.text : g.shown, clients: g.clients.size, ...g.counts() })), replays: feeds.replaying, ...feeds.counters },
  };
  sendJson(res, 200, status);
}
