import type { Entry } from '@shoal/model';
import { describe } from '../workers/worker-link.js';
import type { WorkerRegistry } from '../workers/worker-registry.js';

/** Entries asked of a worker per page while walking its history. */
const PAGE = 1000;
/** Most entries one aggregate (/stats, /servicemap) reads, over all workers. */
export const MAX_WALKED_ENTRIES = 200_000;

export interface WalkResult {
  entries: number;
  /** True when MAX_WALKED_ENTRIES stopped the walk before `from`. */
  truncated: boolean;
  /** Workers that were down or failed, with why: the aggregate leaves their entries out. */
  unavailable: Record<string, string>;
}

/**
 * Reads every entry matching `q` with from ≤ timestamp < to from each up worker's history
 * (GET /entries, newest first, page by page with `before`), handing each to `visit`. Workers are
 * walked side by side and independently: an aggregate does not need them merged in order.
 */
export async function walkHistory(registry: WorkerRegistry, q: string, from: number, to: number, visit: (entry: Entry) => void): Promise<WalkResult> {
  const result: WalkResult = { entries: 0, truncated: false, unavailable: {} };
  for (const link of registry.all()) if (!link.up) result.unavailable[link.name] = link.state().lastError ?? 'down';
  await Promise.all(
    registry.up().map(async (link) => {
      let before = to;
      try {
        for (;;) {
          if (result.entries >= MAX_WALKED_ENTRIES) {
            result.truncated = true;
            return;
          }
          const params = new URLSearchParams({ q, limit: String(PAGE) });
          if (before !== Infinity) params.set('before', String(before));
          const page = (await link.getJson(`/entries?${params}`)).body as { entries?: Entry[]; next?: number | null };
          if (!Array.isArray(page.entries)) throw new Error('/entries did not answer {entries, next}');
          for (const entry of page.entries) {
            if (entry.timestamp < from) return;
            if (entry.timestamp >= to) continue;
            result.entries++;
            visit(entry);
          }
          if (typeof page.next !== 'number' || page.entries.length === 0) return;
          before = page.next;
        }
      } catch (err) {
        result.unavailable[link.name] = describe(err);
      }
    }),
  );
  return result;
}
