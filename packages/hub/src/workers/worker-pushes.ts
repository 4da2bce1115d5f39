import type { Logger } from 'pino';
import { Backoff } from './backoff.js';
import { systemClock, type Clock } from './clock.js';
import { PushLoop, type PushStep } from './push-loop.js';
import { describe } from './worker-link.js';
import type { WorkerRegistry } from './worker-registry.js';

/** The worker's answer to a push: its status and body text. */
export interface PushAnswer {
  status: number;
  text: string;
}

/** Sends one request to a worker (PUT /targets, PUT or PATCH /resolution) with its token. */
export type PushTransport = (worker: string, method: 'PUT' | 'PATCH', path: string, body: unknown) => Promise<PushAnswer>;

/** What the pushers need of the registry (WorkerRegistry): the workers, and when one comes up or goes. */
export interface PushWorkers {
  all(): { name: string }[];
  onUp(listener: (link: { name: string }) => void): () => void;
  onRemoved(listener: (link: { name: string }) => void): () => void;
}

export interface PushOptions {
  clock: Clock;
  /** Retry delays of a failed push: the base, doubled at each failure up to the max. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  random: () => number;
}

export const DEFAULT_PUSH_OPTIONS: PushOptions = { clock: systemClock, backoffBaseMs: 250, backoffMaxMs: 10_000, random: Math.random };

/** The transport of a running hub: through each worker's link (its address, token and timeout). */
export function registryTransport(registry: WorkerRegistry): PushTransport {
  return async (worker, method, path, body) => {
    const link = registry.get(worker);
    if (link === undefined) throw new Error(`${worker} is no longer a worker`);
    const res = await link.fetch(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, text: await res.text() };
  };
}

/** A push step that can forget what the worker has. */
export interface ResettableStep extends PushStep {
  /** The worker came (back) up: it may have restarted with nothing, so the next push is whole. */
  reset(): void;
}

/** A push's outcome, as /status and /targets show it per worker. */
export interface PushReport {
  /** Epoch ms of the last push the worker accepted; null before. */
  pushedAt: number | null;
  /** Why the last push failed; null after one landed. */
  error: string | null;
}

/**
 * One PushLoop per worker, for one kind of state (targets, names): made when the state first
 * concerns a worker, pushed at once when the worker comes (back) up, dropped when it goes.
 */
export class WorkerPushes<S extends ResettableStep> {
  private readonly loops = new Map<string, { step: S; loop: PushLoop; report: PushReport }>();
  private readonly unsubscribe: (() => void)[];

  constructor(
    private readonly workers: PushWorkers,
    private readonly makeStep: (worker: string, report: PushReport) => S,
    private readonly options: PushOptions,
    private readonly log: Logger,
    /** What is pushed, for the log: "targets", "names". */
    private readonly what: string,
  ) {
    this.unsubscribe = [
      workers.onUp((link) => {
        const entry = this.entry(link.name);
        entry.step.reset();
        entry.loop.retryNow();
      }),
      workers.onRemoved((link) => {
        this.loops.get(link.name)?.loop.stop();
        this.loops.delete(link.name);
      }),
    ];
  }

  /** The state changed: every worker's loop pushes it (or already is, or waits for its retry). */
  kickAll(): void {
    for (const link of this.workers.all()) this.entry(link.name).loop.kick();
  }

  /** Resolves once every worker's push is done or waits for a retry. */
  async settled(): Promise<void> {
    await Promise.all([...this.loops.values()].map((e) => e.loop.settled()));
  }

  /** Per known worker: its last push's outcome, and whether it lacks the latest state. */
  reports(): Record<string, PushReport & { pending: boolean }> {
    return Object.fromEntries(this.workers.all().map((link) => {
      const e = this.entry(link.name);
      return [link.name, { ...e.report, pending: e.loop.pending }];
    }));
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
    for (const e of this.loops.values()) e.loop.stop();
    this.loops.clear();
  }

  private entry(worker: string): { step: S; loop: PushLoop; report: PushReport } {
    let entry = this.loops.get(worker);
    if (entry === undefined) {
      const report: PushReport = { pushedAt: null, error: null };
      const step = this.makeStep(worker, report);
      const loop = new PushLoop(step, this.options.clock, new Backoff(this.options.backoffBaseMs, this.options.backoffMaxMs, this.options.random), (err) => {
        report.error = describe(err);
        this.log.warn({ worker, err: report.error }, `could not push ${this.what} to a worker; retrying`);
      });
      entry = { step, loop, report };
      this.loops.set(worker, entry);
    }
    return entry;
  }
}
