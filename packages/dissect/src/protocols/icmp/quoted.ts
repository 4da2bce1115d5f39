/**
 * The packet an ICMP error quotes after its 8-octet header: the IP header of the packet that
 * caused it and the start of that packet's payload (RFC 792: the internet header and 64 bits of
 * data, enough for TCP and UDP ports; RFC 4443 §2.4 (c): as much as fits in the minimum MTU),
 * read into the 5-tuple the error is about. A quote too short for ports gives what it has.
 */

import type { IcmpQuotedJson } from '@shoal/model';
import { formatIp } from '../../layers/ip-format.js';
import { walkIpv6Extensions, type Ipv6Upper } from '../../layers/ipv6-extensions.js';
import { ECHO_REPLY, ECHO_REQUEST, typeName } from './types.js';

/** The quoted packet as the entry carries it (its shape is the model's). */
export type QuotedPacket = IcmpQuotedJson;

const TCP = 6;
const UDP = 17;
const ICMP = 1;
const ICMPV6 = 58;

/** The packet quoted in `buf[at, end)`, or null when not even its IP header is there. */
export function quotedPacket(buf: Buffer, at: number, end: number): QuotedPacket | null {
  if (at >= end) return null;
  const version = buf[at]! >> 4;
  const src = new Uint32Array(4);
  const dst = new Uint32Array(4);
  let proto: number;
  let p: number;
  if (version === 4) {
    const ihl = (buf[at]! & 0x0f) * 4;
    if (ihl < 20 || at + ihl > end) return null;
    proto = buf[at + 9]!;
    src[0] = buf.readUInt32BE(at + 12);
    dst[0] = buf.readUInt32BE(at + 16);
    p = at + ihl;
    // A later fragment's payload does not start with the transport header.
    if ((buf.readUInt16BE(at + 6) & 0x1fff) !== 0) p = end;
  } else if (version === 6) {
    if (at + 40 > end) return null;
    for (let i = 0; i < 4; i++) {
      src[i] = buf.readUInt32BE(at + 8 + 4 * i);
      dst[i] = buf.readUInt32BE(at + 24 + 4 * i);
    }
    const upper: Ipv6Upper = { next: 0, offset: 0, fragment: -1 };
    if (walkIpv6Extensions(buf, buf[at + 6]!, at + 40, end, upper)) {
      proto = upper.next;
      p = upper.fragment >= 0 && (buf.readUInt16BE(upper.fragment + 2) & 0xfff8) !== 0 ? end : upper.offset;
    } else {
      proto = buf[at + 6]!;
      p = end;
    }
  } else return null;
  const out: QuotedPacket = {
    protocol: proto === TCP ? 'tcp' : proto === UDP ? 'udp' : proto === ICMP || proto === ICMPV6 ? 'icmp' : String(proto),
    src: formatIp(version, src),
    dst: formatIp(version, dst),
  };
  if ((proto === TCP || proto === UDP) && p + 4 <= end) {
    out.srcPort = buf.readUInt16BE(p);
    out.dstPort = buf.readUInt16BE(p + 2);
  } else if ((proto === ICMP || proto === ICMPV6) && p + 1 <= end) {
    const v = version === 4 ? 4 : 6;
    const type = buf[p]!;
    out.icmpType = typeName(v, type);
    if ((type === ECHO_REQUEST[v] || type === ECHO_REPLY[v]) && p + 8 <= end) {
      out.id = buf.readUInt16BE(p + 4);
      out.seq = buf.readUInt16BE(p + 6);
    }
  }
  return out;
}
