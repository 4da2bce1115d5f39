/**
 * Pretty-printing of a message body for the entry detail, by its type. The dissector has already
 * undone Content-Encoding and chunking; the body is UTF-8 text, or base64 when it is not valid
 * UTF-8 or holds NUL bytes, and may be cut at the body cap (docs/entries.md). Every printer is
 * lexical, so a body cut in the middle still prints as far as it goes.
 */

export type BodyKind = 'json' | 'xml' | 'html' | 'form' | 'image' | 'text' | 'binary';

/** The body fields of an HTTP message (docs/entries.md, `request` and `response`). */
export interface BodyFields {
  headers?: Record<string, string>;
  bodySize?: number;
  body?: string;
  bodyEncoding?: string;
  contentEncoding?: string;
  decodedSize?: number;
  decodeError?: string;
  truncated?: boolean;
}

/** The media type without parameters, lower case: `application/json`. */
export function mediaType(headers: Record<string, string> | undefined): string {
  return (headers?.['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** How to show a body of media type `type` whose text (or base64) is `body`. */
export function bodyKind(type: string, body: string, base64: boolean): BodyKind {
  if (type.startsWith('image/') && (base64 || type === 'image/svg+xml')) return 'image';
  if (base64) return 'binary';
  if (type === 'application/json' || type.endsWith('+json') || type === 'application/x-ndjson' || type === 'application/problem+json') return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (type === 'text/html' || type === 'application/xhtml+xml') return 'html';
  if (type === 'application/xml' || type === 'text/xml' || type.endsWith('+xml')) return 'xml';
  // No or a vague type: sniff the first character, as a reader would.
  if (type === '' || type === 'text/plain' || type === 'application/octet-stream') {
    const start = body.trimStart();
    if (/^[[{]/.test(start)) return 'json';
    if (/^<!doctype html|^<html/i.test(start)) return 'html';
    if (start.startsWith('<')) return 'xml';
  }
  return 'text';
}

export interface BodyNote {
  text: string;
  /** `warning` when the body shown is not all of it, or not what the application read. */
  level: 'info' | 'warning';
}

/** What the detail says about how the body was captured; empty when there is nothing to say. */
export function bodyNotes(m: BodyFields): BodyNote[] {
  const notes: BodyNote[] = [];
  if (m.contentEncoding !== undefined && m.decodeError === undefined) {
    const sizes = m.decodedSize !== undefined ? `: ${m.bodySize ?? 0} bytes on the wire, ${m.decodedSize} decoded` : '';
    notes.push({ text: `decoded from ${m.contentEncoding}${sizes}`, level: 'info' });
  }
  if (m.decodeError !== undefined) notes.push({ text: `not decoded (${m.contentEncoding ?? 'content-encoding'}): ${m.decodeError}; shown as captured`, level: 'warning' });
  if (m.truncated === true) {
    const shown = m.body === undefined ? 0 : m.bodyEncoding === 'base64' ? base64Length(m.body) : new TextEncoder().encode(m.body).length;
    notes.push({ text: `body truncated at ${shown} bytes of ${m.decodedSize ?? m.bodySize ?? '?'}`, level: 'warning' });
  }
  return notes;
}

function base64Length(b64: string): number {
  const clean = b64.replace(/=+$/, '');
  return Math.floor((clean.length * 3) / 4);
}

/** The bytes of a base64 body. */
export function base64Bytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** `data:` URL to preview an image body (base64, or SVG text). */
export function imageDataUrl(type: string, body: string, base64: boolean): string {
  if (base64) return `data:${type};base64,${body}`;
  let bin = '';
  for (const b of new TextEncoder().encode(body)) bin += String.fromCharCode(b);
  const data = btoa(bin);
  return `data:${type};base64,${data}`;
}

/**
 * `00000000  48 54 54 50 2f 31 2e 31  20 32 30 30 0d 0a 00 ff  |HTTP/1.1 200....|`, 16 bytes a
 * line, at most `maxLines` lines (a body is at most 64 KiB; the panel need not hold 4,096 lines).
 */
export function hexDump(bytes: Uint8Array, maxLines = 1024): { lines: string[]; cut: boolean } {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length && lines.length < maxLines; off += 16) {
    const row = bytes.subarray(off, off + 16);
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      const b = row[i];
      hex += (b === undefined ? '  ' : b.toString(16).padStart(2, '0')) + (i === 7 ? '  ' : ' ');
      if (b !== undefined) ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex} |${ascii}|`);
  }
  return { lines, cut: bytes.length > maxLines * 16 };
}

/** The fields of a form body, in order, decoded (`a=1&b=x%20y` → `[['a','1'],['b','x y']]`). */
export function formFields(body: string): [string, string][] {
  return [...new URLSearchParams(body.trim())];
}

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

/** HTML elements that never have content or an end tag (WHATWG HTML, "void elements"). */
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
/** Elements whose content is raw text, printed as it is. */
const RAW = new Set(['script', 'style', 'textarea', 'pre']);

/**
 * XML or HTML indented two spaces an element, one tag or text run a line. Lexical like
 * formatJson; for HTML (`html` true) void elements do not open a level, and the content of
 * `script`, `style`, `textarea` and `pre` is kept as sent.
 */
export function formatMarkup(text: string, html: boolean): string {
  const out: string[] = [];
  let depth = 0;
  const emit = (s: string) => {
    for (const part of s.split('\n')) if (part.trim() !== '') out.push('  '.repeat(depth) + part.trim());
  };
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '<') {
      const next = text.indexOf('<', i);
      const end = next < 0 ? text.length : next;
      emit(text.slice(i, end).replace(/\s+/g, ' '));
      i = end;
      continue;
    }
    const end = tagEnd(text, i);
    const tag = text.slice(i, end);
    i = end;
    const name = /^<\/?([\w:.-]+)/.exec(tag)?.[1]?.toLowerCase() ?? '';
    if (tag.startsWith('</')) {
      depth = Math.max(0, depth - 1);
      emit(tag);
    } else if (tag.startsWith('<!') || tag.startsWith('<?') || tag.endsWith('/>') || (html && VOID.has(name))) {
      emit(tag);
    } else if (html && RAW.has(name)) {
      emit(tag);
      const close = text.toLowerCase().indexOf(`</${name}`, i);
      const stop = close < 0 ? text.length : close;
      // Its end tag, next, closes the level.
      depth++;
      emit(text.slice(i, stop));
      i = stop;
    } else {
      emit(tag);
      depth++;
    }
  }
  return out.join('\n');
}

/** The index after the tag, comment or declaration starting at `start`; quotes may hold `>`. */
function tagEnd(text: string, start: number): number {
  if (text.startsWith('<!--', start)) {
    const close = text.indexOf('-->', start + 4);
    return close < 0 ? text.length : close + 3;
  }
  let quote = '';
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i]!;
    if (quote !== '') {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '>') return i + 1;
  }
  return text.length;
}
