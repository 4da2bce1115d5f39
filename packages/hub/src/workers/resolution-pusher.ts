import type { ResolutionPatch } from '@shoal/model';
import type { Logger } from 'pino';
import type { NameLookup } from '../names.js';
import { describe } from './worker-link.js';
import type { WorkerRegistry } from './worker-registry.js';

/** What GET /status could show per worker about its names table. */
export interface ResolutionState {
  /** Epoch ms of the last table or change the worker accepted; null before. */
  pushedAt: number | null;
  error: string | null;
}

/**
 * Keeps the workers' name tables in step with the hub's names, so entries are named when they
 * are made: a worker that comes (back) up gets the whole current table (PUT /resolution), and
 * each change goes to every up worker as it happens (PATCH /resolution). A worker that does not
 * take PATCH yet (404, 405) gets the whole table instead; one that is down gets it when it
 * returns; one found at run time gets it when it first comes up.
 */
export class ResolutionPusher {
  private readonly state = new Map<string, ResolutionState>();
  private readonly unsubscribe: (() => void) | undefined;

  constructor(
    private readonly registry: WorkerRegistry,
    private readonly names: NameLookup,
    private readonly log: Logger,
  ) {
    registry.onUp((link) => void this.pushTable(link.name));
    registry.onRemoved((link) => this.state.delete(link.name));
    this.unsubscribe = names.onPatch?.((patch) => void this.pushPatch(patch));
  }

  workers(): Record<string, ResolutionState> {
    return Object.fromEntries(this.registry.all().map((l) => [l.name, this.state.get(l.name) ?? { pushedAt: null, error: null }]));
  }

  close(): void {
    this.unsubscribe?.();
  }

  private async pushPatch(patch: ResolutionPatch): Promise<void> {
    await Promise.all(
      this.registry.up().map(async (link) => {
        const status = await this.send(link.name, 'PATCH', patch);
        if (status === 404 || status === 405) await this.pushTable(link.name);
      }),
    );
  }

  private async pushTable(worker: string): Promise<void> {
    if (this.names.current === undefined) return;
    await this.send(worker, 'PUT', this.names.current());
  }

  /** Sends a table or a change; returns the HTTP status (0 when the worker did not answer). */
  private async send(worker: string, method: 'PUT' | 'PATCH', body: unknown): Promise<number> {
    const link = this.registry.get(worker);
    // Removed meanwhile (its pod gone): nothing to keep in step.
    if (link === undefined) return 0;
    const entry: ResolutionState = { pushedAt: this.state.get(worker)?.pushedAt ?? null, error: null };
    let status = 0;
    try {
      const res = await link.fetch('/resolution', { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      status = res.status;
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} /resolution answered ${res.status}: ${text.slice(0, 200)}`);
      entry.pushedAt = Date.now();
    } catch (err) {
      entry.error = describe(err);
      // A worker without PATCH is answered with the whole table next; not worth a warning.
      if (!(method === 'PATCH' && (status === 404 || status === 405))) this.log.warn({ worker, err: entry.error }, 'could not push names to a worker');
    }
    this.state.set(worker, entry);
    return status;
  }
}
