/**
 * Fixed-width text cells written straight into a byte buffer as UTF-8, with no intermediate
 * strings: a table row was the largest allocation of `shoal dissect --format table` (cut and
 * padded cells concatenated into a two-byte string — the summary's arrow is not latin1 — then
 * encoded again).
 *
 * Widths count UTF-16 code units, like String.prototype.length. Encoding follows
 * Buffer#write('utf8'): a surrogate pair is one 4-byte sequence, a lone surrogate (also one left
 * by a cut) becomes U+FFFD.
 */

const SPACE = 0x20;
/** UTF-8 of '…' (U+2026), which ends a cut cell. */
const ELLIPSIS = [0xe2, 0x80, 0xa6];

/** Most bytes a cell of `width` units can take: 3 per unit (a pair takes 4 for 2), then a space. */
export const cellBytes = (width: number): number => 3 * width + 1;

/** Writes `text[from, to)` as UTF-8 at `o`; returns the offset after it. */
export function putUtf8(buf: Uint8Array, o: number, text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      buf[o++] = c;
    } else if (c < 0x800) {
      buf[o++] = 0xc0 | (c >> 6);
      buf[o++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < to ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        buf[o++] = 0xf0 | (cp >> 18);
        buf[o++] = 0x80 | ((cp >> 12) & 0x3f);
        buf[o++] = 0x80 | ((cp >> 6) & 0x3f);
        buf[o++] = 0x80 | (cp & 0x3f);
        i++;
      } else {
        buf[o++] = 0xef;
        buf[o++] = 0xbf;
        buf[o++] = 0xbd;
      }
    } else {
      buf[o++] = 0xe0 | (c >> 12);
      buf[o++] = 0x80 | ((c >> 6) & 0x3f);
      buf[o++] = 0x80 | (c & 0x3f);
    }
  }
  return o;
}

/**
 * `text` in a cell of `width` units followed by one space: padded with spaces, or, when longer,
 * cut to `width - 1` units and ended with '…'. Returns the offset after the space.
 */
export function putCell(buf: Uint8Array, o: number, text: string, width: number): number {
  const n = text.length;
  if (n > width) {
    o = putUtf8(buf, o, text, 0, width - 1);
    buf[o++] = ELLIPSIS[0]!;
    buf[o++] = ELLIPSIS[1]!;
    buf[o++] = ELLIPSIS[2]!;
    buf[o++] = SPACE;
    return o;
  }
  o = putUtf8(buf, o, text, 0, n);
  for (let k = n; k <= width; k++) buf[o++] = SPACE;
  return o;
}
