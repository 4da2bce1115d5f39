import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { WebSocket } from 'ws';
import type { FeedHub } from '../feed/feed-hub.js';
import type { HubHistory } from '../history/hub-history.js';
import type { NameLookup } from '../names.js';
import type { PcapTimeouts } from '../pcap/pcap-timeouts.js';
import type { ResolutionPusher } from '../workers/resolution-pusher.js';
import type { TargetPusher } from '../targets/target-pusher.js';
import type { WorkerRegistry } from '../workers/worker-registry.js';
import type { FeedRouteOptions } from './ws-route.js';

/** What the API's routes share: the hub's parts and its settings (server.ts builds the routes). */
export interface ApiContext {
  registry: WorkerRegistry;
  feeds: FeedHub;
  metrics: Registry;
  sockets: Set<WebSocket>;
  feedRoute: FeedRouteOptions;
  /** The live merge's reorder window (ms), shown in /status. */
  windowMs: number;
  token: string | undefined;
  /** The key of signed-in users' identity assertions (`--identity-key-file`); without it they are refused. */
  identityKey: Buffer | undefined;
  /** Origins besides the hub's own whose pages may open /ws or send changes (`--allowed-origin`). */
  allowedOrigins: readonly string[];
  /** Present when the hub has a pod source; /targets answers 409 without one. */
  targets: TargetPusher | undefined;
  names: NameLookup | undefined;
  /** /entries, /stats and /servicemap: the workers, the names and the bounds of history reads. */
  history: HubHistory;
  resolution: ResolutionPusher | undefined;
  /** GET /pcap's limits on each worker's headers and body. */
  pcap: PcapTimeouts;
  log: Logger;
}
