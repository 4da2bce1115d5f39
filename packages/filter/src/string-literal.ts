/**
 * Where a character of a CEL string literal's value sits in the literal as the user wrote it,
 * so a problem found in the value (a regex RE2 refuses) points at the user's text.
 *
 * CEL escapes (cel-spec langdef.md, "String and Bytes Values"): `\\` `\"` `\'` `` \` `` `\?`
 * `\a` `\b` `\f` `\n` `\r` `\t` `\v` (2 characters), `\xHH` `\XHH` (4), `\uHHHH` (6),
 * `\UHHHHHHHH` (10, two UTF-16 units above U+FFFF) and octal `\ooo` (4). Raw strings (`r"…"`)
 * have no escapes. Offsets count UTF-16 units on both sides.
 */

const OPENING = /^([rRbB]{0,2})("""|'''|"|')/;

/** Source characters and value units of the escape starting at `at` (a backslash). */
function escapeAt(literal: string, at: number): { source: number; value: number } {
  const c = literal[at + 1] ?? '';
  if (c === 'x' || c === 'X') return { source: 4, value: 1 };
  if (c === 'u') return { source: 6, value: 1 };
  if (c === 'U') return { source: 10, value: parseInt(literal.slice(at + 2, at + 10), 16) > 0xffff ? 2 : 1 };
  if (c >= '0' && c <= '3') return { source: 4, value: 1 };
  return { source: 2, value: 1 };
}

/** Offset in `literal` (the whole token: prefix, quotes) of the value's unit at `valueOffset`. */
export function literalOffset(literal: string, valueOffset: number): number {
  const open = OPENING.exec(literal);
  if (open === null) return 0;
  const raw = /r/i.test(open[1]!);
  let source = open[0].length;
  let value = 0;
  while (value < valueOffset && source < literal.length) {
    if (!raw && literal[source] === '\\') {
      const e = escapeAt(literal, source);
      source += e.source;
      value += e.value;
    } else {
      source++;
      value++;
    }
  }
  return Math.min(source, literal.length);
}
