/**
 * A CEL string literal whose value is exactly `value`, for filters the code composes from names
 * it did not choose (a user's namespaces). Everything outside a small safe set is escaped by code
 * point (cel-spec langdef.md, "String and Bytes Values": `\uHHHH` for the Basic Multilingual
 * Plane, `\UHHHHHHHH` above it), so no quote, backslash, newline or look-alike in a name can end
 * the literal or change the expression around it.
 */
export function celString(value: string): string {
  let out = '"';
  for (const ch of value) {
    if (/^[A-Za-z0-9._\-/:@ ]$/.test(ch)) out += ch;
    else {
      const cp = ch.codePointAt(0)!;
      // A lone surrogate has no code point of its own: U+FFFD, as a UTF-8 decoder would read it.
      const point = cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp;
      out += point > 0xffff ? `\\U${point.toString(16).padStart(8, '0')}` : `\\u${point.toString(16).padStart(4, '0')}`;
    }
  }
  return `${out}"`;
}
