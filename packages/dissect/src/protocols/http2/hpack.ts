/**
 * HPACK header block decoding (RFC 7541), one decoder per direction: each endpoint's encoder
 * keeps its own dynamic table, which the other side's decoder mirrors (§2.2).
 *
 * Grammar of a header block (§6), a sequence of field representations:
 *   1xxxxxxx  indexed field: index (7-bit prefix integer, §6.1)
 *   01xxxxxx  literal with incremental indexing: name index (6-bit prefix, 0 = literal name
 *             string follows), value string; the field is added to the dynamic table (§6.2.1)
 *   0000xxxx  literal without indexing: name index (4-bit prefix), [name], value (§6.2.2)
 *   0001xxxx  literal never indexed: same as above (§6.2.3)
 *   001xxxxx  dynamic table size update: new maximum (5-bit prefix, §6.3)
 * string = H (1 bit: Huffman-coded) length (7-bit prefix integer) octets (§5.2).
 * integer = prefix bits, all ones meaning "more": then 7-bit groups, least significant first,
 * high bit set while more follow (§5.1).
 *
 * Index space (§2.3.3): 1–61 the static table (Appendix A), 62 onwards the dynamic table,
 * newest entry first. An entry's size is its name and value octets plus 32 (§4.1); inserting
 * evicts the oldest entries until the table fits its maximum (§4.4).
 *
 * Joined mid-way (the connection was not seen from its start), the entries inserted before are
 * unknown: the decoder knows only the newest ones it saw inserted. A reference past them is a
 * field it cannot name: it is skipped and the block reported as DIS_ERR_GAP. The table is known
 * again once the entries seen inserted fill it (nothing older can remain, §4.4) or a size
 * update of 0 empties it.
 */

import { ErrorCodes } from '@shoal/model';
import { huffmanDecode } from './huffman.js';
import { STATIC_TABLE } from './hpack-static-table.js';

export interface HeaderField {
  name: string;
  value: string;
}

export interface DecodedBlock {
  /** The fields decoded, in order (those that could not be named are missing). */
  fields: HeaderField[];
  /** DIS_ERR_SYNTAX: the block breaks the grammar (decoding stopped there); DIS_ERR_GAP: fields refer to table entries from before the capture. */
  problem: string | null;
}

/** SETTINGS_HEADER_TABLE_SIZE's initial value (RFC 9113 §6.5.2). */
export const DEFAULT_TABLE_SIZE = 4096;
/** Per-entry overhead (RFC 7541 §4.1). */
const ENTRY_OVERHEAD = 32;
/** Largest integer accepted: beyond it an integer is noise (and still exact in a double). */
const MAX_INTEGER = 2 ** 31;
/** Largest table size honoured: a peer that announces more is answered with this much memory. */
const MAX_TABLE_SIZE = 1 << 20;
const STATIC_COUNT = STATIC_TABLE.length - 1;
/** The static table's fields as the decoder hands them on: made once, shared (never changed). */
const STATIC_FIELDS: readonly HeaderField[] = STATIC_TABLE.map(([name, value]) => Object.freeze({ name, value }));
const EMPTY = Buffer.alloc(0);

/** Thrown inside `decode` only; never escapes it. */
class BlockError extends Error {}

export class HpackDecoder {
  /** The dynamic table, oldest entry first (index 62 is the last element). */
  private entries: HeaderField[] = [];
  private size = 0;
  private maxSize = DEFAULT_TABLE_SIZE;
  /** False while entries inserted before the capture may still be in the table. */
  private known: boolean;
  private pos = 0;
  private buf: Buffer = EMPTY;

  /**
   * `known`: the decoder starts with the connection (an empty table); false when joined mid-way.
   * `maxSize`: the table's maximum until a size update says otherwise (the examples of RFC 7541
   * Appendix C.5 use 256).
   */
  constructor(known: boolean, maxSize = DEFAULT_TABLE_SIZE) {
    this.known = known;
    this.maxSize = maxSize;
  }

  /** Whether every entry of the dynamic table is known. */
  get synced(): boolean {
    return this.known;
  }

  /** The state is lost (a capture gap, a block that did not decode): later references may be unknown. */
  lose(): void {
    this.known = false;
  }

  /** Dynamic table entries, newest first (for tests and the RFC's examples). */
  get table(): HeaderField[] {
    return [...this.entries].reverse();
  }

  get tableSize(): number {
    return this.size;
  }

  decode(block: Buffer): DecodedBlock {
    this.buf = block;
    this.pos = 0;
    const fields: HeaderField[] = [];
    let problem: string | null = null;
    try {
      while (this.pos < block.length) {
        const b = block[this.pos]!;
        if (b >= 0x80) {
          const field = this.lookup(this.integer(7));
          if (field === null || field.name === '\0') problem = ErrorCodes.DIS_ERR_GAP;
          else fields.push(field);
        } else if (b >= 0x40) {
          const field = this.literal(6);
          this.insert(field);
          if (field.name === '\0') problem = ErrorCodes.DIS_ERR_GAP;
          else fields.push(field);
        } else if (b >= 0x20) {
          this.resize(this.integer(5));
        } else {
          const field = this.literal(4);
          if (field.name === '\0') problem = ErrorCodes.DIS_ERR_GAP;
          else fields.push(field);
        }
      }
    } catch (err) {
      if (!(err instanceof BlockError)) throw err;
      // What the rest of the block inserted is missing: later references may not be known.
      this.known = false;
      problem = ErrorCodes.DIS_ERR_SYNTAX;
    }
    this.buf = EMPTY;
    return { fields, problem };
  }

  /** A prefix integer (§5.1) whose prefix is the low `bits` bits of the current octet. */
  private integer(bits: number): number {
    const buf = this.buf;
    const max = (1 << bits) - 1;
    let n = buf[this.pos++]! & max;
    if (n < max) return n;
    let shift = 0;
    for (;;) {
      if (this.pos >= buf.length) throw new BlockError('integer cut');
      const b = buf[this.pos++]!;
      n += (b & 0x7f) * 2 ** shift;
      if (n > MAX_INTEGER) throw new BlockError('integer too large');
      if ((b & 0x80) === 0) return n;
      shift += 7;
    }
  }

  /** A string literal (§5.2), as latin1 text. */
  private string(): string {
    if (this.pos >= this.buf.length) throw new BlockError('string cut');
    const huffman = (this.buf[this.pos]! & 0x80) !== 0;
    const length = this.integer(7);
    const from = this.pos;
    const to = from + length;
    if (to > this.buf.length) throw new BlockError('string cut');
    this.pos = to;
    if (!huffman) return this.buf.toString('latin1', from, to);
    const text = huffmanDecode(this.buf, from, to);
    if (text === null) throw new BlockError('bad Huffman code');
    return text;
  }

  /**
   * A literal field whose name index has a `bits`-bit prefix. A name from an unknown entry is
   * returned as '\0' (the value is still read, so the block goes on).
   */
  private literal(bits: number): HeaderField {
    const index = this.integer(bits);
    const name = index === 0 ? this.string() : (this.lookup(index)?.name ?? '\0');
    return { name, value: this.string() };
  }

  /** The field at `index` (§2.3.3); null when it is a dynamic entry from before the capture. */
  private lookup(index: number): HeaderField | null {
    if (index === 0) throw new BlockError('index 0');
    if (index <= STATIC_COUNT) return STATIC_FIELDS[index]!;
    const k = index - STATIC_COUNT;
    if (k <= this.entries.length) return this.entries[this.entries.length - k]!;
    if (this.known) throw new BlockError('index past the table');
    return null;
  }

  private insert(field: HeaderField): void {
    const size = field.name.length + field.value.length + ENTRY_OVERHEAD;
    this.entries.push(field);
    this.size += size;
    this.evict();
    // §4.4: an entry larger than the table empties it; the entries seen filling it push out
    // anything older, unknown or not.
    if (size > this.maxSize || this.size + ENTRY_OVERHEAD > this.maxSize) this.known = true;
  }

  private resize(max: number): void {
    this.maxSize = Math.min(max, MAX_TABLE_SIZE);
    this.evict();
    if (max === 0) this.known = true;
  }

  private evict(): void {
    let drop = 0;
    while (this.size > this.maxSize && drop < this.entries.length) {
      const e = this.entries[drop++]!;
      this.size -= e.name.length + e.value.length + ENTRY_OVERHEAD;
    }
    if (drop > 0) this.entries = this.entries.slice(drop);
  }
}
