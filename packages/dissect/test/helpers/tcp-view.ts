/**
 * Where the TCP headers of a captured packet are, for the link types our fixtures use. Written
 * independently of src/layers on purpose: a test helper that shared the decoder's bugs could not
 * find them.
 */

import { LinkType } from '@shoal/model';

/** One captured packet, owning its bytes. */
export interface Packet {
  linkType: number;
  tsMs: number;
  data: Buffer;
  /** Length on the wire; more than data.length when the snap length cut the packet. */
  wireLen: number;
}

/** Where the headers of a TCP packet are, and what they say. */
export interface TcpView {
  ipOffset: number;
  ipVersion: 4 | 6;
  tcpOffset: number;
  payloadOffset: number;
  payloadLength: number;
  seq: number;
  ack: number;
  flags: number;
  /** `src>dst` with ports: one direction of one connection. */
  direction: string;
}

const SYN = 0x02;

/** Offset of the IP header for the link types our fixtures use, or -1. */
function ipOffset(linkType: number, b: Buffer): number {
  let type: number;
  let at: number;
  switch (linkType) {
    case LinkType.ETHERNET:
      at = 12;
      if (b.length < at + 2) return -1;
      type = b.readUInt16BE(at);
      while (type === 0x8100 || type === 0x88a8 || type === 0x9100) {
        at += 4; // 802.1Q / 802.1ad tag: TPID + TCI
        if (b.length < at + 2) return -1;
        type = b.readUInt16BE(at);
      }
      at += 2;
      break;
    case LinkType.LINUX_SLL:
      if (b.length < 16) return -1;
      type = b.readUInt16BE(14);
      at = 16;
      break;
    case LinkType.LINUX_SLL2:
      if (b.length < 20) return -1;
      type = b.readUInt16BE(0);
      at = 20;
      break;
    case LinkType.NULL:
    case LinkType.LOOP:
      return b.length > 4 ? 4 : -1;
    case LinkType.RAW:
    case LinkType.IPV4:
    case LinkType.IPV6:
      return 0;
    default:
      return -1;
  }
  return type === 0x0800 || type === 0x86dd ? at : -1;
}

/** The TCP headers of `p`, or null for anything else (non-IP, UDP, IP fragments, cut packets). */
export function tcpView(p: Packet): TcpView | null {
  const b = p.data;
  const ip = ipOffset(p.linkType, b);
  if (ip < 0 || ip >= b.length || p.wireLen !== b.length) return null;
  const version = b[ip]! >> 4;
  let tcp: number;
  let ipEnd: number;
  let src: string;
  let dst: string;
  if (version === 4) {
    const ihl = (b[ip]! & 0x0f) * 4;
    if (b.length < ip + ihl || b[ip + 9] !== 6 || (b.readUInt16BE(ip + 6) & 0x3fff) !== 0) return null;
    tcp = ip + ihl;
    ipEnd = Math.min(b.length, ip + b.readUInt16BE(ip + 2));
    src = b.subarray(ip + 12, ip + 16).join('.');
    dst = b.subarray(ip + 16, ip + 20).join('.');
  } else if (version === 6) {
    // Our fixtures carry no IPv6 extension headers; anything else is left alone.
    if (b.length < ip + 40 || b[ip + 6] !== 6) return null;
    tcp = ip + 40;
    ipEnd = Math.min(b.length, ip + 40 + b.readUInt16BE(ip + 4));
    src = b.subarray(ip + 8, ip + 24).toString('hex');
    dst = b.subarray(ip + 24, ip + 40).toString('hex');
  } else return null;
  if (ipEnd < tcp + 20) return null;
  const payloadOffset = tcp + (b[tcp + 12]! >> 4) * 4;
  if (payloadOffset > ipEnd) return null;
  return {
    ipOffset: ip,
    ipVersion: version,
    tcpOffset: tcp,
    payloadOffset,
    payloadLength: ipEnd - payloadOffset,
    seq: b.readUInt32BE(tcp + 4),
    ack: b.readUInt32BE(tcp + 8),
    flags: b[tcp + 13]!,
    direction: `${src}:${b.readUInt16BE(tcp)}>${dst}:${b.readUInt16BE(tcp + 2)}`,
  };
}

/** A TCP segment that carries data (a SYN's payload, if ever, is left alone). */
export function isData(v: TcpView | null): v is TcpView {
  return v !== null && v.payloadLength > 0 && (v.flags & SYN) === 0;
}

/** The TCP payload bytes of `p` (empty for anything that is not TCP). */
export function payloadOf(p: Packet): Buffer {
  const v = tcpView(p);
  return v === null ? Buffer.alloc(0) : p.data.subarray(v.payloadOffset, v.payloadOffset + v.payloadLength);
}
