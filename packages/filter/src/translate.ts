/**
 * From a library error (EngineError) to a FilterError a person can act on: a code, the position
 * in the ORIGINAL text (the alias rewrite keeps offsets, see aliases.ts), what was expected, and a
 * suggestion for near-miss names.
 */

import type { ScanResult } from './aliases.js';
import { FUNCTIONS, ROOT_NAMES, VARIABLE_NAMES, fieldsOf } from './catalog.js';
import type { EngineError } from './engine.js';
import { type FilterError, type FilterErrorCode, filterError, FilterErrorCodes as C, positionOf } from './errors.js';

const TOKENS: Record<string, string> = {
  EOF: 'the end of the filter', NUMBER: 'a number', STRING: 'a string', BYTES: 'a bytes literal',
  BOOLEAN: '`true` or `false`', NULL: '`null`', IDENTIFIER: 'a name', PLUS: '`+`', MINUS: '`-`',
  MULTIPLY: '`*`', DIVIDE: '`/`', MODULO: '`%`', EQ: '`==`', NE: '`!=`', LT: '`<`', LE: '`<=`',
  GT: '`>`', GE: '`>=`', AND: '`&&`', OR: '`||`', NOT: '`!`', IN: '`in`', LPAREN: '`(`',
  RPAREN: '`)`', LBRACKET: '`[`', RBRACKET: '`]`', LBRACE: '`{`', RBRACE: '`}`', DOT: '`.`',
  COMMA: '`,`', COLON: '`:`', QUESTION: '`?`',
};
const OPENER: Record<string, string> = { RPAREN: '(', RBRACKET: '[', RBRACE: '{' };
const OPERAND = 'a value, a variable, `(`, `[`, `!` or `-`';

/** Edit distance counting a swap of two neighbours as one edit (`prot` → `port`, `nmae` → `name`). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The closest candidate: the same name ignoring case and `_`/`.` (`src_ip` → `src.ip`), else one
 * within a small edit distance, else one that starts with the word (`status` → `status_code`).
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/[._-]/g, '');
  let best: string | undefined;
  let bestD = word.length <= 4 ? 2 : 3;
  let prefixed: string | undefined;
  for (const c of candidates) {
    if (norm(c) === norm(word)) return c;
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
    if (word.length >= 4 && c.startsWith(word)) prefixed ??= c;
  }
  return best ?? prefixed;
}

const didYouMean = (s: string | undefined): string => (s ? `; did you mean \`${s}\`?` : '');

export function translate(e: EngineError, text: string, scan: ScanResult): FilterError {
  /** The token the user wrote at `at` (the alias word when one was rewritten there). */
  const tokenAt = (at: number, end: number): string => {
    if (at >= text.length) return 'the end of the filter';
    const alias = scan.rewrites.find((r) => r.offset === at);
    const t = alias ? alias.word : text.slice(at, Math.max(end, at + 1)).trim();
    return `\`${t.length > 40 ? `${t.slice(0, 40)}…` : t}\``;
  };
  const where = (at: number): string => {
    const p = positionOf(text, at);
    return `${p.line}:${p.column}`;
  };
  const openNote = (): string => {
    const o = scan.open.at(-1);
    if (!o) return '';
    return ` (the \`${o.char}\` at ${where(o.offset)} is still open)`;
  };
  const aliasAt = scan.rewrites.find((r) => r.offset === e.start);
  const fail = (code: FilterErrorCode, reason: string, at = e.start, len = aliasAt?.word.length ?? e.end - e.start): FilterError =>
    filterError(code, reason, text, at, len, e);
  const found = tokenAt(e.start, e.end);

  switch (e.code) {
    case 'unexpected_token':
      return fail(C.FLT_ERR_SYNTAX, `expected ${OPERAND}, found ${found}${e.start >= text.length ? openNote() : ''}`);
    case 'expected_token': {
      const m = /^Expected (\w+), got (\w+)/.exec(e.summary);
      const want = m?.[1] ?? '';
      const opener = OPENER[want];
      const o = opener ? [...scan.open].reverse().find((b) => b.char === opener) : undefined;
      const close = o ? ` to close the \`${opener}\` at ${where(o.offset)}` : '';
      return fail(C.FLT_ERR_SYNTAX, `expected ${TOKENS[want] ?? want}${close}, found ${found}`);
    }
    case 'unexpected_character': {
      if (/^Unexpected character: '/.test(e.summary)) {
        return fail(C.FLT_ERR_SYNTAX, `expected an operator (\`&&\`, \`||\`, \`==\`, \`<\`, \`in\`, …) or the end of the filter, found ${found}`);
      }
      const ch = text[e.start] ?? '';
      if (ch === '=') return fail(C.FLT_ERR_SYNTAX, 'expected `==` to compare, found `=` (CEL has no `=` or `===`)', e.start, 1);
      if (ch === '&' || ch === '|') return fail(C.FLT_ERR_SYNTAX, `expected \`${ch}${ch}\`, found a single \`${ch}\``, e.start, 1);
      return fail(C.FLT_ERR_SYNTAX, `expected ${OPERAND} or an operator, found \`${ch}\`, which the filter language does not use`, e.start, 1);
    }
    case 'unterminated_string':
    case 'unterminated_triple_quoted_string':
      return fail(C.FLT_ERR_SYNTAX, 'expected a closing quote for the string that starts here', e.start, 1);
    case 'newline_in_string':
      return fail(C.FLT_ERR_SYNTAX, 'expected a closing quote before the end of the line (use """…""" for multi-line strings)');
    case 'reserved_identifier':
      return fail(C.FLT_ERR_SYNTAX, `expected a variable, found ${found}, a reserved word in CEL`);
    case 'limit_exceeded':
      return fail(C.FLT_ERR_TOO_COMPLEX, `the filter is too complex (${e.summary}); split it or simplify it`);
    case 'unknown_variable': {
      const name = text.slice(e.start, e.end);
      const dotted = suggest(name, VARIABLE_NAMES) ?? suggest(name, ROOT_NAMES);
      return fail(C.FLT_ERR_UNKNOWN, `unknown variable \`${name}\`${didYouMean(dotted)} (docs/filter.md lists the variables)`);
    }
    case 'no_such_key': {
      const parent = e.node?.parentPath;
      const field = e.node?.field ?? text.slice(e.start, e.end);
      const fields = parent ? fieldsOf(parent) : [];
      const list = fields.length ? `; it has ${fields.map((f) => `\`${f}\``).join(', ')}` : '';
      return fail(C.FLT_ERR_UNKNOWN, `\`${parent ?? 'this value'}\` has no field \`${field}\`${didYouMean(suggest(field, fields))}${list}`);
    }
    case 'cannot_index_type':
      return fail(C.FLT_ERR_TYPE, `expected a value with fields before \`.\` or \`[\`: ${e.summary.toLowerCase()}`);
    case 'no_matching_overload': {
      const name = e.node?.fnName ?? '';
      const at = e.node?.fnNameAt !== undefined ? text.indexOf(name, e.node.fnNameAt) : -1;
      const pos = at >= 0 ? at : e.start;
      if (!(FUNCTIONS as readonly string[]).includes(name)) {
        return fail(C.FLT_ERR_UNKNOWN, `unknown function \`${name}\`${didYouMean(suggest(name, FUNCTIONS))}`, pos, name.length);
      }
      return fail(C.FLT_ERR_TYPE, `\`${name}\` does not take these argument types (${e.summary})`, pos, name.length);
    }
    case 'no_such_overload': {
      const not = scan.rewrites.find((r) => r.offset === e.start && r.word === 'not');
      const hint = not
        ? '; `not` is `!`, which binds tighter than `==`: write `not (…)` or use `!=`'
        : /\bint\b.*\bstring\b|\bstring\b.*\bint\b/.test(e.summary) ? '; numbers are written without quotes' : '';
      return fail(C.FLT_ERR_TYPE, `type mismatch: ${e.summary}${hint}`);
    }
    case 'invalid_regex':
      return fail(C.FLT_ERR_REGEX, `expected an RE2 regular expression for matches(): ${e.summary}`);
    case 'invalid_macro_argument':
      return fail(C.FLT_ERR_TYPE, `${e.summary}: expected a field selection such as has(request.headers.authorization)`);
    default:
      return fail(e.stage === 'parse' ? C.FLT_ERR_SYNTAX : C.FLT_ERR_TYPE, e.summary);
  }
}
