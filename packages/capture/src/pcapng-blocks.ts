/**
 * The pcapng blocks that describe rather than carry packets: Section Header Block and
 * Interface Description Block. They are rare (a handful per file), so clarity wins over
 * speed here; the packet blocks are handled inline in pcapng-parser.ts.
 *
 * Reference: draft-ietf-opsawg-pcapng §3.1 (general block structure), §3.5 (options),
 * §4.1 (SHB), §4.2 (IDB).
 */

import type { CaptureInterface } from './capture-types.js';
import { PCAPNG_BYTE_ORDER_MAGIC } from './capture-format.js';
import { TimestampScale } from './timestamp-scale.js';

export const BLOCK_TYPE_SHB = 0x0a0d0d0a;
export const BLOCK_TYPE_IDB = 0x00000001;
/** Obsolete Packet Block (Appendix A): like an EPB with a 16-bit interface id and a drops count. */
export const BLOCK_TYPE_PB = 0x00000002;
export const BLOCK_TYPE_SPB = 0x00000003;
export const BLOCK_TYPE_EPB = 0x00000006;

/** Block Type + Block Total Length at the start, Block Total Length again at the end. */
export const BLOCK_OVERHEAD = 12;
/** SHB: overhead + byte-order magic (4) + major/minor version (2+2) + section length (8). */
const SHB_MIN_BYTES = 28;
/** IDB: overhead + LinkType (2) + Reserved (2) + SnapLen (4). */
const IDB_MIN_BYTES = 20;

const OPT_END = 0;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

/**
 * The section byte order from the SHB's byte-order magic at block offset 8, or null when
 * it is neither order. The SHB block type itself is a palindrome (§4.1), so this is how a
 * reader learns the order before it can even read the block length.
 */
export function sectionByteOrder(view: DataView, blockPos: number): boolean | null {
  const magic = view.getUint32(blockPos + 8, true);
  if (magic === PCAPNG_BYTE_ORDER_MAGIC) return true;
  if (magic === 0x4d3c2b1a) return false;
  return null;
}

/** Checks a complete SHB; returns a problem description or null when it is usable. */
export function checkSectionHeader(view: DataView, pos: number, length: number, le: boolean): string | null {
  if (length < SHB_MIN_BYTES) return `section header block is only ${length} bytes`;
  // §4.1: a reader that does not understand the major version must not guess at the
  // rest. Minor versions are compatible (some writers emitted 1.2).
  const major = view.getUint16(pos + 12, le);
  if (major !== 1) return `pcapng section has unsupported major version ${major}`;
  return null;
}

/**
 * Decodes a complete IDB into an interface, or returns a problem description.
 * Options we do not use are skipped; a malformed option list ends option parsing but
 * keeps the interface, since link type and snap length are already known.
 */
export function readInterfaceBlock(
  view: DataView,
  pos: number,
  length: number,
  le: boolean,
): CaptureInterface | string {
  if (length < IDB_MIN_BYTES) return `interface description block is only ${length} bytes`;
  const linkType = view.getUint16(pos + 8, le);
  const snapLength = view.getUint32(pos + 12, le);
  let tsresol: number | undefined;
  let offsetSeconds = 0;

  // §3.5: each option is code (u16), length (u16), value padded to 32 bits;
  // opt_endofopt (code 0) ends the list, which may also just run to the block trailer.
  const optionsEnd = pos + length - 4;
  let p = pos + 16;
  while (p + 4 <= optionsEnd) {
    const code = view.getUint16(p, le);
    const valueLength = view.getUint16(p + 2, le);
    const value = p + 4;
    if (code === OPT_END || value + valueLength > optionsEnd) break;
    if (code === IF_TSRESOL && valueLength >= 1) {
      tsresol = view.getUint8(value);
    } else if (code === IF_TSOFFSET && valueLength >= 8) {
      // Signed 64-bit seconds (§4.2); any sane value is far inside double range.
      offsetSeconds = Number(view.getBigInt64(value, le));
    }
    p = value + ((valueLength + 3) & ~3);
  }

  const timestamps =
    tsresol === undefined
      ? offsetSeconds === 0
        ? TimestampScale.MICROSECONDS
        : new TimestampScale(1e6, offsetSeconds)
      : TimestampScale.fromTsresol(tsresol, offsetSeconds);
  // if_fcslen (code 13) is left out on purpose: the spec has been ambiguous about its unit
  // (bits or bytes; pcapng issue #60), and nothing downstream needs it yet.
  return { linkType, snapLength, fcsBytes: undefined, timestamps };
}
