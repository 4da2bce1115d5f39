/**
 * UTF-8 checks shared by the dissectors that show payloads as text (HTTP bodies, WebSocket
 * messages): whether bytes are text, and where a payload cut at a cap stops being whole text.
 */

import { isUtf8 } from 'node:buffer';

interface Utf8Sliceable {
  utf8Slice(from: number, to: number): string;
}

/**
 * `buf[from, to)` decoded as UTF-8 (malformed sequences as U+FFFD). Calls Buffer's own utf8Slice,
 * which `toString('utf8', …)` ends in after validating its arguments (latin1.ts says why): the
 * SQL dissectors decode a statement's text per message. Callers pass offsets within the buffer.
 */
export function utf8(buf: Buffer, from: number, to: number): string {
  return (buf as unknown as Utf8Sliceable).utf8Slice(from, to);
}

/** Valid UTF-8 without NUL: shown as text, not as base64. */
export function isText(data: Buffer): boolean {
  return isUtf8(data) && data.indexOf(0) < 0;
}

/**
 * UTF-8 text without control characters other than tab, line feed and carriage return (NULs too
 * with `nul`, between NUL-terminated strings): what the probes of text-carrying binary protocols
 * (a SQL statement, a name) ask of bytes before they call them text.
 */
export function isPlainText(bytes: Buffer, nul = false): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && !(nul && b === 0)) || b === 0x7f) return false;
  }
  return isUtf8(bytes);
}

/** `data` without an incomplete UTF-8 sequence at its end (a payload cut anywhere may end inside one). */
export function withoutPartialUtf8Tail(data: Buffer): Buffer {
  const len = data.length;
  let i = len - 1;
  while (i >= 0 && i > len - 4 && (data[i]! & 0xc0) === 0x80) i--;
  if (i < 0) return data;
  const lead = data[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return len - i < need ? data.subarray(0, i) : data;
}
