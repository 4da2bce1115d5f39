import type { ServerResponse } from 'node:http';
import { DEFAULT_HISTORY_LIMIT, type Entry, type HistoryPage } from '@shoal/model';
import type { ViewScope } from '../../access/view-scope.js';
import type { HubHistory } from '../../history/hub-history.js';
import { HistoryMerge } from '../../history/history-merge.js';
import { mergedPage } from '../../history/merged-page.js';
import type { WorkerRegistry } from '../../workers/worker-registry.js';
import { describe } from '../../workers/worker-link.js';
import { ApiError, badRequest, ErrorCodes, sendJson, timeParam } from '../http-util.js';
import { compileOrThrow } from './filter-param.js';

/** `limit=`: a whole number ≥ 1, DEFAULT_HISTORY_LIMIT when absent. */
function limitParam(query: URLSearchParams): number {
  const text = query.get('limit');
  if (text === null || text === '') return DEFAULT_HISTORY_LIMIT;
  const n = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1)) throw badRequest(`limit= must be a whole number of entries, 1 or more, got '${text}'`);
  return n;
}

/**
 * GET /entries?q=&before=&limit=: the newest matching entries before a time, across workers
 * (docs/hub.md). The workers' histories are merged newest first (history-merge.ts) and cut
 * between two timestamps (merged-page.ts); `next` is where every worker was read down to, so the
 * next page skips nothing (wire/history.ts). A `limit` above the hub's --max-history-limit is
 * lowered to it, and the answer's `limit` says what applied. Workers that did not answer are
 * named in `unavailable`, so a dashboard can say the history is partial. `examined` sums the
 * workers' own counts of entries tested against the filter, so a dashboard showing no match can
 * say how many entries the query turned down. The caller's scope narrows the filter the workers
 * are asked (view-scope.ts).
 */
export async function getHistory(history: HubHistory, query: URLSearchParams, res: ServerResponse, scope: ViewScope): Promise<void> {
  const q = query.get('q') ?? '';
  compileOrThrow(q);
  const before = timeParam(query, 'before', Infinity);
  const asked = limitParam(query);
  const limit = Math.min(asked, history.limits.maxPageEntries);
  if (limit < asked) history.limitsLowered++;
  const merge = new HistoryMerge(history.registry, history.names, scope.narrow(q), before, limit);
  const { entries, next } = await mergedPage(merge, limit);
  const page: HistoryPage = { entries, next, examined: merge.examined, limit };
  if (Object.keys(merge.unavailable).length > 0) page.unavailable = merge.unavailable;
  sendJson(res, 200, page);
}

/**
 * GET /entries/:id: asked of the worker named by the id's first part (`<worker>/<run>/<seq>`).
 * An entry outside the caller's scope is answered as one that does not exist, so that its
 * existence does not show either.
 */
export async function getEntryById(registry: WorkerRegistry, id: string, res: ServerResponse, scope: ViewScope): Promise<void> {
  const name = id.split('/')[0]!;
  const link = registry.get(name);
  if (link === undefined) throw new ApiError(404, ErrorCodes.HUB_ERR_NOT_FOUND, `no worker '${name}' (the first part of the id '${id}'); GET /status lists the workers`);
  let answer;
  try {
    answer = await link.fetch(`/entries/${encodeURIComponent(id)}`);
  } catch (err) {
    throw new ApiError(502, ErrorCodes.HUB_ERR_WORKER, `worker '${name}' did not answer: ${describe(err)}`);
  }
  const text = await answer.text();
  const notFound = new ApiError(404, ErrorCodes.HUB_ERR_NOT_FOUND, `no entry '${id}' on worker '${name}' (never seen, or evicted)`);
  if (answer.status === 404) throw notFound;
  if (!answer.ok) throw new ApiError(502, ErrorCodes.HUB_ERR_WORKER, `worker '${name}' answered ${answer.status}: ${text.slice(0, 200)}`);
  if (!scope.all && !scope.sees(JSON.parse(text) as Entry)) throw notFound;
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
