import { compileFilter, type CompiledFilter } from '@shoal/filter';
import { compiledParam } from '../http-util.js';

/**
 * Compiles a filter given to a route; a bad one is a 400 with the filter's code, position and
 * excerpt, before any worker is asked.
 */
export function compileOrThrow(text: string): CompiledFilter {
  return compiledParam(text, compileFilter);
}
