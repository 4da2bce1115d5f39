/**
 * A small cluster in this process for the hub's tests: real workers (the worker package's
 * startWorker, fed by a ReplaySource that replays the HTTP/1 fixtures as if live, through the
 * same pipeline as live capture), each on its own port and data dir, sharing one token file,
 * and a real hub in front of them. Workers can be stopped and started again on the same port
 * and store, as a restarted pod would be.
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { waitFor } from '@shoal/testkit';
import { ReplaySource, startWorker, type RunningWorker, type Target } from '@shoal/worker';
import { startHub, type HubOptions, type RunningHub } from '../../dist/index.js';

export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../../dissect/test/fixtures/http1/${name}.pcap`, import.meta.url));
}

/** Fixtures on 127.0.0.1 (what LOCAL_TARGET captures), each one TCP stream on its own port. */
export const FIXTURES = {
  keepAlive: { path: fixture('keep-alive'), entries: 4, packets: 16 },
  gzip: { path: fixture('gzip'), entries: 2, packets: 12 },
  head: { path: fixture('head'), entries: 3, packets: 14 },
} as const;

const LOCAL_TARGET = [{ ip: '127.0.0.1', name: 'fixture', namespace: 'test' }];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** How a test worker differs from the default one. */
export interface TestWorkerOptions {
  /** Its targets (default 127.0.0.1, what the fixtures use). */
  targets?: Target[];
  /**
   * Replays keep the files' own times, and the worker's timeouts follow them (as in `shoal
   * view`): its entries are then exactly what `shoal dissect` makes of the file. `play` finishes
   * the streams still open at the end of the file.
   */
  fileTime?: boolean;
  storageLimitBytes?: number;
  /** Entries one of its GET /entries requests reads at most (the worker's examine cap). */
  historyMaxExamined?: number;
}

export class TestWorker {
  running: RunningWorker | undefined;
  source: ReplaySource | undefined;
  port = 0;

  constructor(
    readonly name: string,
    readonly dataDir: string,
    readonly tokenFile: string,
    /** The address it listens on: another loopback address (127.0.0.x) stands for a pod IP. */
    readonly host = '127.0.0.1',
    readonly options: TestWorkerOptions = {},
  ) {}

  async start(): Promise<void> {
    const o = this.options;
    this.source = new ReplaySource({ keepTimestamps: o.fileTime === true });
    this.running = await startWorker({
      port: this.port,
      host: this.host,
      interface: 'any',
      source: this.source,
      dataDir: this.dataDir,
      storageLimitBytes: o.storageLimitBytes ?? 64 << 20,
      tokenFile: this.tokenFile,
      nodeName: this.name,
      nodeIp: '192.0.2.10',
      targets: o.targets ?? LOCAL_TARGET,
      logger: pino({ level: 'silent' }),
      ...(o.fileTime === true ? { wallClock: false } : {}),
      ...(o.historyMaxExamined !== undefined ? { historyMaxExamined: o.historyMaxExamined } : {}),
    });
    this.port = this.running.port;
  }

  /** Replays a capture file into the worker; resolves once its packets were delivered. */
  async play(path: string): Promise<number> {
    const delivered = await this.source!.play(path);
    if (this.options.fileTime === true) this.running!.core.pipeline.finish();
    return delivered;
  }

  /** Entries in its store now. */
  stored(): number {
    return this.running!.core.store.stats().entries;
  }

  async stop(): Promise<void> {
    await this.running?.close();
    this.running = undefined;
  }
}

export interface Cluster {
  workers: TestWorker[];
  hub: RunningHub;
  hubBase: string;
  token: string;
  close(): Promise<void>;
}

export async function startCluster(names: string[], hubOptions: Partial<HubOptions> = {}, workerOptions: TestWorkerOptions = {}): Promise<Cluster> {
  const root = fs.mkdtempSync(join(tmpdir(), 'shoal-hub-test-'));
  const tokenFile = join(root, 'worker-token');
  const token = `worker-secret-${process.pid}-${Date.now()}`;
  fs.writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  const workers = names.map((n) => new TestWorker(n, join(root, n), tokenFile, '127.0.0.1', workerOptions));
  for (const w of workers) await w.start();
  const hub = await startHub({
    port: 0,
    host: '127.0.0.1',
    workers: workers.map((w) => ({ name: w.name, host: '127.0.0.1', port: w.port })),
    workerToken: token,
    logger: pino({ level: 'silent' }),
    link: { pollMs: 200, backoffBaseMs: 50, backoffMaxMs: 500, timeoutMs: 2000 },
    ...hubOptions,
  });
  return {
    workers,
    hub,
    hubBase: `http://127.0.0.1:${hub.port}`,
    token,
    close: async () => {
      await hub.close();
      for (const w of workers) await w.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}


export async function getJson(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
  const res = await fetch(base + path, { headers });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text };
}

/** Waits until the hub sees every worker up (its first polls). */
export async function allUp(cluster: Cluster): Promise<true> {
  return waitFor(
    () => `the hub to see all ${cluster.workers.length} workers up (${cluster.hub.registry.up().length} are)`,
    () => cluster.hub.registry.up().length === cluster.workers.length,
  );
}
