import { randomBytes } from 'node:crypto';
import type { NamePushState, ResolutionPatch, VersionedResolutionPatch, VersionedResolutionTable, Workload } from '@shoal/model';
import type { Logger } from 'pino';
import type { NameLookup } from '../names.js';
import { WorkerPushes, type PushOptions, type PushReport, type PushTransport, type PushWorkers, type ResettableStep } from './worker-pushes.js';

/** What GET /status shows per worker about its names table. */
export type ResolutionState = NamePushState;

/** Changes kept to bring a worker that is behind up to date; one further behind gets the table. */
const MAX_KEPT_CHANGES = 1024;

/** The hub's name table as versions: a run id and a count of changes (docs/hub.md, Name tables). */
class NameVersions {
  /** A new one per hub run: a table a worker got from an earlier run never matches. */
  private readonly run = randomBytes(6).toString('base64url');
  /** Changes since the start; the current table is at this number. */
  seq = 0;
  private readonly changes: { seq: number; patch: ResolutionPatch }[] = [];

  version(seq: number): string {
    return `${this.run}.${seq}`;
  }

  add(patch: ResolutionPatch): void {
    this.changes.push({ seq: ++this.seq, patch });
    if (this.changes.length > MAX_KEPT_CHANGES) this.changes.shift();
  }

  /** The changes after `seq`, merged into one (later ones win); undefined when some are no longer kept. */
  since(seq: number): ResolutionPatch | undefined {
    const first = this.changes[0];
    if (seq < this.seq && (first === undefined || first.seq > seq + 1)) return undefined;
    const net = new Map<string, Workload | null>();
    for (const change of this.changes) {
      if (change.seq <= seq) continue;
      for (const [key, workload] of Object.entries(change.patch.upsert ?? {})) net.set(key, workload);
      for (const key of change.patch.remove ?? []) net.set(key, null);
    }
    const upsert: Record<string, Workload> = {};
    const remove: string[] = [];
    for (const [key, workload] of net) {
      if (workload === null) remove.push(key);
      else upsert[key] = workload;
    }
    return { ...(Object.keys(upsert).length > 0 ? { upsert } : {}), ...(remove.length > 0 ? { remove } : {}) };
  }
}

/** One worker's copy of the names: the changes since the version it has, else the whole table. */
class ResolutionStep implements ResettableStep {
  /** The change count the worker's table is at (this run's); undefined when unknown. */
  private has: number | undefined;
  /** Counts resets: a push that was in flight across one does not vouch for the worker's table. */
  private resets = 0;

  constructor(
    private readonly worker: string,
    private readonly versions: NameVersions,
    private readonly table: () => Record<string, Workload>,
    private readonly transport: PushTransport,
    private readonly report: PushReport,
    private readonly now: () => number,
  ) {}

  inSync(): boolean {
    return this.has === this.versions.seq;
  }

  reset(): void {
    this.has = undefined;
    this.resets++;
  }

  async send(): Promise<void> {
    const seq = this.versions.seq;
    const resets = this.resets;
    const changes = this.has === undefined ? undefined : this.versions.since(this.has);
    if (this.has !== undefined && changes !== undefined) {
      const body: VersionedResolutionPatch = { base: this.versions.version(this.has), version: this.versions.version(seq), ...changes };
      const answer = await this.transport(this.worker, 'PATCH', '/resolution', body);
      if (answer.status === 409) {
        // The worker's table is not the one these changes apply to (it restarted, or someone
        // else changed it): the whole table comes next, in the same run of the loop.
        this.reset();
        return;
      }
      check('PATCH', answer);
    } else {
      const body: VersionedResolutionTable = { version: this.versions.version(seq), table: this.table() };
      check('PUT', await this.transport(this.worker, 'PUT', '/resolution', body));
    }
    // Answered by the worker before it restarted, maybe: the table is sent again.
    if (resets === this.resets) this.has = seq;
    this.report.pushedAt = this.now();
    this.report.error = null;
  }
}

function check(method: string, answer: { status: number; text: string }): void {
  if (answer.status < 200 || answer.status > 299) throw new Error(`${method} /resolution answered ${answer.status}: ${answer.text.slice(0, 200)}`);
}

/**
 * Keeps the workers' name tables in step with the hub's names, so entries are named when they
 * are made. The hub's table is versioned (a run id and a change count); each worker gets the
 * changes since the version it has (a versioned PATCH /resolution), or the whole table (PUT)
 * when it comes (back) up, when the changes it lacks are no longer kept, or when it answers
 * 409 (its table is not the version the changes apply to). One push at a time per worker, the
 * latest state winning, a failed push retried with backoff (worker-pushes.ts). A worker found
 * at run time gets the table when it first comes up.
 */
export class ResolutionPusher {
  private readonly versions = new NameVersions();
  private readonly pushes: WorkerPushes<ResolutionStep> | undefined;
  private readonly unsubscribe: (() => void) | undefined;

  constructor(workers: PushWorkers, names: NameLookup, transport: PushTransport, options: PushOptions, log: Logger) {
    const current = names.current?.bind(names);
    // A lookup that cannot give its table has nothing to push.
    if (current === undefined) return;
    this.pushes = new WorkerPushes(workers, (worker, report) => new ResolutionStep(worker, this.versions, current, transport, report, () => options.clock.now()), options, log, 'names');
    this.unsubscribe = names.onPatch?.((patch) => {
      this.versions.add(patch);
      this.pushes!.kickAll();
    });
  }

  workers(): Record<string, ResolutionState> {
    return Object.fromEntries(Object.entries(this.pushes?.reports() ?? {}).map(([name, r]) => [name, { pushedAt: r.pushedAt, error: r.error, pending: r.pending }]));
  }

  /** Resolves once every worker's push is done or waits for a retry (tests, shutdown). */
  settled(): Promise<void> {
    return this.pushes?.settled() ?? Promise.resolve();
  }

  close(): void {
    this.unsubscribe?.();
    this.pushes?.stop();
  }
}
