import { compileFilter, isFilterError, type CompiledFilter } from '@shoal/filter';
import { ApiError, ApiErrorCodes } from './http-util.js';
import { filterErrorBody } from './ws-feed.js';

/** A `q=` filter compiled; one that does not compile is a 400 with its FLT_ERR_* code and position. */
export function filterParam(query: URLSearchParams): CompiledFilter {
  try {
    return compileFilter(query.get('q') ?? '');
  } catch (err) {
    if (isFilterError(err)) throw new ApiError(400, err.code, err.reason, filterErrorBody(err));
    throw err;
  }
}

/** A time in epoch milliseconds (fractions allowed); `fallback` when absent or empty. */
export function timeParam(query: URLSearchParams, name: string, fallback: number): number {
  const text = query.get(name);
  if (text === null || text === '') return fallback;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new ApiError(400, ApiErrorCodes.WRK_ERR_BAD_REQUEST, `${name}= must be a time in epoch milliseconds, got '${text}'`);
  return n;
}

/** A whole number in [1, max]; `fallback` when absent or empty. */
export function countParam(query: URLSearchParams, name: string, fallback: number, max: number): number {
  const text = query.get(name);
  if (text === null || text === '') return fallback;
  const n = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= max)) throw new ApiError(400, ApiErrorCodes.WRK_ERR_BAD_REQUEST, `${name}= must be a whole number from 1 to ${max}, got '${text}'`);
  return n;
}
