/**
 * `GET /entries`, the history page of the worker (docs/api.md) and of the hub (docs/hub.md),
 * and its cursor: what the worker and the hub write and the hub, the dashboard and `shoal
 * observe` read. No Node-only import: the browser code imports it.
 *
 * The cursor is a time. `next` says: every matching entry with `next ≤ timestamp < before`
 * has been given, on this page or an earlier one, and the entries sharing one timestamp are
 * never split between two pages. So the following page is `before=next` (strictly before),
 * and nothing is skipped or given twice. A page may be longer than `limit` (the last
 * timestamp's whole group) or shorter, even empty (a selective filter that found nothing in
 * the entries one request may read): only `next: null` means that no entry is left.
 */
import type { Entry } from '../entry.js';

export interface HistoryPage<E = Entry> {
  /** Matching entries, newest first. */
  entries: E[];
  /** The `before` of the next page; null once nothing older is stored anywhere. */
  next: number | null;
  /** Entries read and tested against the filter for this page (on the hub: summed over the workers). */
  examined: number;
  /** Hub only: workers that were down or failed, with why; the page lacks their entries. */
  unavailable?: Record<string, string>;
  /** Hub only: the `limit` applied, the one asked for lowered to the hub's `--max-history-limit`. */
  limit?: number;
}

/** `limit` when the request gives none. */
export const DEFAULT_HISTORY_LIMIT = 100;
/** The largest `limit` a worker takes, and the most the hub can be set to (`--max-history-limit`). */
export const MAX_HISTORY_LIMIT = 1000;

