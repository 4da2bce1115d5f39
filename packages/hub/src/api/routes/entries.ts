import type { ServerResponse } from 'node:http';
import type { Entry } from '@shoal/model';
import { CrossNodeCopies } from '../../feed/cross-node-copies.js';
import { fillNames } from '../../feed/fill-names.js';
import type { NameLookup } from '../../names.js';
import type { WorkerRegistry } from '../../workers/worker-registry.js';
import { describe, WorkerHttpError } from '../../workers/worker-link.js';
import { ApiError, badRequest, ErrorCodes, sendJson, timeParam } from '../http-util.js';
import { compileOrThrow } from './filter-param.js';

export const DEFAULT_HISTORY_LIMIT = 100;
export const MAX_HISTORY_LIMIT = 1000;

interface Page {
  entries: Entry[];
  next: number | null;
  /** Entries the worker read and tested against the filter for this page. */
  examined: number;
}

/**
 * GET /entries?q=&before=&limit=: the newest matching entries before a time, across workers.
 * Each up worker walks its own store backwards (its /entries, same parameters); the pages are
 * merged newest first and cut at `limit`. `next` is the `before` for the following page: the
 * oldest timestamp returned when anything may be left, on any worker. Workers that did not
 * answer are named in `unavailable`, so a dashboard can say the history is partial. Names the
 * workers did not know are filled in as on the live stream. `examined` sums the workers' own
 * counts of entries tested against the filter, so a dashboard showing no match can say how many
 * entries the query turned down.
 */
export async function getHistory(registry: WorkerRegistry, names: NameLookup | undefined, query: URLSearchParams, res: ServerResponse): Promise<void> {
  const q = query.get('q') ?? '';
  compileOrThrow(q);
  const before = timeParam(query, 'before', Infinity);
  const limitText = query.get('limit');
  const limit = limitText === null || limitText === '' ? DEFAULT_HISTORY_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_LIMIT) throw badRequest(`limit= must be an integer from 1 to ${MAX_HISTORY_LIMIT}, got '${limitText}'`);

  const params = new URLSearchParams({ q, limit: String(limit) });
  if (before !== Infinity) params.set('before', String(before));
  const unavailable: Record<string, string> = {};
  for (const link of registry.all()) if (!link.up) unavailable[link.name] = link.state().lastError ?? 'down';
  const pages = await Promise.all(
    registry.up().map(async (link): Promise<Page | undefined> => {
      try {
        const { body } = await link.getJson(`/entries?${params}`);
        const page = body as Partial<Page>;
        if (!Array.isArray(page.entries)) throw new WorkerHttpError(200, '', `${link.name}: /entries did not answer {entries, next}`);
        return { entries: page.entries, next: typeof page.next === 'number' ? page.next : null, examined: typeof page.examined === 'number' ? page.examined : 0 };
      } catch (err) {
        unavailable[link.name] = describe(err);
        return undefined;
      }
    }),
  );
  const all: Entry[] = [];
  let more = false;
  let examined = 0;
  for (const page of pages) {
    if (page === undefined) continue;
    all.push(...page.entries);
    examined += page.examined;
    if (page.next !== null) more = true;
  }
  all.sort((a, b) => b.timestamp - a.timestamp);
  if (names !== undefined) for (const e of all) fillNames(e, names);
  // Oldest first, so each call keeps the entry of the node that saw it first.
  const copies = new CrossNodeCopies();
  for (let i = all.length - 1; i >= 0; i--) if (copies.isCopy(all[i]!)) all.splice(i, 1);
  if (all.length > limit) more = true;
  const entries = all.slice(0, limit);
  const next = more && entries.length > 0 ? entries[entries.length - 1]!.timestamp : null;
  const body: Record<string, unknown> = { entries, next, examined };
  if (Object.keys(unavailable).length > 0) body['unavailable'] = unavailable;
  sendJson(res, 200, body);
}

/** GET /entries/:id: asked of the worker named by the id's first part (`<worker>/<run>/<seq>`). */
export async function getEntryById(registry: WorkerRegistry, id: string, res: ServerResponse): Promise<void> {
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
  if (answer.status === 404) throw new ApiError(404, ErrorCodes.HUB_ERR_NOT_FOUND, `no entry '${id}' on worker '${name}' (never seen, or evicted)`);
  if (!answer.ok) throw new ApiError(502, ErrorCodes.HUB_ERR_WORKER, `worker '${name}' answered ${answer.status}: ${text.slice(0, 200)}`);
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
