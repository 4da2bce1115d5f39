/**
 * compileFilter(text): compile once, evaluate per entry. Compile errors throw a FilterError
 * (position in the user's text, what was expected, a caret excerpt); an entry on which
 * evaluation fails does not match, and the failure is counted, never thrown.
 */

import type { Entry } from '@shoal/model';
import { EntryContext } from './activation.js';
import { scanAliases, type ScanResult } from './aliases.js';
import { engine, MAX_FILTER_LENGTH, toEngineError, type EngineError } from './engine.js';
import { type FilterError, filterError, FilterErrorCodes as C } from './errors.js';
import { translate } from './translate.js';

export interface EvalFailure {
  /** Always FLT_ERR_EVAL; the reason and position say what failed, on which entry. */
  error: FilterError;
  entryId: string;
}

export interface CompiledFilter {
  /** The filter as the user wrote it. */
  readonly text: string;
  /** Catalog variables the filter reads (`dst.pod.namespace`, `http`); [] for the empty filter. */
  readonly variables: readonly string[];
  /** True when the entry matches; false when it does not or when evaluation failed on it. */
  matches(entry: Entry): boolean;
  /** Entries on which evaluation failed since compilation (or the last `resetErrors`). */
  readonly errorCount: number;
  /** The most recent evaluation failure, described like a compile error. */
  readonly lastError: EvalFailure | undefined;
  resetErrors(): void;
}

const MATCH_ALL_VARIABLES: readonly string[] = Object.freeze([]);

class MatchAll implements CompiledFilter {
  readonly variables = MATCH_ALL_VARIABLES;
  readonly errorCount = 0;
  readonly lastError = undefined;
  constructor(readonly text: string) {}
  matches(): boolean {
    return true;
  }
  resetErrors(): void {}
}

class Compiled implements CompiledFilter {
  private failures = 0;
  private last: { err: unknown; entryId: string } | undefined;
  private readonly ctx = new EntryContext();

  constructor(
    readonly text: string,
    readonly variables: readonly string[],
    private readonly scan: ScanResult,
    private readonly evaluate: (ctx: object) => unknown,
  ) {}

  matches(entry: Entry): boolean {
    let result: unknown;
    const ctx = this.ctx;
    ctx.entry = entry;
    try {
      result = this.evaluate(ctx);
    } catch (err) {
      this.fail(err, entry);
      return false;
    } finally {
      ctx.entry = undefined; // do not keep the entry alive
    }
    if (result === true) return true;
    if (result !== false) this.fail(new NotBoolean(result), entry);
    return false;
  }

  get errorCount(): number {
    return this.failures;
  }

  /** Built on demand: formatting a message per failing entry would cost more than evaluating. */
  get lastError(): EvalFailure | undefined {
    if (!this.last) return undefined;
    const e = toEngineError(this.last.err, 'eval');
    const t = translate(e, this.text, this.scan);
    const hint = e.code === 'no_such_key' ? ' (test with `in` or has() first)' : '';
    const reason = `on entry ${this.last.entryId}: ${e.summary}${hint}`;
    return {
      error: filterError(C.FLT_ERR_EVAL, reason, this.text, t.position.offset, e.end - e.start, this.last.err),
      entryId: this.last.entryId,
    };
  }

  resetErrors(): void {
    this.failures = 0;
    this.last = undefined;
  }

  private fail(err: unknown, entry: Entry): void {
    this.failures++;
    this.last = { err, entryId: typeof entry?.id === 'string' ? entry.id : '?' };
  }
}

class NotBoolean extends Error {
  readonly code = 'not_boolean';
  readonly summary: string;
  /** The whole filter (the excerpt clamps the underline to the first line). */
  readonly range = { start: 0, end: Number.MAX_SAFE_INTEGER };
  constructor(value: unknown) {
    const js = typeof value;
    const kind = value === null ? 'null' : Array.isArray(value) ? 'list'
      : js === 'bigint' ? 'int' : js === 'number' ? 'double' : js === 'object' ? 'map or message' : js;
    super(`the filter gave a ${kind}, not true or false`);
    this.summary = this.message;
  }
}

/** Compiles a filter. Throws FilterError (FLT_ERR_*) when the text is not a usable filter. */
export function compileFilter(text: string): CompiledFilter {
  if (typeof text !== 'string') {
    throw filterError(C.FLT_ERR_SYNTAX, 'expected the filter as a string', '', 0);
  }
  if (text.length > MAX_FILTER_LENGTH) {
    throw filterError(C.FLT_ERR_TOO_COMPLEX, `the filter is longer than ${MAX_FILTER_LENGTH} characters`, text, MAX_FILTER_LENGTH);
  }
  const scan = scanAliases(text);
  if (scan.blank) return new MatchAll(text);

  let compiled;
  try {
    compiled = engine.compile(scan.text);
  } catch (err) {
    if (isEngineError(err)) throw translate(err, text, scan);
    throw err;
  }
  if (compiled.resultType !== 'bool' && compiled.resultType !== 'dyn') {
    throw filterError(
      C.FLT_ERR_TYPE,
      `expected a condition (bool), but this filter gives a value of type ${compiled.resultType}; compare it, e.g. \`… == "x"\``,
      text, text.length - text.trimStart().length, text.trim().length,
    );
  }
  return new Compiled(text, Object.freeze(compiled.variables), scan, compiled.evaluate);
}

function isEngineError(x: unknown): x is EngineError {
  return typeof x === 'object' && x !== null && 'stage' in x && 'code' in x && 'start' in x;
}
