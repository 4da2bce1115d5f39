import type { ServerResponse } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { CompiledFilter } from '@shoal/filter';
import { DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT, type Entry, type HistoryPage } from '@shoal/model';
import type { EntryStore } from '../store/entry-store.js';
import type { WorkerCore } from '../worker-core.js';
import { sendJson } from './http-util.js';
import { countParam, filterParam, timeParam } from './query-params.js';

/** Entries examined between two yields to the event loop, so capture keeps flowing meanwhile. */
const SLICE = 500;

/**
 * The newest entries before `beforeMs` that match, at most `limit` of them and at most about
 * `maxExamined` read. A page ends only between two timestamps, never among entries sharing
 * one (pipelined requests that arrived in one packet do): otherwise `before=next` (strictly
 * before) would skip the rest of them. So the last group may take a page past `limit` or
 * `maxExamined` by the size of that group. `next` is the timestamp of the last group examined,
 * matching or not (wire/history.ts): a page cut short by the examine cap still moves on, and
 * `next` is null only once the walk ran out of stored entries.
 */
export async function historyPage(store: EntryStore, filter: CompiledFilter, beforeMs: number, limit: number, maxExamined: number): Promise<HistoryPage> {
  const entries: Entry[] = [];
  let examined = 0;
  let last: number | undefined;
  for (const stored of store.newestBefore(beforeMs)) {
    if (stored.timestamp !== last) {
      if (last !== undefined && (entries.length >= limit || examined >= maxExamined)) return { entries, next: last, examined };
      last = stored.timestamp;
    }
    const entry = stored.read();
    if (filter.matches(entry)) entries.push(entry);
    // Read before yielding: the walk skips what is evicted meanwhile, a held record could not.
    if (++examined % SLICE === 0) await nextTurn();
  }
  return { entries, next: null, examined };
}

/** GET /entries?q=&before=&limit=: a page of history, newest first (docs/api.md). */
export async function listEntries(core: WorkerCore, query: URLSearchParams, res: ServerResponse): Promise<void> {
  const filter = filterParam(query);
  const before = timeParam(query, 'before', Infinity);
  const limit = countParam(query, 'limit', DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT);
  sendJson(res, 200, await historyPage(core.store, filter, before, limit, core.maxExamined));
}
