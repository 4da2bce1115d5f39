/**
 * JSON bodies for the entry detail: indented, as tokens for syntax colours. Lexical (no
 * JSON.parse), so a body cut at the body cap (docs/entries.md) prints as far as it goes.
 */

export type JsonTokenKind = 'key' | 'string' | 'number' | 'literal' | 'punct';
export interface JsonToken {
  kind: JsonTokenKind;
  text: string;
}
/** One printed line: its indent level and tokens. */
export interface JsonLine {
  indent: number;
  tokens: JsonToken[];
}

/**
 * JSON indented two spaces a level, as tokens for colouring. Lexical, so the text is shown as it
 * was sent (numbers keep their digits, duplicate keys stay), a cut body prints up to the cut, and
 * several top-level values (NDJSON) print one after the other.
 */
export function formatJson(text: string): JsonLine[] {
  const lines: JsonLine[] = [];
  let line: JsonLine = { indent: 0, tokens: [] };
  let depth = 0;
  const newLine = () => {
    if (line.tokens.length > 0) lines.push(line);
    line = { indent: depth, tokens: [] };
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '"') {
      const end = stringEnd(text, i);
      const s = text.slice(i, end);
      let j = end;
      while (j < text.length && /\s/.test(text[j]!)) j++;
      line.tokens.push({ kind: text[j] === ':' ? 'key' : 'string', text: s });
      i = end;
    } else if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j]!)) j++;
      if (text[j] === close) {
        line.tokens.push({ kind: 'punct', text: ch + close });
        i = j + 1;
        continue;
      }
      line.tokens.push({ kind: 'punct', text: ch });
      depth++;
      newLine();
      i++;
    } else if (ch === '}' || ch === ']') {
      depth = Math.max(0, depth - 1);
      newLine();
      line.tokens.push({ kind: 'punct', text: ch });
      i++;
      if (depth === 0) newLine();
    } else if (ch === ',') {
      line.tokens.push({ kind: 'punct', text: ',' });
      newLine();
      i++;
    } else if (ch === ':') {
      line.tokens.push({ kind: 'punct', text: ': ' });
      i++;
    } else {
      let j = i;
      while (j < text.length && !/[\s,:[\]{}"]/.test(text[j]!)) j++;
      const word = text.slice(i, j);
      line.tokens.push({ kind: /^-?\d/.test(word) ? 'number' : 'literal', text: word });
      i = j;
      if (depth === 0) newLine();
    }
  }
  newLine();
  return lines;
}

/** The index after the JSON string starting at `start` (or the end of a cut text). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === '\\') i += 2;
    else if (text[i] === '"') return i + 1;
    else i++;
  }
  return text.length;
}
