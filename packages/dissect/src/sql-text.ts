/**
 * SQL statements as a feed row shows them, shared by the SQL databases' dissectors (PostgreSQL,
 * MySQL): the statement's verb (the entry's method) and the statement on one line.
 *
 * The verb is the first keyword after whitespace, comments (`-- …` to the end of the line,
 * `/* … *\/`; SQL:2016 §5.2 <comment>, and MySQL's `#`) and opening parentheses (`(SELECT …)`),
 * in capitals: SELECT, INSERT, WITH, BEGIN, COPY, … Not a parser: `WITH … INSERT` is WITH.
 */

/** Characters of a keyword read at most (the longest verbs are shorter). */
const MAX_VERB = 32;

/** The statement's verb in capitals, or "" when it does not begin with a keyword. */
export function sqlVerb(sql: string, hashComments = false): string {
  let i = 0;
  const n = sql.length;
  for (;;) {
    while (i < n && (isSpace(sql.charCodeAt(i)) || sql.charCodeAt(i) === 0x28)) i++;
    if (sql.startsWith('--', i) || (hashComments && sql.charCodeAt(i) === 0x23)) {
      const eol = sql.indexOf('\n', i);
      if (eol < 0) return '';
      i = eol + 1;
    } else if (sql.startsWith('/*', i)) {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) return '';
      i = close + 2;
    } else break;
  }
  const start = i;
  while (i < n && i - start < MAX_VERB && isLetter(sql.charCodeAt(i))) i++;
  return sql.slice(start, i).toUpperCase();
}

const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isLetter = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;

/** The statement on one line: runs of whitespace as one space, cut at `max` characters (then `...`). */
export function sqlLine(sql: string, max: number): string {
  // Most statements are one short line already: returned as they are, without a copy.
  if (sql.length <= max && !hasSpaceRun(sql)) return sql;
  const head = sql.length > max * 4 ? sql.slice(0, max * 4) : sql;
  const line = head.replace(/[\t\n\v\f\r ]+/g, ' ').trim();
  if (line.length <= max && head.length === sql.length) return line;
  // Not between the two halves of a surrogate pair.
  const code = line.charCodeAt(max - 1);
  const cut = line.slice(0, Math.min(line.length, code >= 0xd800 && code <= 0xdbff ? max - 1 : max));
  return `${cut}...`;
}

/** Whitespace other than single spaces between words: a line break, a tab, two spaces, an edge. */
function hasSpaceRun(s: string): boolean {
  if (s.length > 0 && (isSpace(s.charCodeAt(0)) || isSpace(s.charCodeAt(s.length - 1)))) return true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x20 ? s.charCodeAt(i + 1) === 0x20 : c >= 0x09 && c <= 0x0d) return true;
  }
  return false;
}
