import { compileFilter, isFilterError, type CompiledFilter } from '@shoal/filter';
import { ApiError } from '../http-util.js';

/**
 * Compiles a filter given to a route; a bad one is a 400 with the filter's code, position and
 * excerpt, before any worker is asked.
 */
export function compileOrThrow(text: string): CompiledFilter {
  try {
    return compileFilter(text);
  } catch (err) {
    if (isFilterError(err)) throw new ApiError(400, err.code, err.reason, { position: err.position, excerpt: err.excerpt });
    throw err;
  }
}
