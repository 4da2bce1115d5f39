/**
 * KFL1 compatibility: `and`, `or`, `not` as aliases of `&&`, `||`, `!`.
 *
 * A small CEL-aware scanner walks the text token by token, so words inside string literals
 * (plain, raw `r"…"`, bytes, triple-quoted) and `//` comments are never touched, nor field names
 * after a dot (`request.headers.not`). Each alias is replaced by its operator padded with spaces
 * to the alias's length (`and` → `&& `, `not` → `!  `): the rewritten text has exactly the
 * offsets, lines and columns of the original, so the position map is the identity and every
 * library error position is already a position in the user's text. `rewrites` records what was
 * replaced so an error message can name the word the user actually wrote.
 */

export interface AliasRewrite {
  offset: number;
  word: 'and' | 'or' | 'not';
  operator: '&&' | '||' | '!';
}

export interface OpenBracket {
  offset: number;
  char: '(' | '[' | '{';
}

export interface ScanResult {
  /** The text to hand to the CEL parser; same length and offsets as the original. */
  text: string;
  rewrites: AliasRewrite[];
  /** Brackets still open at the end (innermost last): what a premature end should close. */
  open: OpenBracket[];
  /** True when the text holds nothing but whitespace and comments. */
  blank: boolean;
}

const ALIASES: Record<string, AliasRewrite['operator']> = { and: '&&', or: '||', not: '!' };
const CLOSING: Record<string, OpenBracket['char']> = { ')': '(', ']': '[', '}': '{' };

const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentPart = (c: number): boolean => isIdentStart(c) || (c >= 48 && c <= 57);
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 12;

/** End offset (exclusive) of the string literal whose quote is at `q`, or text.length if open. */
function skipString(text: string, q: number, raw: boolean): number {
  const quote = text[q]!;
  const triple = text.startsWith(quote.repeat(3), q);
  const close = triple ? quote.repeat(3) : quote;
  let i = q + close.length;
  while (i < text.length) {
    const ch = text[i]!;
    if (!raw && ch === '\\') {
      i += 2;
      continue;
    }
    if (!triple && ch === '\n') return i; // the parser reports the newline; stop here
    if (text.startsWith(close, i)) return i + close.length;
    i++;
  }
  return text.length;
}

/** Length of a string-literal prefix (`r`, `b`, `rb`, `br`, any case) directly before a quote. */
function stringPrefix(text: string, i: number): { len: number; raw: boolean } | undefined {
  for (let len = 1; len <= 2; len++) {
    const p = text.slice(i, i + len).toLowerCase();
    const q = text[i + len];
    if ((q === '"' || q === "'") && /^(r|b|rb|br)$/.test(p)) return { len, raw: p.includes('r') };
  }
  return undefined;
}

export function scanAliases(source: string): ScanResult {
  const rewrites: AliasRewrite[] = [];
  const open: OpenBracket[] = [];
  const out: string[] = [];
  let copied = 0;
  let blank = true;
  let prevSignificant = ''; // last non-space character outside comments
  let i = 0;
  while (i < source.length) {
    const c = source.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 47 && source.charCodeAt(i + 1) === 47) {
      while (i < source.length && source.charCodeAt(i) !== 10) i++;
      continue;
    }
    blank = false;
    const prefix = isIdentStart(c) ? stringPrefix(source, i) : undefined;
    if (prefix || c === 34 || c === 39) {
      const q = i + (prefix?.len ?? 0);
      i = skipString(source, q, prefix?.raw ?? false);
      prevSignificant = '"';
      continue;
    }
    if (isIdentStart(c)) {
      const start = i;
      while (i < source.length && isIdentPart(source.charCodeAt(i))) i++;
      const word = source.slice(start, i);
      const operator = ALIASES[word];
      if (operator !== undefined && prevSignificant !== '.') {
        out.push(source.slice(copied, start), operator.padEnd(word.length, ' '));
        copied = i;
        rewrites.push({ offset: start, word: word as AliasRewrite['word'], operator });
        prevSignificant = operator[0]!;
      } else {
        prevSignificant = 'a';
      }
      continue;
    }
    if (c >= 48 && c <= 57) {
      // numbers: 12, 1.5e3, 0xFF, 3u — letters and dots belong to the literal
      while (i < source.length && (isIdentPart(source.charCodeAt(i)) || source[i] === '.')) i++;
      prevSignificant = '0';
      continue;
    }
    const ch = source[i]!;
    if (ch === '(' || ch === '[' || ch === '{') open.push({ offset: i, char: ch });
    else if (CLOSING[ch] !== undefined && open.at(-1)?.char === CLOSING[ch]) open.pop();
    prevSignificant = ch;
    i++;
  }
  out.push(source.slice(copied));
  return { text: out.join(''), rewrites, open, blank };
}
