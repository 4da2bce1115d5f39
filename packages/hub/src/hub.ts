import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import type { WebSocket } from 'ws';
import { createHubServer } from './api/server.js';
import { DEFAULT_CLIENT_LIMITS, type ClientLimits } from './feed/client-feed.js';
import { NODE_FEED_ENVIRONMENT, type FeedEnvironment } from './feed/feed-environment.js';
import { DEFAULT_FEED_OPTIONS, FeedHub, type FeedOptions } from './feed/feed-hub.js';
import { DEFAULT_HISTORY_LIMITS, HubHistory, type HistoryLimits } from './history/hub-history.js';
import { createHubMetrics, registerHistoryMetrics } from './metrics.js';
import type { NameLookup, PodDirectory } from './names.js';
import type { PodDirectory as ClusterPods } from './names/pod-directory.js';
import { DEFAULT_PCAP_TIMEOUTS, type PcapTimeouts } from './pcap/pcap-timeouts.js';
import type { SelectionStore } from './targets/selection-store.js';
import { TargetPusher } from './targets/target-pusher.js';
import { DEFAULT_LINK_OPTIONS, type LinkOptions } from './workers/worker-link.js';
import type { WorkerAddress } from './workers/worker-list.js';
import { WorkerRegistry } from './workers/worker-registry.js';
import { ResolutionPusher } from './workers/resolution-pusher.js';
import { WorkerDiscovery } from './workers/worker-discovery.js';
import { DEFAULT_PUSH_OPTIONS, registryTransport } from './workers/worker-pushes.js';
import type { WorkerPodSelector } from './workers/worker-pods.js';

export interface HubOptions {
  /** TCP port of the API; 0 picks a free one (tests). */
  port: number;
  /** Listen address (default 127.0.0.1: closed unless told otherwise). */
  host?: string;
  /** Origins besides the hub's own whose pages may open /ws or send changes (`--allowed-origin`). */
  allowedOrigins?: readonly string[];
  workers: WorkerAddress[];
  /** The workers' API token (`--worker-token-file`). */
  workerToken?: string;
  /** The token clients must send (`--token-file`); without it the API is open to whoever reaches `host`. */
  token?: string;
  /**
   * The key of the identity assertions the front signs for its signed-in users
   * (`--identity-key-file`, model's identityKey): with it, a request carrying one is that user,
   * scoped to its namespaces; without it, such a request is refused (docs/security.md).
   */
  identityKey?: Buffer;
  /** Names the hub fills in at delivery, as of each entry's time (the names module). */
  names?: NameLookup;
  /** The cluster's pods, for PUT /targets (the names module: a Kubernetes watch or an inventory). */
  pods?: PodDirectory;
  /**
   * Find workers among these pods (`--kubernetes`: the names' watch, `HubNames.clusterPods`),
   * in addition to `workers`, and follow them as they come, go and move (worker-pods.ts).
   */
  workerPods?: { pods: ClusterPods; selector: WorkerPodSelector };
  logger?: Logger;
  link?: Partial<LinkOptions>;
  /** The live feed: merge window, heartbeat, and the bounds on replays and resubscriptions. */
  feed?: Partial<FeedOptions>;
  clientLimits?: ClientLimits;
  /**
   * Where the target selection is kept across restarts (`--state-dir`): read at the start (a
   * damaged one stops the start with HUB_ERR_STATE), written at each PUT /targets. Without it
   * the selection lasts as long as the hub.
   */
  targetStore?: SelectionStore;
  /** How long GET /pcap waits for a worker's headers, and for each piece of its body. */
  pcap?: Partial<PcapTimeouts>;
  /** Bounds of /entries, /stats and /servicemap (`--max-history-limit`, `--max-walks`, `--walk-share-ms`). */
  history?: Partial<HistoryLimits>;
  /** The feed's clock and worker sockets (tests: a clock they control). */
  feedEnvironment?: FeedEnvironment;
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
  // Read before anything starts: a damaged file stops the start, it is not taken for "none".
  const savedSelection = options.pods === undefined ? undefined : await options.targetStore?.load();
  const linkOptions = { ...DEFAULT_LINK_OPTIONS, ...options.link };
  const registry = new WorkerRegistry(options.workers, options.workerToken, log, linkOptions);
  const feedOptions = { ...DEFAULT_FEED_OPTIONS, ...options.feed };
  const limits = options.clientLimits ?? DEFAULT_CLIENT_LIMITS;
  const env = options.feedEnvironment ?? NODE_FEED_ENVIRONMENT;
  const feeds = new FeedHub(registry, options.names, feedOptions, limits.highWaterBytes, log, env);
  const sockets = new Set<WebSocket>();
  const metrics = createHubMetrics(registry, feeds, () => sockets.size);
  const history = new HubHistory(registry, options.names, { ...DEFAULT_HISTORY_LIMITS, ...options.history });
  registerHistoryMetrics(metrics, history);
  const transport = registryTransport(registry);
  const pushOptions = { ...DEFAULT_PUSH_OPTIONS, backoffBaseMs: linkOptions.backoffBaseMs, backoffMaxMs: linkOptions.backoffMaxMs };
  const targets = options.pods === undefined ? undefined : new TargetPusher(registry, options.pods, transport, pushOptions, log, options.targetStore);
  if (savedSelection !== undefined) {
    targets?.restore(savedSelection);
    log.info({ selection: savedSelection }, 'target selection restored from the store');
  }
  const resolution = options.names === undefined ? undefined : new ResolutionPusher(registry, options.names, transport, pushOptions, log);
  // After the pushers and feeds subscribed to the registry: the workers found now get the same as later ones.
  const discovery = options.workerPods === undefined ? undefined : new WorkerDiscovery(registry, options.workerPods.pods, options.workerPods.selector, log);
  const server = createHubServer({
    registry, feeds, metrics, sockets, log,
    feedRoute: { limits, maxResubscribes: feedOptions.maxResubscribes, heartbeatMs: feedOptions.heartbeatMs, clock: env.clock },
    windowMs: feedOptions.windowMs,
    token: options.token,
    identityKey: options.identityKey,
    allowedOrigins: options.allowedOrigins ?? [],
    targets,
    names: options.names,
    history,
    resolution,
    pcap: { ...DEFAULT_PCAP_TIMEOUTS, ...options.pcap },
  });
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, host, () => resolve());
    });
  } catch (err) {
    // Not started (the port is taken): leave nothing subscribed to the caller's names.
    discovery?.stop();
    targets?.stop();
    resolution?.close();
    throw err;
  }
  registry.start();
  const port = (server.address() as AddressInfo).port;
  log.info({ port, host, workers: registry.all().map((w) => w.name), ...(options.workerPods !== undefined ? { workerPods: options.workerPods.selector } : {}) }, `hub API listening on port ${port}`);
  let closing: Promise<void> | undefined;
  return {
    port,
    registry,
    feeds,
    close: () =>
      (closing ??= (async () => {
        discovery?.stop();
        registry.stop();
        targets?.stop();
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
