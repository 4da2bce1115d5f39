/**
 * The walk over IPv6 extension headers to the upper-layer header (RFC 8200 §4; AH per RFC 4302
 * §2.2), shared by the packet decoder and by the reading of the IPv6 packet an ICMPv6 error
 * quotes. Writes into a reused result, so the per-packet path allocates nothing.
 */

const IPV6_HOP_BY_HOP = 0;
const IPV6_ROUTING = 43;
const IPV6_FRAGMENT = 44;
const IPV6_AH = 51;
const IPV6_DEST_OPTS = 60;
const IPV6_MOBILITY = 135;

export interface Ipv6Upper {
  /** The upper-layer protocol number (6 TCP, 17 UDP, 58 ICMPv6, …). */
  next: number;
  /** Where its header starts. */
  offset: number;
  /** Where the Fragment header is, or -1 without one. */
  fragment: number;
}

/**
 * From the fixed header's Next Header `next`, with the first extension at `buf[p]`, to the upper
 * layer, within `end`. False when an extension header runs past `end`.
 */
export function walkIpv6Extensions(buf: Buffer, next: number, p: number, end: number, out: Ipv6Upper): boolean {
  out.fragment = -1;
  for (;;) {
    if (next === IPV6_HOP_BY_HOP || next === IPV6_ROUTING || next === IPV6_DEST_OPTS || next === IPV6_MOBILITY) {
      if (p + 8 > end) return false;
      const len = (buf[p + 1]! + 1) * 8;
      next = buf[p]!;
      p += len;
    } else if (next === IPV6_AH) {
      if (p + 8 > end) return false;
      const len = (buf[p + 1]! + 2) * 4;
      next = buf[p]!;
      p += len;
    } else if (next === IPV6_FRAGMENT) {
      if (p + 8 > end) return false;
      out.fragment = p;
      next = buf[p]!;
      p += 8;
    } else break;
    if (p > end) return false;
  }
  out.next = next;
  out.offset = p;
  return true;
}
