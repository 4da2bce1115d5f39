/**
 * Magic numbers and sanity limits shared by the capture-file readers and the writer.
 *
 * References:
 *   pcap:   draft-ietf-opsawg-pcap §4 (File Header) and tcpdump's pcap-savefile(5).
 *   pcapng: draft-ietf-opsawg-pcapng §4.1 (Section Header Block).
 */

export type CaptureFormat = 'pcap' | 'pcapng';

/** pcap magic with microsecond timestamps, as read in the writer's own byte order. */
export const PCAP_MAGIC_US = 0xa1b2c3d4;
/** pcap magic with nanosecond timestamps (the two low bytes' nibbles swapped). */
export const PCAP_MAGIC_NS = 0xa1b23c4d;

/** pcapng Section Header Block type: a byte palindrome, so it reads the same in either byte order. */
export const PCAPNG_SHB_TYPE = 0x0a0d0d0a;
/** pcapng byte-order magic inside the SHB; it tells the section's byte order. */
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/**
 * Largest captured length we accept for one packet. libpcap uses the same bound
 * (MAXIMUM_SNAPLEN, 256 KiB); a larger value means the record header is garbage, and
 * trusting it would make us buffer megabytes looking for a record that is not there.
 */
export const MAX_CAPTURED_LENGTH = 256 * 1024;

/**
 * Largest pcapng block we accept. Packet blocks are bounded by MAX_CAPTURED_LENGTH
 * separately; this bound is for the rest (name resolution, decryption secrets, custom
 * blocks), which can legitimately be large but not this large.
 */
export const MAX_PCAPNG_BLOCK_BYTES = 16 * 1024 * 1024;

/** How the first bytes of a file identify it: format, byte order and pcap timestamp resolution. */
export interface DetectedFormat {
  format: CaptureFormat;
  /** pcap only: true when the header fields are little-endian. pcapng decides per section. */
  littleEndian: boolean;
  /** pcap only: true for the nanosecond magic. */
  nanoseconds: boolean;
}

/**
 * Identifies a capture by its first four bytes, or returns null.
 * A pcap magic written by a big-endian host reads byte-swapped on a little-endian read,
 * which is how both the byte order and the resolution fall out of one comparison
 * (pcap-savefile(5), "Magic number").
 */
export function detectFormat(head: Buffer): DetectedFormat | null {
  if (head.length < 4) return null;
  const le = head.readUInt32LE(0);
  switch (le) {
    case PCAP_MAGIC_US:
      return { format: 'pcap', littleEndian: true, nanoseconds: false };
    case PCAP_MAGIC_NS:
      return { format: 'pcap', littleEndian: true, nanoseconds: true };
    case 0xd4c3b2a1:
      return { format: 'pcap', littleEndian: false, nanoseconds: false };
    case 0x4d3cb2a1:
      return { format: 'pcap', littleEndian: false, nanoseconds: true };
    case PCAPNG_SHB_TYPE:
      return { format: 'pcapng', littleEndian: true, nanoseconds: false };
    default:
      return null;
  }
}

/**
 * A short human hint about what a non-capture file probably is, for the error message.
 * Only formats people commonly hand to a pcap tool by mistake.
 */
export function describeNonCapture(head: Buffer): string {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    return 'it looks gzip-compressed; decompress it first';
  }
  if (head.length >= 4 && (head.readUInt32LE(0) === 0xa1b2cd34 || head.readUInt32BE(0) === 0xa1b2cd34)) {
    return 'it is a "modified" (Kuznetzov) pcap, which is not supported; convert it with editcap -F pcap';
  }
  const shown = head.subarray(0, 8).toString('hex').replace(/(..)(?!$)/g, '$1 ');
  return `its first bytes are ${shown || '(none)'}`;
}
