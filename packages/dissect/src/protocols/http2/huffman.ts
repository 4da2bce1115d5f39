/**
 * Decoding HPACK's Huffman-coded string literals (RFC 7541 §5.2) with the static code of
 * Appendix B (huffman-table.ts). The code is walked bit by bit through a binary tree built once
 * at load: header strings are short, and the tree keeps the rules of §5.2 easy to check:
 * - padding is fewer than 8 bits, all ones (the most significant bits of EOS): anything else is
 *   a decoding error;
 * - a string that contains EOS is a decoding error.
 */

import { latin1 } from '../../latin1.js';
import { HUFFMAN_CODES } from './huffman-table.js';

const EOS = 256;

/**
 * The tree as pairs of children: `tree[2n]` is node n's 0-child, `tree[2n + 1]` its 1-child; a
 * child ≥ 0 is an inner node, a child < 0 the leaf of symbol `-child - 1`; 0 is "no child" (the
 * root is never a child).
 */
const tree = buildTree();

function buildTree(): Int32Array {
  // A complete prefix code of 257 symbols has 256 inner nodes.
  const t = new Int32Array(2 * 256);
  let nodes = 1;
  for (let sym = 0; sym <= EOS; sym++) {
    const code = HUFFMAN_CODES[2 * sym]!;
    const bits = HUFFMAN_CODES[2 * sym + 1]!;
    let node = 0;
    for (let b = bits - 1; b > 0; b--) {
      const slot = 2 * node + (Math.floor(code / 2 ** b) & 1);
      if (t[slot] === 0) t[slot] = nodes++;
      node = t[slot]!;
    }
    t[2 * node + (code & 1)] = -sym - 1;
  }
  return t;
}

/** Where decoded octets are put before they become one string (a symbol is at least 5 bits). */
let decoded = Buffer.alloc(256);

/** The octets coded in `buf[from, to)`, as latin1 text; null when the coding is invalid. */
export function huffmanDecode(buf: Buffer, from: number, to: number): string | null {
  const most = Math.ceil(((to - from) * 8) / 5);
  if (decoded.length < most) decoded = Buffer.alloc(Math.max(most, 2 * decoded.length));
  const out = decoded;
  let n = 0;
  let node = 0;
  /** Bits read since the last symbol, and whether they were all ones. */
  let pending = 0;
  let allOnes = true;
  for (let i = from; i < to; i++) {
    const byte = buf[i]!;
    for (let b = 7; b >= 0; b--) {
      const bit = (byte >> b) & 1;
      const next = tree[2 * node + bit]!;
      pending++;
      if (bit === 0) allOnes = false;
      if (next < 0) {
        const sym = -next - 1;
        if (sym === EOS) return null;
        out[n++] = sym;
        node = 0;
        pending = 0;
        allOnes = true;
      } else node = next;
    }
  }
  return pending < 8 && allOnes ? latin1(out, 0, n) : null;
}
