/**
 * Splits a filter (CEL with KFL2 names, docs/filter.md) into tokens for the filter bar: the
 * highlighting paints each one, the completion reads the tokens around the caret. The tokens
 * cover the text end to end (spaces included), so painting them reproduces it exactly.
 * This is not the hub's parser: it never fails, and unfinished input (an open string while
 * typing) is one token to the end, which is what a caret inside it needs.
 */
import { VARIABLES } from '@shoal/filter/catalog';

export type TokenKind =
  | 'space'
  | 'comment'
  | 'string'
  | 'number'
  /** A catalog variable or one of its dotted parts: `status_code`, `src.pod.name`. */
  | 'variable'
  /** A name followed by `(`: `has(`, `.startsWith(`. */
  | 'function'
  /** `and`/`or`/`not` (KFL1 aliases), `in`, `true`, `false`, `null`. */
  | 'keyword'
  /** A field after a dot that is not in the catalog (`request.headers.cookie`), or a bound name. */
  | 'name'
  | 'operator'
  | 'punctuation'
  /** A character CEL does not have. */
  | 'unknown';

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  text: string;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'true', 'false', 'null']);
const OPERATORS = ['&&', '||', '==', '!=', '<=', '>=', '!', '<', '>', '+', '-', '*', '/', '%', '?', ':'];
const PUNCTUATION = new Set(['(', ')', '[', ']', '{', '}', ',', '.']);

/** Every catalog name and each of its dotted prefixes: `src`, `src.pod`, `src.pod.name`. */
const CATALOG_PATHS: ReadonlySet<string> = new Set(
  VARIABLES.flatMap((v) => v.name.split('.').map((_, i, parts) => parts.slice(0, i + 1).join('.'))),
);

const isIdentStart = (c: string) => /[A-Za-z_]/.test(c);
const isIdentPart = (c: string) => /[A-Za-z0-9_]/.test(c);

/** The end of a string literal starting at `i` (its prefix letters included); the text's end when unterminated. */
function stringEnd(text: string, i: number): number {
  let j = i;
  while (/[rRbB]/.test(text[j] ?? '')) j++;
  const raw = /[rR]/.test(text.slice(i, j));
  const quote = text[j]!;
  const triple = text.startsWith(quote.repeat(3), j);
  const close = triple ? quote.repeat(3) : quote;
  j += close.length;
  while (j < text.length) {
    if (!raw && text[j] === '\\') j += 2;
    else if (text.startsWith(close, j)) return j + close.length;
    else if (!triple && text[j] === '\n') return j;
    else j++;
  }
  return text.length;
}

/** A string literal starts here: a quote, or up to two r/b prefix letters then a quote. */
function startsString(text: string, i: number): boolean {
  const m = /^[rRbB]{0,2}["']/.exec(text.slice(i, i + 3));
  return m !== null && (i === 0 || !isIdentPart(text[i - 1]!));
}

function numberEnd(text: string, i: number): number {
  const m = /^(0[xX][0-9a-fA-F]+|\d+(\.\d+)?([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)[uU]?/.exec(text.slice(i));
  return i + m![0].length;
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const push = (kind: TokenKind, start: number, end: number) => tokens.push({ kind, start, end, text: text.slice(start, end) });
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    let end: number;
    if (/\s/.test(c)) {
      end = i + 1;
      while (end < text.length && /\s/.test(text[end]!)) end++;
      push('space', i, end);
    } else if (text.startsWith('//', i)) {
      end = text.indexOf('\n', i);
      push('comment', i, end === -1 ? text.length : end);
      end = end === -1 ? text.length : end;
    } else if (startsString(text, i)) {
      end = stringEnd(text, i);
      push('string', i, end);
    } else if (/\d/.test(c) || (c === '.' && /\d/.test(text[i + 1] ?? '') && !isIdentPart(text[i - 1] ?? ''))) {
      end = numberEnd(text, i);
      push('number', i, end);
    } else if (isIdentStart(c)) {
      end = i + 1;
      while (end < text.length && isIdentPart(text[end]!)) end++;
      push('name', i, end);
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      end = i + (op?.length ?? 1);
      push(op !== undefined ? 'operator' : PUNCTUATION.has(c) ? 'punctuation' : 'unknown', i, end);
    }
    i = end;
  }
  classifyNames(tokens);
  return tokens;
}

/** The next token that is not a space or comment. */
function nextSignificant(tokens: Token[], i: number): Token | undefined {
  for (let j = i + 1; j < tokens.length; j++) if (tokens[j]!.kind !== 'space' && tokens[j]!.kind !== 'comment') return tokens[j];
  return undefined;
}

/**
 * Names become keywords, functions or catalog variables. A dotted chain is followed through the
 * catalog (`src` `.` `pod` `.` `name`) so every part of a variable is painted as one.
 */
function classifyNames(tokens: Token[]): void {
  let path: string | undefined; // the catalog path the previous `name .` chain reached
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'name') {
      if (!(t.kind === 'punctuation' && t.text === '.')) path = undefined;
      continue;
    }
    const afterDot = tokens[i - 1]?.text === '.';
    const candidate = afterDot && path !== undefined ? `${path}.${t.text}` : afterDot ? undefined : t.text;
    if (nextSignificant(tokens, i)?.text === '(') t.kind = 'function';
    else if (!afterDot && KEYWORDS.has(t.text)) t.kind = 'keyword';
    else if (candidate !== undefined && CATALOG_PATHS.has(candidate)) t.kind = 'variable';
    path = t.kind === 'variable' ? candidate : undefined;
  }
}
