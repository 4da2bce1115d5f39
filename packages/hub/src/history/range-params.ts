import { badRequest, timeParam } from '../api/http-util.js';
import { compileOrThrow } from '../api/routes/filter-param.js';
import type { ViewScope } from '../access/view-scope.js';

/** Default span of /stats and /servicemap when `from` is not given. */
export const DEFAULT_SPAN_MS = 15 * 60_000;

/**
 * `q`, `from` and `to` of an aggregate route: `to` defaults to now, `from` to 15 minutes before.
 * `q` comes back narrowed to the caller's scope: what the walk asks and what its shared answer is
 * kept under (walk-gate.ts), so two scopes never share one.
 */
export function rangeParams(query: URLSearchParams, scope: ViewScope): { q: string; from: number; to: number } {
  const asked = query.get('q') ?? '';
  compileOrThrow(asked);
  const q = scope.narrow(asked);
  const to = timeParam(query, 'to', Date.now());
  const from = timeParam(query, 'from', to - DEFAULT_SPAN_MS);
  if (from >= to) throw badRequest(`from= (${from}) must be before to= (${to})`);
  return { q, from, to };
}
