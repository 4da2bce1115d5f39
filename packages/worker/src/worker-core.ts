import type { NodeInfo, TracerStatus } from '@shoal/model';
import { Tracer, tracerOff } from '@shoal/tracer';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { planCaptures, withoutPorts } from './capture/capture-plan.js';
import { CaptureSet, type CaptureStatus } from './capture/capture-set.js';
import type { PacketSource } from './capture/packet-source.js';
import { workerMetrics } from './metrics.js';
import { Pipeline } from './pipeline.js';
import { ResolutionTable } from './resolution.js';
import type { EntryStore } from './store/entry-store.js';
import { KERNEL_FILTER_MAX_HOSTS, targetFilter, type Target } from './targets.js';
import type { FeedLimits } from './feed/live-feed.js';

/**
 * Entries read and filtered per GET /entries request at most: each costs a read and a parse
 * (about 20 µs for 2 KiB of JSON), so this bounds one request's work at about 0.1 s. A
 * selective filter over a large store takes several requests, each continuing from the
 * `next` of the one before.
 */
export const DEFAULT_MAX_EXAMINED = 5_000;

export interface CoreOptions {
  name: string;
  node: NodeInfo;
  runId: string;
  /** Capture interface in the worker's own namespace (`--interface`). */
  interface: string;
  source: PacketSource;
  store: EntryStore;
  log: Logger;
  feedLimits?: FeedLimits;
  /** Hosts a kernel filter may name before the user-space check takes over. */
  maxKernelHosts?: number;
  /** Entries one GET /entries request may read (DEFAULT_MAX_EXAMINED). */
  historyMaxExamined?: number;
  /** Run the TLS tracer (`--tls`): the targets' OpenSSL plaintext, decrypted. Off when absent. */
  tls?: TlsOptions;
}

/** The TLS tracer's settings (`--tls`, `--proc`, `--tls-max-files`). */
export interface TlsOptions {
  /** The host's /proc as the worker sees it (default /proc; a cluster's worker: /hostproc). */
  proc?: string;
  /** OpenSSL files hooked at most. */
  maxFiles?: number;
}

/** Everything the API serves from: targets and captures, the pipeline, store and metrics. */
export class WorkerCore {
  readonly name: string;
  readonly node: NodeInfo;
  readonly runId: string;
  readonly startedAt = Date.now();
  readonly resolution = new ResolutionTable();
  readonly store: EntryStore;
  readonly source: PacketSource;
  readonly pipeline: Pipeline;
  readonly captures: CaptureSet;
  /** The TLS tracer, when asked for (`--tls`); it may be `unavailable` on this node (its status says why). */
  readonly tracer: Tracer | null;
  readonly metrics: Registry;
  readonly log: Logger;
  /** Entries one GET /entries request may read before it answers with what it found. */
  readonly maxExamined: number;
  private targetList: Target[] = [];
  private ignoredPorts: number[] = [];

  constructor(private readonly options: CoreOptions) {
    this.name = options.name;
    this.node = options.node;
    this.runId = options.runId;
    this.store = options.store;
    this.source = options.source;
    this.log = options.log;
    this.maxExamined = options.historyMaxExamined ?? DEFAULT_MAX_EXAMINED;
    this.pipeline = new Pipeline({
      worker: options.name,
      runId: options.runId,
      node: options.node,
      store: options.store,
      resolution: this.resolution,
      log: options.log,
      ...(options.feedLimits !== undefined ? { feedLimits: options.feedLimits } : {}),
    });
    this.captures = new CaptureSet(options.source, this.pipeline, options.log);
    this.tracer = options.tls === undefined ? null : this.startTracer(options.tls);
    this.metrics = workerMetrics({
      pipeline: this.pipeline,
      captures: this.captures,
      store: options.store,
      targets: () => this.targetList.length,
      tracer: () => this.tracerStatus(),
    });
  }

  get targets(): readonly Target[] {
    return this.targetList;
  }

  /** The tracer's state: `off` without `--tls`. */
  tracerStatus(): TracerStatus {
    return this.tracer?.status() ?? tracerOff();
  }

  private startTracer(tls: TlsOptions): Tracer {
    const tracer = Tracer.start({
      sink: this.pipeline.plaintextSink(),
      log: this.log,
      ...(tls.proc !== undefined ? { proc: tls.proc } : {}),
      ...(tls.maxFiles !== undefined ? { maxFiles: tls.maxFiles } : {}),
    });
    if (tracer.status().state === 'on') this.pipeline.hideDecrypted((a, b) => tracer.hidesEncrypted(a, b));
    return tracer;
  }

  /**
   * TCP ports never captured, from the next setTargets on: the worker's own API and its hub's
   * when they run on addresses that are targets (`shoal local`), so Shoal does not record itself.
   */
  ignorePorts(ports: number[]): void {
    this.ignoredPorts = [...ports];
  }

  /**
   * Replaces the targets: rebuilds the kernel filters and reopens the captures that changed.
   * No targets, no capture: a worker nobody told what to watch records nothing.
   */
  setTargets(targets: Target[]): CaptureStatus[] {
    const maxHosts = this.options.maxKernelHosts ?? KERNEL_FILTER_MAX_HOSTS;
    const all = targetFilter(targets, maxHosts);
    const specs = withoutPorts(planCaptures(targets, this.options.interface, maxHosts), this.ignoredPorts);
    this.targetList = targets;
    this.pipeline.acceptFlow = all.acceptFlow;
    // Copies of a packet arrive only from `any` (one per interface crossed) or from two captures.
    this.pipeline.dedup.enabled = specs.length > 1 || specs.some((s) => s.interface === 'any');
    const status = this.captures.apply(specs);
    this.tracer?.setTargets(targets);
    this.log.info({ targets: targets.length, captures: status.length, userSpaceCheck: all.acceptFlow !== undefined }, 'targets replaced');
    return status;
  }

  stats(): Record<string, unknown> {
    return {
      worker: this.name,
      node: this.node,
      run: this.runId,
      uptimeMs: Date.now() - this.startedAt,
      targets: this.targetList.length,
      resolution: this.resolution.size,
      engine: this.pipeline.engine?.stats.toJSON() ?? null,
      capture: {
        requested: this.source.requested,
        backends: this.captures.backends(),
        totals: this.captures.totals(),
        duplicates: this.pipeline.dedup.duplicates,
        liveStreams: this.pipeline.liveStreams,
        captures: this.captures.status(),
      },
      store: this.store.stats(),
      tracer: this.tracerStatus(),
      feed: this.pipeline.feed.stats(),
      pipelineErrors: this.pipeline.errors,
    };
  }
}
