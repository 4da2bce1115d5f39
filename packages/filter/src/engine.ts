/**
 * The one wrapper around the CEL library (@marcbachmann/cel-js; bench/filter/compare.mjs and
 * docs/filter.md say why). Nothing else in Shoal imports the library: swapping it means
 * rewriting this file only. It declares the variables (typed, so typos and type mismatches are
 * compile errors), parses, type-checks once, makes `matches()` use RE2 (regex.ts), and hands
 * back an evaluator plus what the expression references. Errors leave here as `EngineError`, a
 * library-neutral description.
 */

import { Environment, type ASTNode } from '@marcbachmann/cel-js';
import { ROOTS, VIEW_TYPES } from './activation.js';
import { VARIABLE_NAMES } from './catalog.js';
import { compileRegex, RegexCache, type RegexProblem } from './regex.js';
import { literalOffset } from './string-literal.js';

export const MAX_FILTER_LENGTH = 16 * 1024;

/** A library error, reduced to what the translation (compile.ts) needs. */
export interface EngineError {
  stage: 'parse' | 'check' | 'eval';
  /**
   * The library's code, e.g. `unexpected_token`, `unknown_variable`, `no_such_overload`; or
   * `invalid_regex`, this file's, for a pattern RE2 refuses.
   */
  code: string;
  summary: string;
  start: number;
  end: number;
  /** The node the error is attached to, for field and function names. */
  node?: { op: string; field?: string; parentPath?: string; fnName?: string; fnNameAt?: number };
}

export interface Engine {
  /** Throws `EngineError` for parse and type errors. */
  compile(text: string): Compiled;
}

export interface Compiled {
  /** Runs the expression; throws on an evaluation error (`toEngineError` describes it). */
  evaluate(ctx: object): unknown;
  /** `bool`, or `dyn` when only run time can tell. */
  resultType: string;
  /** Catalog names referenced, dotted where a documented field is selected (`dst.pod.name`). */
  variables: string[];
}

let shared: Environment | undefined;

function environment(): Environment {
  if (shared) return shared;
  const env = new Environment({ limits: { maxAstNodes: 2000, maxDepth: 64 } });
  for (const t of Object.values(VIEW_TYPES)) {
    env.registerType(t.name, { ctor: t.ctor as never, fields: { ...t.fields } });
  }
  for (const [name, root] of Object.entries(ROOTS)) env.registerVariable(name, root.type);
  env.registerFunction('now(): google.protobuf.Timestamp', () => new Date(), {
    description: 'The current time (evaluated per entry).',
  });
  shared = env;
  return env;
}

/** `src.pod.name` for a chain of field selections on an identifier; undefined otherwise. */
function pathOf(node: ASTNode): string | undefined {
  if (node.op === 'id') return node.args;
  if (node.op === '.') {
    const left = pathOf(node.args[0]);
    return left === undefined ? undefined : `${left}.${node.args[1]}`;
  }
  return undefined;
}

function isNode(x: unknown): x is ASTNode {
  return typeof x === 'object' && x !== null && 'op' in x && 'args' in x;
}

function walk(node: ASTNode, visit: (n: ASTNode) => boolean): void {
  if (!visit(node)) return;
  const stack: unknown[] = [node.args];
  while (stack.length) {
    const x = stack.pop();
    if (isNode(x)) walk(x, visit);
    else if (Array.isArray(x)) for (const y of x) stack.push(y);
  }
}

/** Catalog names the expression references, and its `s.matches(re)` calls. */
function analyse(ast: ASTNode): { variables: string[]; matchCalls: ASTNode[] } {
  const variables = new Set<string>();
  const matchCalls: ASTNode[] = [];
  walk(ast, (n) => {
    if (n.op === 'id' || n.op === '.') {
      const path = pathOf(n);
      if (path !== undefined) {
        // the longest documented prefix: dst.pod.name, request.headers, else the root
        const parts = path.split('.');
        for (let k = parts.length; k > 0; k--) {
          const p = parts.slice(0, k).join('.');
          if (VARIABLE_NAMES.has(p) || (k === 1 && p in ROOTS)) {
            variables.add(p);
            break;
          }
        }
        return false;
      }
    }
    if (n.op === 'rcall' && n.args[0] === 'matches' && n.args[2].length === 1) matchCalls.push(n);
    return true;
  });
  return { variables: [...variables].sort(), matchCalls };
}

/** What the type check leaves on a call node: the function that evaluates it. */
type Handle = (args: unknown[], ev: unknown, ast: unknown) => unknown;

/**
 * Makes a checked `s.matches(re)` call match with RE2. The library's own `matches()` runs
 * JavaScript's backtracking RegExp, and its API refuses a second overload with the same
 * signature, so the handle its type check put on the call node is wrapped: two strings go to
 * RE2; anything else to the library's handle, which reports the type error as it always did.
 */
function matchWithRe2(call: ASTNode, test: (subject: string, pattern: string) => boolean): void {
  const node = call as unknown as { handle?: Handle };
  const library = node.handle;
  if (typeof library !== 'function') {
    throw new Error('internal: the CEL library no longer leaves a handle on a checked call; engine.ts must follow it');
  }
  node.handle = (args, ev, ast) =>
    typeof args[0] === 'string' && typeof args[1] === 'string' ? test(args[0], args[1]) : library(args, ev, ast);
}

/** A pattern computed at evaluation that RE2 refuses: fails that entry (FLT_ERR_EVAL). */
class RefusedPattern extends Error {
  readonly code = 'invalid_regex';
  readonly summary: string;
  readonly range: { start: number; end: number };
  constructor(pattern: string, problem: RegexProblem, at: ASTNode) {
    const shown = pattern.length > 60 ? `${pattern.slice(0, 60)}…` : pattern;
    super(`the pattern "${shown}" given to matches() is not an RE2 regular expression: ${problem.reason}`);
    this.summary = this.message;
    this.range = { start: at.start, end: at.end };
  }
}

/**
 * Binds every `matches()` call to RE2: a literal pattern is compiled here, once (a refusal is a
 * compile error at the construct RE2 refuses); a computed one at evaluation, through a bounded
 * cache that belongs to this compiled filter.
 */
function bindRegexes(text: string, calls: ASTNode[]): void {
  let cache: RegexCache | undefined;
  for (const call of calls) {
    if (call.op !== 'rcall') continue;
    const arg = call.args[2][0]!;
    if (arg.op === 'value' && typeof arg.args === 'string') {
      const compiled = compileRegex(arg.args);
      if (!compiled.ok) throw regexError(text, arg, compiled.problem);
      const { regex } = compiled;
      matchWithRe2(call, (subject) => regex.test(subject));
    } else {
      const shared = (cache ??= new RegexCache());
      matchWithRe2(call, (subject, pattern) => {
        const compiled = shared.get(pattern);
        if (!compiled.ok) throw new RefusedPattern(pattern, compiled.problem, arg);
        return compiled.regex.test(subject);
      });
    }
  }
}

/** A refused literal pattern, positioned at the construct inside the literal as written. */
function regexError(text: string, literal: ASTNode, problem: RegexProblem): EngineError {
  const source = text.slice(literal.start, literal.end);
  const start = literal.start + literalOffset(source, problem.offset);
  const end = literal.start + literalOffset(source, problem.offset + problem.length);
  return { stage: 'check', code: 'invalid_regex', summary: problem.reason, start, end: Math.max(end, start + 1) };
}

interface LibraryError {
  code?: unknown;
  summary?: unknown;
  message?: unknown;
  range?: { start: number; end: number };
  node?: unknown;
}

/** Any error the library throws, described without library types. */
export function toEngineError(err: unknown, stage: EngineError['stage']): EngineError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as LibraryError;
  const summary = typeof e.summary === 'string' ? e.summary : String(e.message ?? err);
  const start = e.range?.start ?? 0; // no range (e.g. a result that is not a bool): the whole filter
  const out: EngineError = {
    stage, code: typeof e.code === 'string' ? e.code : 'internal', summary, start, end: e.range?.end ?? start,
  };
  const node = e.node;
  if (isNode(node)) {
    out.node = { op: node.op };
    if (node.op === '.') {
      out.node.field = node.args[1];
      out.node.parentPath = pathOf(node.args[0]);
    } else if (node.op === 'rcall') {
      out.node.fnName = node.args[0];
      out.node.fnNameAt = node.args[1].end;
    } else if (node.op === 'call') {
      out.node.fnName = node.args[0];
      out.node.fnNameAt = node.start;
    }
  }
  return out;
}

export const engine: Engine = {
  compile(text: string): Compiled {
    const env = environment();
    let fn: ReturnType<Environment['parse']>;
    try {
      fn = env.parse(text);
    } catch (err) {
      throw toEngineError(err, 'parse');
    }
    const checked = fn.check();
    if (!checked.valid) throw toEngineError(checked.error, 'check');
    const { variables, matchCalls } = analyse(fn.ast);
    bindRegexes(text, matchCalls);
    return { evaluate: (ctx) => fn(ctx), resultType: checked.type ?? 'dyn', variables };
  },
};
