import { badRequest, timeParam } from '../api/http-util.js';
import { compileOrThrow } from '../api/routes/filter-param.js';

/** Default span of /stats and /servicemap when `from` is not given. */
export const DEFAULT_SPAN_MS = 15 * 60_000;

/** `q`, `from` and `to` of an aggregate route: `to` defaults to now, `from` to 15 minutes before. */
export function rangeParams(query: URLSearchParams): { q: string; from: number; to: number } {
  const q = query.get('q') ?? '';
  compileOrThrow(q);
  const to = timeParam(query, 'to', Date.now());
  const from = timeParam(query, 'from', to - DEFAULT_SPAN_MS);
  if (from >= to) throw badRequest(`from= (${from}) must be before to= (${to})`);
  return { q, from, to };
}
