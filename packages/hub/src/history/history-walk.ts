import { MAX_HISTORY_LIMIT, type Entry, type WalkAnswer } from '@shoal/model';
import { COPY_TOLERANCE_MS } from '../feed/cross-node-copies.js';
import { HistoryCopies } from './history-copies.js';
import { HistoryMerge } from './history-merge.js';
import type { HubHistory } from './hub-history.js';

/** Most entries one aggregate (/stats, /servicemap) reads, over all workers. */
export const MAX_WALKED_ENTRIES = 200_000;

/** Entries visited (matching, in the range, each call between two nodes once), and how complete. */
export type WalkResult = WalkAnswer;

/**
 * Hands `visit` every entry matching `q` with from ≤ timestamp < to, from every worker's
 * history: the same merge as GET /entries pages (history-merge.ts), so nothing is skipped and
 * nothing read twice, names filled in as on the live feed, and a call captured on two nodes
 * visited once, by its earlier copy as the feed shows it (history-copies.ts). That copy may lie
 * up to COPY_TOLERANCE_MS before `from`: the walk reads that much further back, and such a call
 * is not in the range.
 */
export async function walkHistory(history: HubHistory, q: string, from: number, to: number, visit: (entry: Entry) => void): Promise<WalkResult> {
  const merge = new HistoryMerge(history.registry, history.names, q, to, MAX_HISTORY_LIMIT);
  let entries = 0;
  const copies = new HistoryCopies((e) => {
    if (e.timestamp < from || e.timestamp >= to) return;
    entries++;
    visit(e);
  });
  const end = from - COPY_TOLERANCE_MS;
  let truncated = false;
  while (merge.frontier > end) {
    if (merge.fetched >= MAX_WALKED_ENTRIES) {
      truncated = true;
      break;
    }
    for (const e of await merge.step()) copies.push(e);
    copies.advance(merge.frontier);
  }
  copies.flush();
  return { entries, truncated, unavailable: merge.unavailable };
}
