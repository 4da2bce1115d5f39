/**
 * The error body every API answer and every `error` feed message carries, worker, hub and front
 * alike (docs/api.md, docs/hub.md, docs/errors.md): `{"error": ErrorBody}`. No Node-only import:
 * the dashboard reads it too.
 */

/** Where in the user's text (a filter, a pattern) a problem is: 0-based offset, 1-based line and column. */
export interface TextPosition {
  offset: number;
  line: number;
  column: number;
}

export interface ErrorBody {
  /** A code of docs/errors.md (`HUB_ERR_*`, `WRK_ERR_*`, `FRONT_ERR_*`, `FLT_ERR_*`). */
  code: string;
  /** What is wrong and what to do, in words. */
  message: string;
  /** A filter's errors: where, and the line with a caret under it. */
  position?: TextPosition;
  excerpt?: string;
  /** Anything else the error names (a 409's `version`, …). */
  [detail: string]: unknown;
}

export interface ErrorAnswer {
  error: ErrorBody;
}

/** An error that points into the user's text: a filter's (FilterError has this shape). */
export interface PositionedError {
  code: string;
  reason: string;
  position: TextPosition;
  excerpt: string;
}

/** The body of a positioned error, as the APIs send it. */
export function positionedErrorBody(err: PositionedError): ErrorBody {
  return { code: err.code, message: err.reason, position: err.position, excerpt: err.excerpt };
}
