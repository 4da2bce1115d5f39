/**
 * Redis strings are binary-safe: what entries show of them. A string that is UTF-8 without NUL
 * is text; any other is shown, where one line of text is needed (keys, channels, summaries), as
 * redis-cli shows it, printable ASCII kept and every other octet written `\xHH` (and `\` as
 * `\\`), and, as a value in an entry, as `{ "base64": … }`.
 */

import { isText, withoutPartialUtf8Tail } from '../../utf8.js';

/** One line of text for `data` (see above). */
export function printable(data: Buffer): string {
  if (isText(data)) return data.toString('utf8');
  let out = '';
  for (const c of data) {
    if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** A string's value in an entry: text, or base64 of its octets. `cut`: only its first octets are here. */
export function stringJson(data: Buffer, cut: boolean): string | { base64: string } {
  const whole = cut ? withoutPartialUtf8Tail(data) : data;
  return isText(whole) ? whole.toString('utf8') : { base64: data.toString('base64') };
}

/** Characters of a value or name a summary shows. */
export const PREVIEW = 60;

/** `text` cut to PREVIEW characters (not between the halves of a surrogate pair), with `...` when cut. */
export function preview(text: string): string {
  if (text.length <= PREVIEW) return text;
  const code = text.charCodeAt(PREVIEW - 1);
  return `${text.slice(0, code >= 0xd800 && code <= 0xdbff ? PREVIEW - 1 : PREVIEW)}...`;
}
