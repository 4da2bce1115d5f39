/**
 * Filter errors: ShoalErrors with a `FLT_ERR_*` code from the model's registry (documented in
 * docs/errors.md), plus where in the user's text the problem is. Callers narrow on `code`.
 */
import { ErrorCodes, ShoalError } from '@shoal/model';

/** The filter codes of the model's registry (`FLT_ERR_*`), for callers that narrow on them. */
export const FilterErrorCodes = {
  FLT_ERR_SYNTAX: ErrorCodes.FLT_ERR_SYNTAX,
  FLT_ERR_UNKNOWN: ErrorCodes.FLT_ERR_UNKNOWN,
  FLT_ERR_TYPE: ErrorCodes.FLT_ERR_TYPE,
  FLT_ERR_REGEX: ErrorCodes.FLT_ERR_REGEX,
  FLT_ERR_TOO_COMPLEX: ErrorCodes.FLT_ERR_TOO_COMPLEX,
  FLT_ERR_EVAL: ErrorCodes.FLT_ERR_EVAL,
} as const;

export type FilterErrorCode = (typeof FilterErrorCodes)[keyof typeof FilterErrorCodes];

/** Where in the user's original text a problem is: 0-based offset, 1-based line and column. */
export interface TextPosition {
  offset: number;
  line: number;
  column: number;
}

export class FilterError extends ShoalError {
  declare readonly code: FilterErrorCode;
  /** One line: what is wrong and what was expected, without the position or excerpt. */
  readonly reason: string;
  readonly position: TextPosition;
  /** The offending line of the original text and a caret under the position. */
  readonly excerpt: string;

  constructor(
    code: FilterErrorCode,
    reason: string,
    position: TextPosition,
    excerpt: string,
    options?: { cause?: unknown },
  ) {
    super(code, `${reason} (at ${position.line}:${position.column})\n${excerpt}`, options);
    this.reason = reason;
    this.position = position;
    this.excerpt = excerpt;
  }
}

/** True for any filter error, even one thrown by another copy of this package. */
export function isFilterError(err: unknown): err is FilterError {
  if (!(err instanceof Error)) return false;
  const code: unknown = (err as Error & { code?: unknown }).code;
  return typeof code === 'string' && code in FilterErrorCodes;
}

/** 1-based line and column of `offset` in `text` (columns count UTF-16 units, as editors do). */
export function positionOf(text: string, offset: number): TextPosition {
  const at = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset: at, line, column: at - lineStart + 1 };
}

/** The line holding `offset`, and under it a caret (`^~~~` over `length` characters). */
export function excerptAt(text: string, offset: number, length = 1): string {
  const at = Math.max(0, Math.min(offset, text.length));
  let start = at;
  while (start > 0 && text.charCodeAt(start - 1) !== 10) start--;
  let end = at;
  while (end < text.length && text.charCodeAt(end) !== 10) end++;
  const line = text.slice(start, end);
  // Keep tabs in the padding so the caret lines up under tab-indented text.
  const pad = line.slice(0, at - start).replace(/[^\t]/g, ' ');
  const span = Math.max(1, Math.min(length, end - at));
  return `  ${line}\n  ${pad}^${'~'.repeat(span - 1)}`;
}

export function filterError(
  code: FilterErrorCode,
  reason: string,
  text: string,
  offset: number,
  length = 1,
  cause?: unknown,
): FilterError {
  return new FilterError(code, reason, positionOf(text, offset), excerptAt(text, offset, length), { cause });
}
