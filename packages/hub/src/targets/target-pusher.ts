import type { Logger } from 'pino';
import type { Pod, PodDirectory } from '../names.js';
import { describe } from '../workers/worker-link.js';
import type { WorkerRegistry } from '../workers/worker-registry.js';
import { selectPods, type TargetSelection } from './target-selection.js';

/** What GET /targets shows per worker: how many targets it was given, and whether that worked. */
export interface WorkerTargets {
  targets: number;
  /** Epoch ms of the last successful push; null before. */
  pushedAt: number | null;
  error: string | null;
}

/**
 * Turns the selection into each worker's target list (the selected pods on its node; the worker
 * is named after its node) and pushes it with the worker's PUT /targets. Pushes again when the
 * pods change and when a worker comes (back) up, since a restarted worker starts with none
 * (a worker found at run time comes up too).
 * Nothing is pushed before a selection is set: a hub that does not manage targets must not
 * stop the captures a worker was started with.
 */
export class TargetPusher {
  private selection: TargetSelection | undefined;
  private readonly state = new Map<string, WorkerTargets>();

  constructor(
    private readonly registry: WorkerRegistry,
    private readonly pods: PodDirectory,
    private readonly log: Logger,
  ) {
    pods.onChange(() => void this.pushAll());
    registry.onUp((link) => void this.push(link.name));
    registry.onRemoved((link) => this.state.delete(link.name));
  }

  get current(): TargetSelection | undefined {
    return this.selection;
  }

  selected(): Pod[] {
    return this.selection === undefined ? [] : selectPods(this.pods.pods(), this.selection);
  }

  workers(): Record<string, WorkerTargets> {
    return Object.fromEntries(this.registry.all().map((l) => [l.name, this.state.get(l.name) ?? { targets: 0, pushedAt: null, error: null }]));
  }

  /** Sets the selection and pushes every worker's list; resolves when each has answered or failed. */
  async set(selection: TargetSelection): Promise<void> {
    this.selection = selection;
    await this.pushAll();
  }

  private async pushAll(): Promise<void> {
    await Promise.all(this.registry.all().map((l) => this.push(l.name)));
  }

  private async push(worker: string): Promise<void> {
    const link = this.registry.get(worker);
    // A worker removed meanwhile (its pod gone) has nothing to capture.
    if (this.selection === undefined || link === undefined) return;
    const targets = this.selected()
      .filter((p) => p.node === worker)
      .map((p) => ({ ip: p.ip, name: p.name, namespace: p.namespace, node: p.node, ...(p.netns !== undefined ? { netns: p.netns } : {}) }));
    const entry: WorkerTargets = { targets: targets.length, pushedAt: this.state.get(worker)?.pushedAt ?? null, error: null };
    try {
      const res = await link.fetch('/targets', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(targets) });
      const text = await res.text();
      if (!res.ok) throw new Error(`PUT /targets answered ${res.status}: ${text.slice(0, 200)}`);
      entry.pushedAt = Date.now();
    } catch (err) {
      entry.error = describe(err);
      this.log.warn({ worker, err: entry.error }, 'could not push targets to a worker; retried when it comes up');
    }
    this.state.set(worker, entry);
  }
}
