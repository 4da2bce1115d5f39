/**
 * Redis strings are binary-safe: what entries show of them. A string that is UTF-8 without NUL
 * is text; any other is shown, where one line of text is needed (keys, channels, summaries), as
 * redis-cli shows it, printable ASCII kept and every other octet written `\xHH` (and `\` as
 * `\\`), and, as a value in an entry, as `{ "base64": … }`.
 */

import { latin1 } from '../../latin1.js';
import { isText, withoutPartialUtf8Tail } from '../../utf8.js';

/**
 * `data` as a string when it is text (UTF-8 without NUL), else null. Keys and values are ASCII
 * as a rule: those are checked octet by octet and sliced as latin1, which costs less than
 * isUtf8 and a UTF-8 decode.
 */
export function textOrNull(data: Buffer, from = 0, to = data.length): string | null {
  let i = from;
  while (i < to) {
    const c = data[i]!;
    if (c === 0 || c > 0x7f) break;
    i++;
  }
  if (i === to) return latin1(data, from, to);
  const part = from === 0 && to === data.length ? data : data.subarray(from, to);
  return isText(part) ? part.toString('utf8') : null;
}

/** One line of text for `data` (see above). */
export function printable(data: Buffer): string {
  const text = textOrNull(data);
  if (text !== null) return text;
  let out = '';
  for (const c of data) {
    if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/**
 * A string's value in an entry: `data[from, to)` as text, or base64 of its octets. `cut`: only
 * its first octets are here (it may end inside a character).
 */
export function stringJson(data: Buffer, cut: boolean, from = 0, to = data.length): string | { base64: string } {
  const text = textOrNull(data, from, to);
  if (text !== null) return text;
  const part = data.subarray(from, to);
  if (cut) {
    const whole = withoutPartialUtf8Tail(part);
    if (whole.length < part.length && isText(whole)) return whole.toString('utf8');
  }
  return { base64: part.toString('base64') };
}

/** Characters of a value or name a summary shows. */
export const PREVIEW = 60;

/** `text` cut to PREVIEW characters (not between the halves of a surrogate pair), with `...` when cut. */
export function preview(text: string): string {
  if (text.length <= PREVIEW) return text;
  const code = text.charCodeAt(PREVIEW - 1);
  return `${text.slice(0, code >= 0xd800 && code <= 0xdbff ? PREVIEW - 1 : PREVIEW)}...`;
}
