import type { Target, TargetSelection, WorkerTargets } from '@shoal/model';
import type { Logger } from 'pino';
import type { Pod, PodDirectory } from '../names.js';
import { WorkerPushes, type PushOptions, type PushReport, type PushTransport, type PushWorkers, type ResettableStep } from '../workers/worker-pushes.js';
import { selectPods } from './target-selection.js';
import type { SelectionStore } from './selection-store.js';

export type { WorkerTargets };

/** A worker's target list, and the same as text to compare lists by. */
interface TargetList {
  targets: Target[];
  key: string;
}

const NO_TARGETS: TargetList = { targets: [], key: '[]' };

/** One worker's copy of its target list: PUT /targets of the latest list until it lands. */
class TargetStep implements ResettableStep {
  /** The list the worker last accepted (its key); undefined when it may have none. */
  private accepted: string | undefined;
  /** Counts resets: a push that was in flight across one does not vouch for the worker's list. */
  private resets = 0;

  constructor(
    private readonly worker: string,
    private readonly pusher: TargetPusher,
    private readonly transport: PushTransport,
    private readonly report: PushReport,
    private readonly now: () => number,
  ) {}

  inSync(): boolean {
    const wanted = this.pusher.listFor(this.worker);
    return wanted === undefined || wanted.key === this.accepted;
  }

  reset(): void {
    this.accepted = undefined;
    this.resets++;
  }

  async send(): Promise<void> {
    const list = this.pusher.listFor(this.worker);
    if (list === undefined) return;
    const resets = this.resets;
    const answer = await this.transport(this.worker, 'PUT', '/targets', list.targets);
    if (answer.status < 200 || answer.status > 299) throw new Error(`PUT /targets answered ${answer.status}: ${answer.text.slice(0, 200)}`);
    // Answered by the worker before it restarted, maybe: the list is sent again.
    if (resets === this.resets) this.accepted = list.key;
    this.report.pushedAt = this.now();
    this.report.error = null;
  }
}

/**
 * Turns the selection into each worker's target list (the selected pods on its node; the worker
 * is named after its node) and keeps every worker's list in step with it through the worker's
 * PUT /targets: one push at a time per worker, the latest list winning, a failed push retried
 * with backoff (worker-pushes.ts). Pushes again when the pods change and when a worker comes
 * (back) up, since a restarted worker starts with none (a worker found at run time comes up too).
 * Nothing is pushed before a selection is set: a hub that does not manage targets must not stop
 * the captures a worker was started with. The selection is kept in a SelectionStore when there
 * is one, so a restarted hub pushes the same.
 */
export class TargetPusher {
  private selection: TargetSelection | undefined;
  private lists = new Map<string, TargetList>();
  private readonly pushes: WorkerPushes<TargetStep>;
  private readonly unsubscribe: () => void;
  /** PUT /targets calls, one after the other: the selection in force is the last one saved. */
  private setting: Promise<void> = Promise.resolve();

  constructor(
    workers: PushWorkers,
    private readonly pods: PodDirectory,
    transport: PushTransport,
    options: PushOptions,
    log: Logger,
    private readonly store?: SelectionStore,
  ) {
    this.pushes = new WorkerPushes(workers, (worker, report) => new TargetStep(worker, this, transport, report, () => options.clock.now()), options, log, 'targets');
    this.unsubscribe = pods.onChange(() => this.refresh());
    // A store others edit too (the installation's ConfigMap): their selection is pushed as ours.
    store?.watch?.(
      (selection) => {
        if (JSON.stringify(selection) === JSON.stringify(this.selection)) return;
        log.info({ selection }, 'target selection changed in the store');
        this.restore(selection);
      },
      (err) => log.warn({ err: err.message }, 'target selection store'),
    );
  }

  /** Takes the selection saved before (the hub's start), to push as workers come up. */
  restore(selection: TargetSelection): void {
    this.selection = selection;
    this.refresh();
  }

  get current(): TargetSelection | undefined {
    return this.selection;
  }

  selected(): Pod[] {
    return this.selection === undefined ? [] : selectPods(this.pods.pods(), this.selection);
  }

  /** The list a worker is to have; undefined before a selection is set. */
  listFor(worker: string): TargetList | undefined {
    if (this.selection === undefined) return undefined;
    return this.lists.get(worker) ?? NO_TARGETS;
  }

  workers(): Record<string, WorkerTargets> {
    return Object.fromEntries(Object.entries(this.pushes.reports()).map(([name, r]) => [
      name,
      { targets: this.listFor(name)?.targets.length ?? 0, pushedAt: r.pushedAt, error: r.error, pending: r.pending },
    ]));
  }

  /**
   * Sets the selection (saved first: a selection that cannot be kept is refused, the previous
   * one staying in force) and pushes every worker's list; resolves when each has accepted it,
   * failed (it is retried), or waits for the retry of an earlier failure.
   */
  set(selection: TargetSelection): Promise<void> {
    const done = this.setting.then(async () => {
      await this.store?.save(selection);
      this.selection = selection;
      this.refresh();
      await this.pushes.settled();
    });
    this.setting = done.catch(() => undefined);
    return done;
  }

  stop(): void {
    this.store?.stop?.();
    this.unsubscribe();
    this.pushes.stop();
  }

  /** Recomputes every worker's list from the selection and the pods, and pushes what changed. */
  private refresh(): void {
    if (this.selection === undefined) return;
    const byNode = new Map<string, Target[]>();
    for (const p of this.selected()) {
      const target: Target = { ip: p.ip, name: p.name, namespace: p.namespace, node: p.node, ...(p.netns !== undefined ? { netns: p.netns } : {}) };
      const list = byNode.get(p.node);
      if (list === undefined) byNode.set(p.node, [target]);
      else list.push(target);
    }
    this.lists = new Map([...byNode].map(([node, targets]) => [node, { targets, key: JSON.stringify(targets) }]));
    this.pushes.kickAll();
  }
}
