import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { loadToken } from './api/auth.js';
import { createApiServer } from './api/server.js';
import type { PacketSource } from './capture/packet-source.js';
import type { FeedLimits } from './feed/live-feed.js';
import { EntryStore } from './store/entry-store.js';
import type { Target } from './targets.js';
import { WorkerCore, type TlsOptions } from './worker-core.js';

export interface WorkerOptions {
  /** TCP port of the API; 0 picks a free one (tests). */
  port: number;
  /** Address to listen on (default 127.0.0.1; a cluster's worker listens on the node's address). */
  host?: string;
  /** Origins whose pages may open /ws or send changes, besides the worker's own (`--allowed-origin`). */
  allowedOrigins?: readonly string[];
  /** Capture interface in the worker's own network namespace (`any` for all). */
  interface: string;
  /** Where packets come from: a LiveSource, or a ReplaySource in tests. */
  source: PacketSource;
  dataDir: string;
  storageLimitBytes: number;
  /** File holding the API token; without one, DATA_DIR/token is made (mode 0600) or reused. */
  tokenFile?: string;
  nodeName: string;
  nodeIp: string;
  /** Initial targets (`--targets FILE`); PUT /targets replaces them. */
  targets?: Target[];
  logger?: Logger;
  feedLimits?: FeedLimits;
  maxKernelHosts?: number;
  /** Entries one GET /entries request may read; lowered by tests to reach the cap. */
  historyMaxExamined?: number;
  /** Run the TLS tracer (`--tls`); off when absent. */
  tls?: TlsOptions;
  /**
   * Run timeouts on the wall clock every CLOCK_INTERVAL_MS (default true). False for a source
   * replaying a file with its own timestamps: the packets' times then drive the timeouts, and
   * the end of the file is marked by `core.pipeline.finish()`.
   */
  wallClock?: boolean;
}

export interface RunningWorker {
  readonly port: number;
  readonly token: string;
  readonly tokenPath: string;
  readonly core: WorkerCore;
  /** Stops capturing, finishes the engine, flushes the store, closes connections. */
  close(): Promise<void>;
}

/** Store writes reach the disk this often: the most a kill -9 can lose. */
export const FLUSH_INTERVAL_MS = 100;
/** Timeouts run this often when the network is quiet. */
export const CLOCK_INTERVAL_MS = 1000;

/** The worker's structured log: JSON lines on stdout (what container log collectors read). */
export function createWorkerLogger(level = 'info'): Logger {
  return pino({ name: 'shoal-worker', level });
}

/** Starts a worker: store, pipeline, captures for the initial targets, and the API. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const log = options.logger ?? createWorkerLogger();
  const token = loadToken(options.tokenFile, options.dataDir);
  if (token.generated) log.warn({ tokenFile: token.path }, `no --token-file given: generated an API token in ${token.path} (mode 0600)`);
  else log.info({ tokenFile: token.path }, 'API token loaded');

  const store = EntryStore.open(join(options.dataDir, 'store'), { limitBytes: options.storageLimitBytes });
  const recovered = store.stats();
  log.info({ dataDir: options.dataDir, limitBytes: options.storageLimitBytes, entries: recovered.entries, cutBytes: recovered.recoveredCutBytes }, 'store open');

  const core = new WorkerCore({
    name: options.nodeName,
    node: { name: options.nodeName, ip: options.nodeIp },
    // Base-36 start time: short, and new on every start (ids must not repeat across runs).
    runId: Date.now().toString(36),
    interface: options.interface,
    source: options.source,
    store,
    log,
    ...(options.feedLimits !== undefined ? { feedLimits: options.feedLimits } : {}),
    ...(options.maxKernelHosts !== undefined ? { maxKernelHosts: options.maxKernelHosts } : {}),
    ...(options.historyMaxExamined !== undefined ? { historyMaxExamined: options.historyMaxExamined } : {}),
    ...(options.tls !== undefined ? { tls: options.tls } : {}),
  });
  core.setTargets(options.targets ?? []);
  if ((options.targets ?? []).length === 0) log.info('no targets yet: nothing is captured until PUT /targets (or --targets)');

  const flushTimer = setInterval(() => core.pipeline.flush(), FLUSH_INTERVAL_MS);
  const clockTimer = options.wallClock === false ? undefined : setInterval(() => core.pipeline.tick(Date.now()), CLOCK_INTERVAL_MS);
  flushTimer.unref();
  clockTimer?.unref();

  const server = createApiServer(core, token.token, options.allowedOrigins);
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, host, () => resolve());
    });
  } catch (err) {
    clearInterval(flushTimer);
    clearInterval(clockTimer);
    core.captures.closeAll();
    core.tracer?.close();
    store.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  log.info({ port, host, worker: core.name, run: core.runId }, `worker API listening on port ${port}`);

  let closing: Promise<void> | undefined;
  return {
    port,
    token: token.token,
    tokenPath: token.path,
    core,
    close: () =>
      (closing ??= (async () => {
        clearInterval(flushTimer);
        clearInterval(clockTimer);
        core.captures.closeAll();
        // Its connections end, their last entries with the others.
        core.tracer?.close();
        // Entries still pending in the engine are emitted, stored and sent before the end.
        core.pipeline.finish();
        core.pipeline.feed.closeAll(1001, 'worker shutting down');
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        const final = store.stats();
        store.close();
        log.info(final, 'worker stopped');
      })()),
  };
}
