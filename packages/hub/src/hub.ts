import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import type { WebSocket } from 'ws';
import { createHubServer } from './api/server.js';
import { DEFAULT_CLIENT_LIMITS, type ClientLimits } from './feed/client-feed.js';
import { FeedHub } from './feed/feed-hub.js';
import { DEFAULT_GROUP_OPTIONS, type GroupOptions } from './feed/query-group.js';
import { createHubMetrics } from './metrics.js';
import type { NameLookup, PodDirectory } from './names.js';
import { TargetPusher } from './targets/target-pusher.js';
import { DEFAULT_LINK_OPTIONS, type LinkOptions } from './workers/worker-link.js';
import type { WorkerAddress } from './workers/worker-list.js';
import { WorkerRegistry } from './workers/worker-registry.js';
import { ResolutionPusher } from './workers/resolution-pusher.js';

export interface HubOptions {
  /** TCP port of the API; 0 picks a free one (tests). */
  port: number;
  host?: string;
  workers: WorkerAddress[];
  /** The workers' API token (`--worker-token-file`). */
  workerToken?: string;
  /** The token clients must send (`--token-file`); without it the hub's API is open. */
  token?: string;
  /** Names the hub fills in at delivery, as of each entry's time (the names module). */
  names?: NameLookup;
  /** The cluster's pods, for PUT /targets (the names module: a Kubernetes watch or an inventory). */
  pods?: PodDirectory;
  logger?: Logger;
  link?: Partial<LinkOptions>;
  feed?: Partial<GroupOptions>;
  clientLimits?: ClientLimits;
}

export interface RunningHub {
  readonly port: number;
  readonly registry: WorkerRegistry;
  readonly feeds: FeedHub;
  close(): Promise<void>;
}

export function createHubLogger(level = 'info'): Logger {
  return pino({ name: 'shoal-hub', level });
}

/** Starts the hub: the worker registry (polling each worker), the feed groups, and the API. */
export async function startHub(options: HubOptions): Promise<RunningHub> {
  const log = options.logger ?? createHubLogger();
  const registry = new WorkerRegistry(options.workers, options.workerToken, log, { ...DEFAULT_LINK_OPTIONS, ...options.link });
  const feeds = new FeedHub(registry, options.names, { ...DEFAULT_GROUP_OPTIONS, ...options.feed }, log);
  const sockets = new Set<WebSocket>();
  const metrics = createHubMetrics(registry, feeds, () => sockets.size);
  const targets = options.pods === undefined ? undefined : new TargetPusher(registry, options.pods, log);
  const resolution = options.names === undefined ? undefined : new ResolutionPusher(registry, options.names, log);
  const server = createHubServer({
    registry, feeds, metrics, sockets, log,
    limits: options.clientLimits ?? DEFAULT_CLIENT_LIMITS,
    token: options.token,
    targets,
    names: options.names,
    resolution,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  registry.start();
  const port = (server.address() as AddressInfo).port;
  log.info({ port, workers: options.workers.map((w) => w.name) }, `hub API listening on port ${port}`);
  let closing: Promise<void> | undefined;
  return {
    port,
    registry,
    feeds,
    close: () =>
      (closing ??= (async () => {
        registry.stop();
        resolution?.close();
        feeds.closeAll(1001, 'hub shutting down');
        for (const ws of sockets) ws.terminate();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        log.info('hub stopped');
      })()),
  };
}
