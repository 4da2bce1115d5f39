import { LinkType } from '@shoal/model';

/** EtherTypes we follow (IEEE 802.3 / 802.1Q). */
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100; // 802.1Q C-tag
const ETHERTYPE_QINQ = 0x88a8; // 802.1ad S-tag
const ETHERTYPE_QINQ_OLD = 0x9100; // pre-standard QinQ still seen in the field

/** Result of the link layer: where the IP header starts, or -1 when the packet is not IP. */
export interface LinkResult {
  ipOffset: number;
}

/**
 * Returns the offset of the IP header inside `buf`, or -1 if the frame carries no IPv4/IPv6
 * (ARP, LLDP, …) or the link type is unknown (-2). Never throws: short frames give -1.
 */
export function ipOffsetOf(linkType: number, buf: Buffer, off: number, len: number): number {
  const end = off + len;
  switch (linkType) {
    case LinkType.ETHERNET: {
      let p = off + 12;
      if (p + 2 > end) return -1;
      let type = buf.readUInt16BE(p);
      // Any depth of stacked tags (QinQ and beyond): each tag is TPID already read + 2-byte TCI.
      while (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ || type === ETHERTYPE_QINQ_OLD) {
        p += 4;
        if (p + 2 > end) return -1;
        type = buf.readUInt16BE(p);
      }
      return etherIp(type, p + 2, end);
    }
    case LinkType.LINUX_SLL: // tcpdump.org LINKTYPE_LINUX_SLL: protocol at 14, header 16
      if (off + 16 > end) return -1;
      return etherIp(buf.readUInt16BE(off + 14), off + 16, end);
    case LinkType.LINUX_SLL2: // LINKTYPE_LINUX_SLL2: protocol at 0, header 20
      if (off + 20 > end) return -1;
      return etherIp(buf.readUInt16BE(off), off + 20, end);
    case LinkType.NULL:
    case LinkType.LOOP: {
      if (off + 4 > end) return -1;
      // NULL stores the family in the capturing host's byte order; LOOP in network order.
      // Families are small numbers, so the non-zero end of the word tells the order.
      const family =
        buf[off] !== 0 ? buf.readUInt32LE(off) : buf.readUInt32BE(off);
      if (family === 2) return off + 4; // AF_INET everywhere
      if (family === 24 || family === 28 || family === 30) return off + 4; // AF_INET6 on BSDs/macOS
      return -1;
    }
    case LinkType.RAW:
    case LinkType.IPV4:
    case LinkType.IPV6:
      return off < end ? off : -1;
    default:
      return -2;
  }
}

function etherIp(type: number, p: number, end: number): number {
  if (type !== ETHERTYPE_IPV4 && type !== ETHERTYPE_IPV6) return -1;
  return p < end ? p : -1;
}
