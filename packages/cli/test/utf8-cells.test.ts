/**
 * Table cells encoded straight into bytes must be exactly what building the cell as a string
 * and encoding it with Buffer would give — for any text, including the summary's arrow, other
 * scripts, emoji (surrogate pairs), lone surrogates and pairs cut by the cell width.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cellBytes, putCell } from '../dist/output/utf8-cells.js';

/** The cell as a string: cut to width - 1 units and '…', or padded; then one space. */
function cellText(text: string, width: number): string {
  if (text.length > width) return text.slice(0, width - 1) + '… ';
  return text + ' '.repeat(width - text.length + 1);
}

function encoded(text: string, width: number): Buffer {
  const buf = Buffer.alloc(cellBytes(width) + 8, 0xaa);
  const end = putCell(buf, 0, text, width);
  assert.ok(end <= cellBytes(width), `${JSON.stringify(text)} in ${width} took ${end} bytes`);
  return buf.subarray(0, end);
}

/** Seeded, so a failure reproduces. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

const PIECES = ['a', 'Z', '7', ' ', '/', 'é', 'ß', 'Ω', 'ж', '→', '…', '中', '😀', '𝄞', '\ud800', '\udfff', '\u007f', '\u0080', '\u07ff', '\u0800', '\uffff'];

describe('table cells as UTF-8 bytes', () => {
  it('match the string cell encoded by Buffer for known cases', () => {
    const cases: Array<[string, number]> = [
      ['GET /api/users → 200', 44],
      ['GET /a-very-long-path/that/does/not/fit/in/the/summary/column → 200', 44],
      ['', 7],
      ['1234567', 7],
      ['12345678', 7],
      ['😀😀😀😀', 4],
      ['ab😀', 3], // the cut falls between the two halves of the pair
      ['x\ud800y', 5],
    ];
    for (const [text, width] of cases) {
      assert.deepEqual(encoded(text, width), Buffer.from(cellText(text, width)), `${JSON.stringify(text)} in ${width}`);
    }
  });

  it('match for 20,000 random texts and widths', () => {
    const rnd = lcg(42);
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      const len = Math.floor(rnd() * 30);
      for (let k = 0; k < len; k++) text += PIECES[Math.floor(rnd() * PIECES.length)];
      const width = 1 + Math.floor(rnd() * 25);
      assert.deepEqual(encoded(text, width), Buffer.from(cellText(text, width)), `${JSON.stringify(text)} in ${width}`);
    }
  });
});
