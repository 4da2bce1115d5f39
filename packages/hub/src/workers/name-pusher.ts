import type { Logger } from 'pino';
import type { ResolutionPatch, Workload } from '@shoal/model';
import { describe, type WorkerLink } from './worker-link.js';
import type { WorkerRegistry } from './worker-registry.js';

/** The names as the pusher needs them: the whole current table, and each change to it. */
export interface NameFeed {
  snapshot(): Record<string, Workload>;
  onPatch(listener: (patch: ResolutionPatch) => void): () => void;
}

/**
 * Keeps every worker's name table in step with the hub's, so entries carry names from the
 * moment they are made: the whole table (PUT /resolution) when a worker comes (back) up, since a
 * restarted worker starts with none, then each change as it happens (PATCH /resolution). Pushes
 * to one worker run one at a time, in order: a change never overtakes the table it applies to.
 * A failed push leaves the worker for a whole table at its next coming up; meanwhile the hub
 * still names its entries at delivery.
 */
export class NamePusher {
  /** Per worker: the end of its chain of pushes. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly stopPatches: () => void;

  constructor(
    private readonly registry: WorkerRegistry,
    private readonly names: NameFeed,
    private readonly log: Logger,
  ) {
    this.stopPatches = names.onPatch((patch) => {
      for (const link of registry.up()) this.enqueue(link, 'PATCH', patch);
    });
    for (const link of registry.all()) link.on('up', () => this.enqueue(link, 'PUT', names.snapshot()));
  }

  stop(): void {
    this.stopPatches();
  }

  /** Resolves when every push queued so far has been answered or has failed (tests). */
  async settled(): Promise<void> {
    await Promise.all(this.chains.values());
  }

  private enqueue(link: WorkerLink, method: 'PUT' | 'PATCH', body: unknown): void {
    const before = this.chains.get(link.name) ?? Promise.resolve();
    this.chains.set(link.name, before.then(() => this.push(link, method, body)));
  }

  private async push(link: WorkerLink, method: 'PUT' | 'PATCH', body: unknown): Promise<void> {
    try {
      const res = await link.fetch('/resolution', { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} /resolution answered ${res.status}: ${text.slice(0, 200)}`);
    } catch (err) {
      this.log.warn({ worker: link.name, err: describe(err) }, 'could not push names to a worker; the whole table goes again when it comes up');
    }
  }
}
