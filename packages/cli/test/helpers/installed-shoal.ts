/**
 * A Shoal installed in the Kubernetes API test server, for `shoal pcapdump`, `logs` and
 * `version`: the builder's objects applied as `shoal tap` applies them (the CLI's own
 * server-side apply through the official client; no kube-apiserver runs here, the test server
 * speaks the real API's JSON), with tokens the test knows, so a real hub can run with them.
 *
 * `HubOnWorkers` is that hub with real workers behind it, in this process as the hub's own tests
 * run them: each worker (the worker package's startWorker) replays an HTTP/1 fixture as if live
 * (timestamps moved to now, through the same pipeline as live capture); the hub (startHub) asks
 * them with the installation's worker token and answers its clients only with the hub token.
 * `expose` makes it the backend of the installation's hub Service: what the API server's service
 * proxy and port-forward reach. One worker may be reached through testkit's StallingProxy, to
 * make its export stall in the middle.
 */
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { defaultSettings, newClusterTokens, type BuiltObject, type ClusterTokens, type Settings } from '@shoal/deploy';
import { startHub, type RunningHub } from '@shoal/hub';
import { StallingProxy, waitFor, type PcapFault } from '@shoal/testkit';
import type { K8sTestApiServer } from '@shoal/testkit/k8s';
import { ReplaySource, startWorker, type RunningWorker } from '@shoal/worker';
import { applyObjects } from '../../dist/kube/apply-objects.js';
import { KubeClient } from '../../dist/kube/kube-client.js';
import { releaseObjects } from '../../dist/tap/release-objects.js';
import { fixtureAbs } from './fixtures.js';

export interface Installation {
  settings: Settings;
  tokens: ClusterTokens;
  built: BuiltObject[];
}

/** Applies the objects of `settings` (default: the defaults) to the cluster of `kubeconfig`, as shoal tap does. */
export async function install(kubeconfig: string, settings: Settings = defaultSettings(), built?: BuiltObject[]): Promise<Installation> {
  const tokens = newClusterTokens();
  const objects = built ?? releaseObjects(settings, tokens);
  await applyObjects(KubeClient.fromOptions({ kubeconfig }), objects, () => undefined);
  return { settings, tokens, built: objects };
}

/** The HTTP/1 fixtures each worker replays: one TCP connection each, on 127.0.0.1. */
export const REPLAYS = { 'node-a': 'keep-alive.pcap', 'node-b': 'gzip.pcap', 'node-c': 'head.pcap' } as const;
const ENTRIES: Record<string, number> = { 'keep-alive.pcap': 4, 'gzip.pcap': 2, 'head.pcap': 3 };

class ReplayWorker {
  running: RunningWorker | undefined;
  readonly source = new ReplaySource();
  port = 0;

  constructor(readonly name: string, readonly dataDir: string, readonly tokenFile: string) {}

  async start(): Promise<void> {
    this.running = await startWorker({
      port: this.port,
      host: '127.0.0.1',
      interface: 'any',
      source: this.source,
      dataDir: this.dataDir,
      storageLimitBytes: 64 << 20,
      tokenFile: this.tokenFile,
      nodeName: this.name,
      nodeIp: '127.0.0.1',
      targets: [{ ip: '127.0.0.1', name: 'fixture', namespace: 'shop' }],
      logger: pino({ level: 'silent' }),
    });
    this.port = this.running.port;
  }

  async stop(): Promise<void> {
    await this.running?.close();
    this.running = undefined;
  }
}

/** How the hub's test cluster differs from the plain one. */
export interface HubOptions {
  /** This worker is reached through a StallingProxy (`stall()` then breaks its /pcap). */
  stallable?: keyof typeof REPLAYS;
  /** The hub's /pcap limits on each worker (its --pcap-*-timeout). */
  pcap?: { headersMs?: number; bodyMs?: number };
}

export class HubOnWorkers {
  private closed = false;

  private constructor(
    readonly hub: RunningHub,
    readonly workers: ReplayWorker[],
    private readonly proxy: StallingProxy | undefined,
    private readonly dir: string,
  ) {}

  static async start(tokens: ClusterTokens, names: readonly (keyof typeof REPLAYS)[], options: HubOptions = {}): Promise<HubOnWorkers> {
    const dir = fs.mkdtempSync(join(os.tmpdir(), 'shoal-hub-on-workers-'));
    const tokenFile = join(dir, 'worker-token');
    fs.writeFileSync(tokenFile, tokens.worker, { mode: 0o600 });
    const workers = names.map((n) => new ReplayWorker(n, join(dir, n), tokenFile));
    for (const w of workers) await w.start();
    const stallable = workers.find((w) => w.name === options.stallable);
    const proxy = stallable !== undefined ? new StallingProxy(() => stallable.port) : undefined;
    await proxy?.start();
    const hub = await startHub({
      port: 0,
      host: '127.0.0.1',
      workers: workers.map((w) => ({ name: w.name, host: '127.0.0.1', port: w === stallable ? proxy!.port : w.port })),
      workerToken: tokens.worker,
      token: tokens.hub,
      logger: pino({ level: 'silent' }),
      link: { pollMs: 200, backoffBaseMs: 50, backoffMaxMs: 500, timeoutMs: 2000 },
      ...(options.pcap !== undefined ? { pcap: options.pcap } : {}),
    });
    const running = new HubOnWorkers(hub, workers, proxy, dir);
    await waitFor(() => `the hub to see its ${workers.length} workers up (${hub.registry.up().length} are)`, () => hub.registry.up().length === workers.length, 30_000);
    return running;
  }

  /** Each worker replays its fixture; resolves once every entry is in its store. */
  async replay(): Promise<void> {
    for (const w of this.workers) {
      const file = REPLAYS[w.name as keyof typeof REPLAYS];
      const before = w.running!.core.store.stats().entries;
      await w.source.play(fixtureAbs(file));
      await waitFor(() => `${w.name}'s entries of ${file}`, () => w.running!.core.store.stats().entries >= before + ENTRIES[file]!, 30_000);
    }
  }

  /** The hub as the backend of the installation's hub Service (port 8898) in `namespace`. */
  expose(api: K8sTestApiServer, namespace = 'default', release = 'shoal'): void {
    api.exposeService(namespace, `${release}-hub`, 8898, { host: '127.0.0.1', port: this.hub.port });
  }

  /** From now on the stallable worker's /pcap answers as `fault` says ('none': as the worker does). */
  stall(fault: PcapFault): void {
    this.proxy!.fault = fault;
  }

  /** Stops one worker, and waits until the hub counts it down. */
  async stopWorker(name: string): Promise<void> {
    await this.workers.find((w) => w.name === name)!.stop();
    await waitFor(() => `the hub to see ${name} down`, () => !this.hub.registry.up().some((l) => l.name === name), 30_000);
  }

  /** Stops the hub and its workers (once: a test may stop them early). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.hub.close();
    await this.proxy?.close();
    for (const w of this.workers) await w.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
