/**
 * XML and HTML bodies for the entry detail, indented. Lexical (no DOM parser: the domain has no
 * DOM, and a body cut at the body cap must still print).
 */

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
