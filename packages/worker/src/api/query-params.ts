import { compileFilter, type CompiledFilter } from '@shoal/filter';
import { compiledParam } from './http-util.js';

export { countParam, timeParam } from './http-util.js';

/** A `q=` filter compiled; one that does not compile is a 400 with its FLT_ERR_* code and position. */
export function filterParam(query: URLSearchParams): CompiledFilter {
  return compiledParam(query.get('q') ?? '', compileFilter);
}
