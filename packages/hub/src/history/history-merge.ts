import { compileFilter, type CompiledFilter } from '@shoal/filter';
import type { Entry, HistoryPage } from '@shoal/model';
import { fillNames } from '../feed/fill-names.js';
import type { NameLookup } from '../names.js';
import { describe, type WorkerLink } from '../workers/worker-link.js';
import type { WorkerRegistry } from '../workers/worker-registry.js';

/** One worker's side of a merge: what it gave and was not released yet, and how far back it went. */
class WorkerCursor {
  /** Given by the worker, not released yet, newest first from `at`. */
  private held: Entry[] = [];
  private at = 0;
  /**
   * Every entry of this worker from `reached` to the merge's `before` has been fetched: its
   * pages end only between two timestamps (docs/api.md). -Infinity once its store is exhausted,
   * or once it failed.
   */
  reached: number;

  constructor(
    readonly link: WorkerLink,
    before: number,
  ) {
    this.reached = before;
  }

  /** Its entries at or after `time` not released yet, newest first; they count as released. */
  releaseFrom(time: number): Entry[] {
    const start = this.at;
    while (this.at < this.held.length && this.held[this.at]!.timestamp >= time) this.at++;
    return this.held.slice(start, this.at);
  }

  /** What it gave and was not released yet, newest first. */
  unreleased(): Entry[] {
    return this.held.slice(this.at);
  }

  /**
   * Takes the worker's next page: its entries that pass the hub's own check of the filter go
   * behind those held, `reached` moves back.
   */
  add(page: HistoryPage, filter: CompiledFilter, names: NameLookup | undefined): void {
    if (page.next !== null && !(page.next < this.reached)) throw new Error(`/entries answered next=${page.next}, not before ${this.reached}`);
    const entries = page.entries.filter((e) => filter.matches(e));
    if (names !== undefined) for (const e of entries) fillNames(e, names);
    this.held = this.unreleased().concat(entries);
    this.at = 0;
    this.reached = page.next ?? -Infinity;
  }
}

/**
 * The workers' histories (their GET /entries) merged newest first: the heart of the hub's
 * /entries pages and of the /stats and /servicemap walks (docs/hub.md).
 *
 * Each worker is asked from where it stopped (`before` = its own `next`), so none is skipped
 * over and none is read twice. The merge can only release what every worker has been read down
 * to: its `frontier` is where the slowest worker stopped examining (the largest of their
 * `next`), and every entry at or after it, on every worker, has been released. Each step asks
 * again only the workers standing at the frontier, the others keep what they gave below it for
 * later. A selective filter (workers that examined their cap and found nothing) still moves the
 * frontier back; only the exhaustion of every store ends the merge. As on the live feed, the hub
 * checks each entry against the filter again (so a worker that misread it, or one of an older
 * version, cannot widen a caller's scope: view-scope.ts), then fills in the names the workers
 * did not know (fill-names.ts).
 */
export class HistoryMerge {
  private readonly cursors: WorkerCursor[];
  /** Workers that were down or failed, with why: the merge lacks (the rest of) their entries. */
  readonly unavailable: Record<string, string> = {};
  /** Entries the workers read and tested against the filter, summed. */
  examined = 0;
  /** Entries the workers gave. */
  fetched = 0;
  private readonly filter: CompiledFilter;

  constructor(
    registry: WorkerRegistry,
    private readonly names: NameLookup | undefined,
    private readonly q: string,
    before: number,
    /** Entries asked of a worker per page. */
    private readonly pageEntries: number,
  ) {
    this.filter = compileFilter(q);
    for (const link of registry.all()) if (!link.up) this.unavailable[link.name] = link.state().lastError ?? 'down';
    // By name: among equal timestamps, entries come worker by worker, each in its own order.
    this.cursors = registry
      .up()
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((link) => new WorkerCursor(link, before));
  }

  /** Every entry at or after this time has been released; -Infinity once all have been. */
  get frontier(): number {
    return Math.max(-Infinity, ...this.cursors.map((c) => c.reached));
  }

  /**
   * Asks each worker standing at the frontier for its next page, then releases every entry at
   * or after the new frontier, newest first (equal timestamps: by worker name, then in the
   * worker's order). Empty when the workers found nothing there; the frontier still moved back.
   */
  async step(): Promise<Entry[]> {
    const frontier = this.frontier;
    if (frontier === -Infinity) return [];
    await Promise.all(this.cursors.filter((c) => c.reached === frontier).map((c) => this.fetch(c)));
    const next = this.frontier;
    const released = this.cursors.flatMap((c) => c.releaseFrom(next));
    // Stable: cursors are in name order, each newest first.
    return released.sort((a, b) => b.timestamp - a.timestamp);
  }

  /**
   * Asks each worker not yet read down to `time` for one more page, without releasing anything:
   * the entries just below a page's end, where the earlier copy of a call on it may be.
   */
  async reach(time: number): Promise<void> {
    await Promise.all(this.cursors.filter((c) => c.reached > time).map((c) => this.fetch(c)));
  }

  /** True while some worker has not been read down to `time`. */
  short(time: number): boolean {
    return this.cursors.some((c) => c.reached > time);
  }

  /** Entries given by the workers and not released (all older than the frontier). */
  unreleased(): Entry[] {
    return this.cursors.flatMap((c) => c.unreleased());
  }

  private async fetch(cursor: WorkerCursor): Promise<void> {
    const params = new URLSearchParams({ q: this.q, limit: String(this.pageEntries) });
    if (cursor.reached !== Infinity) params.set('before', String(cursor.reached));
    try {
      const { body } = await cursor.link.getJson(`/entries?${params}`);
      const page = body as Partial<HistoryPage>;
      if (!Array.isArray(page.entries) || (page.next !== null && typeof page.next !== 'number')) throw new Error('/entries did not answer {entries, next}');
      const given: HistoryPage = { entries: page.entries, next: page.next, examined: typeof page.examined === 'number' ? page.examined : 0 };
      cursor.add(given, this.filter, this.names);
      this.examined += given.examined;
      this.fetched += given.entries.length;
    } catch (err) {
      this.unavailable[cursor.link.name] = describe(err);
      cursor.reached = -Infinity;
    }
  }
}
