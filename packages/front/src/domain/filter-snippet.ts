/**
 * Click-to-filter: a value clicked in a row or in an entry's detail becomes a term of the query,
 * `field == value` (or `!=`), written with the KFL2 variable names of docs/filter.md and joined to
 * the query the user already has with `&&`.
 */

import { celString } from './cel-literal.js';

/** A value the user can click, and the filter variable it belongs to. */
export type FilterTerm =
  /** A catalog variable: `method`, `path`, `status_code`, `src.pod.name`, `stream`, … */
  | { kind: 'variable'; variable: string; value: string | number }
  /** A value of a list variable (`dns_questions`, `dns_answers`, …): `"value" in list`. */
  | { kind: 'member'; list: string; value: string }
  /** A header of the request or response, by its lower-case name. */
  | { kind: 'header'; side: 'request' | 'response'; name: string; value: string };

const literal = (value: string | number): string => (typeof value === 'number' ? String(value) : celString(value));

/**
 * The term as CEL. A header is read only after testing it is there: reading a missing key is an
 * evaluation error (docs/filter.md, "Missing values"), which the hub counts against the query, and
 * under `!=` it would hide the entries that lack the header instead of keeping them.
 */
export function termText(term: FilterTerm, negate = false): string {
  if (term.kind === 'variable') return `${term.variable} ${negate ? '!=' : '=='} ${literal(term.value)}`;
  if (term.kind === 'member') return negate ? `!(${celString(term.value)} in ${term.list})` : `${celString(term.value)} in ${term.list}`;
  const key = celString(term.name);
  const same = `${key} in ${term.side}.headers && ${term.side}.headers[${key}] == ${celString(term.value)}`;
  return negate ? `!(${same})` : same;
}

interface TopLevel {
  /** An operator binding looser than `&&` outside parentheses: `||` (or KFL1's `or`), `?:`. */
  loose: boolean;
  /** The text ends inside a `//` comment, so whatever follows on that line would be commented out. */
  endsInComment: boolean;
}

/** What matters about `query` for appending `&& term`; strings and comments are skipped over. */
function scan(query: string): TopLevel {
  let depth = 0;
  let loose = false;
  let i = 0;
  let inComment = false;
  while (i < query.length) {
    const ch = query[i]!;
    if (inComment) {
      if (ch === '\n') inComment = false;
      i++;
    } else if (ch === '/' && query[i + 1] === '/') {
      inComment = true;
      i += 2;
    } else if (ch === '"' || ch === "'") {
      i = skipString(query, i);
    } else if (ch === '(' || ch === '[' || ch === '{') {
      depth++;
      i++;
    } else if (ch === ')' || ch === ']' || ch === '}') {
      depth = Math.max(0, depth - 1);
      i++;
    } else {
      if (depth === 0 && ((ch === '|' && query[i + 1] === '|') || ch === '?' || isWordAt(query, i, 'or'))) loose = true;
      i++;
    }
  }
  return { loose, endsInComment: inComment };
}

/** The index after the string literal starting at `start` (single, double or triple quoted; raw or not). */
function skipString(text: string, start: number): number {
  const quote = text[start]!;
  const raw = /[rR]/.test(text[start - 1] ?? '') && !/[\w.]/.test(text[start - 2] ?? '');
  const triple = text.startsWith(quote.repeat(3), start);
  const close = triple ? quote.repeat(3) : quote;
  let i = start + close.length;
  while (i < text.length) {
    if (!raw && text[i] === '\\') i += 2;
    else if (text.startsWith(close, i)) return i + close.length;
    else if (!triple && text[i] === '\n') return i;
    else i++;
  }
  return i;
}

/** `word` stands alone at `i`: not part of a longer name, nor a field after a dot. */
function isWordAt(text: string, i: number, word: string): boolean {
  if (!text.startsWith(word, i)) return false;
  const before = text[i - 1] ?? ' ';
  const after = text[i + word.length] ?? ' ';
  return !/[\w.]/.test(before) && !/\w/.test(after);
}

/**
 * `query && clause`. A query with `||` or `?:` at its top level is put in parentheses first, since
 * `&&` binds tighter (`a || b && t` would be `a || (b && t)`), and so is such a clause; a query
 * ending in a comment gets the clause on a new line. An empty query becomes the clause as it is.
 */
export function addClause(query: string, clause: string): string {
  const trimmed = query.trim();
  if (trimmed === '' || scanIsOnlyComments(trimmed)) return clause;
  const text = scan(clause).loose ? `(${clause})` : clause;
  const top = scan(trimmed);
  if (top.loose) return `(${trimmed}${top.endsInComment ? '\n' : ''}) && ${text}`;
  return `${trimmed}${top.endsInComment ? '\n' : ' '}&& ${text}`;
}

/** Click-to-filter: `query && field == value` (or `!=`). */
export function addTerm(query: string, term: FilterTerm, negate = false): string {
  return addClause(query, termText(term, negate));
}

/** An empty filter or one of comments only matches everything (docs/filter.md): the term replaces it. */
function scanIsOnlyComments(query: string): boolean {
  return query.split('\n').every((line) => line.trim() === '' || line.trim().startsWith('//'));
}

/** The term for one side of an entry as a row shows it: its pod, else service, else name, else IP. */
export function endpointTerm(side: 'src' | 'dst', e: { ip: string; pod?: string; service?: string; name?: string }): FilterTerm {
  if (e.pod !== undefined && e.pod !== '') return { kind: 'variable', variable: `${side}.pod.name`, value: e.pod };
  if (e.service !== undefined && e.service !== '') return { kind: 'variable', variable: `${side}.service.name`, value: e.service };
  if (e.name !== undefined && e.name !== '') return { kind: 'variable', variable: `${side}.name`, value: e.name };
  return { kind: 'variable', variable: `${side}.ip`, value: e.ip };
}

/** A catalog variable's term, the common case. */
export const variableTerm = (variable: string, value: string | number): FilterTerm => ({ kind: 'variable', variable, value });

/** `"value" in list`, for a list variable of the catalog. */
export const memberTerm = (list: string, value: string): FilterTerm => ({ kind: 'member', list, value });
