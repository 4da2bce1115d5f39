/**
 * What the filter bar offers at the caret: catalog variables while a name is being typed, and
 * values seen in the feed after `variable ==` (or inside the string that follows it). Pure: the
 * text, the caret and the seen values in; the suggestions and the edit that applies one out.
 */
import { VARIABLES, type VariableSpec } from '@shoal/filter/catalog';
import { tokenize, type Token } from './filter-tokens.js';
import type { SeenValues } from './seen-values.js';

export type CompletionContext =
  /** A name is being typed: `prefix` is its text up to the caret, dots included (`src.po`). */
  | { kind: 'variable'; prefix: string; start: number; end: number }
  /** A value for `variable`: `prefix` is what is typed of it, without quotes. */
  | { kind: 'value'; variable: string; prefix: string; start: number; end: number };

export interface Suggestion {
  /** What the list shows and what is inserted (values in filter syntax: quoted strings). */
  label: string;
  insert: string;
  /** The variable's type, or "seen N×" for a value. */
  detail: string;
  /** The variable's one-line meaning. */
  description: string;
}

/** At most this many suggestions are listed. */
export const MAX_SUGGESTIONS = 12;

const COMPARISONS = new Set(['==', '!=']);
const significant = (t: Token) => t.kind !== 'space' && t.kind !== 'comment';

/** The dotted name that ends at token `i` (`src.pod.name`), with its first token's index. */
function chainEndingAt(tokens: Token[], i: number): { name: string; first: number } | undefined {
  const t = tokens[i];
  if (t === undefined || (t.kind !== 'variable' && t.kind !== 'name')) return undefined;
  let first = i;
  while (tokens[first - 1]?.text === '.' && ['variable', 'name'].includes(tokens[first - 2]?.kind ?? '')) first -= 2;
  return { name: tokens.slice(first, i + 1).map((x) => x.text).join(''), first };
}

/** The variable compared in `variable == ▮` when the token before index `i` is `==`/`!=`. */
function comparedVariable(tokens: Token[], i: number): string | undefined {
  const before = tokens.slice(0, i).filter(significant);
  const op = before.at(-1);
  if (op === undefined || !COMPARISONS.has(op.text)) return undefined;
  const lhs = before.at(-2);
  if (lhs === undefined) return undefined;
  const chain = chainEndingAt(tokens, tokens.indexOf(lhs));
  return chain !== undefined && VARIABLES.some((v) => v.name === chain.name) ? chain.name : undefined;
}

/** What to complete with the caret at `caret`; undefined where nothing fits (after a number, inside a call's string…). */
export function completionContext(text: string, caret: number): CompletionContext | undefined {
  const tokens = tokenize(text);
  const at = tokens.findIndex((t) => t.start < caret && caret <= t.end);
  const token = tokens[at];
  if (token?.kind === 'string') {
    const variable = comparedVariable(tokens, at);
    if (variable === undefined) return undefined;
    const open = token.text.search(/["']/);
    const closed = token.text.length > open + 1 && token.text.endsWith(token.text[open]!);
    if (closed && caret === token.end) return undefined; // after the closing quote: the value is done
    return { kind: 'value', variable, prefix: text.slice(token.start + open + 1, caret), start: token.start, end: token.end };
  }
  if (token !== undefined && (token.kind === 'variable' || token.kind === 'name' || token.kind === 'keyword' || (token.text === '.' && caret === token.end))) {
    // `src.` ends on the dot: the chain is the name before it plus the dot.
    const last = token.text === '.' ? at - 1 : at;
    const chain = chainEndingAt(tokens, last);
    if (chain === undefined) return undefined;
    if (tokens[chain.first - 1]?.text === '.') return undefined; // a field of an expression: `f(x).size`
    const start = tokens[chain.first]!.start;
    return { kind: 'variable', prefix: text.slice(start, caret), start, end: token.text === '.' ? caret : token.end };
  }
  // Between tokens: a value after `==`, else a new name where an operand may start.
  const next = at + 1;
  const variable = comparedVariable(tokens, token?.kind === 'space' ? at : next);
  if (variable !== undefined) return { kind: 'value', variable, prefix: '', start: caret, end: caret };
  const previous = tokens.slice(0, token?.kind === 'space' ? at : next).filter(significant).at(-1);
  const operandStarts = previous === undefined || previous.kind === 'operator' || previous.kind === 'keyword' || ['(', '[', ','].includes(previous.text);
  return operandStarts ? { kind: 'variable', prefix: '', start: caret, end: caret } : undefined;
}

/** Prefix matches first (shorter names before longer), then names containing the text. */
function rankVariables(prefix: string): VariableSpec[] {
  const p = prefix.toLowerCase();
  const starts = VARIABLES.filter((v) => v.name.toLowerCase().startsWith(p));
  const contains = p === '' ? [] : VARIABLES.filter((v) => !v.name.toLowerCase().startsWith(p) && v.name.toLowerCase().includes(p));
  return [...starts.sort((a, b) => a.name.length - b.name.length), ...contains];
}

/** A value as the filter writes it: a number bare for an int variable, else a double-quoted string. */
export function literalFor(variable: string, value: string): string {
  const type = VARIABLES.find((v) => v.name === variable)?.type;
  return type === 'int' && /^\d+$/.test(value) ? value : JSON.stringify(value);
}

export function suggestions(context: CompletionContext, seen: SeenValues): Suggestion[] {
  if (context.kind === 'variable') {
    return rankVariables(context.prefix)
      .slice(0, MAX_SUGGESTIONS)
      .map((v) => ({ label: v.name, insert: v.name, detail: v.type, description: v.meaning }));
  }
  const p = context.prefix.toLowerCase();
  const values = seen.valuesFor(context.variable);
  const starts = values.filter((v) => v.value.toLowerCase().startsWith(p));
  const contains = values.filter((v) => !v.value.toLowerCase().startsWith(p) && v.value.toLowerCase().includes(p));
  return [...starts, ...contains].slice(0, MAX_SUGGESTIONS).map((v) => ({
    label: v.value,
    insert: literalFor(context.variable, v.value),
    detail: `seen ${v.count}×`,
    description: `a ${context.variable} seen in the feed`,
  }));
}

/** The text and caret after choosing `suggestion`: the typed part is replaced; the caret lands after a space following a value. */
export function applySuggestion(text: string, context: CompletionContext, suggestion: Suggestion): { text: string; caret: number } {
  const rest = text.slice(context.end);
  const space = context.kind === 'value' && !rest.startsWith(' ') ? ' ' : '';
  const caret = context.start + suggestion.insert.length + (context.kind === 'value' ? 1 : 0);
  return { text: text.slice(0, context.start) + suggestion.insert + space + rest, caret };
}
