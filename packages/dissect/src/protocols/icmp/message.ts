/**
 * One ICMP (RFC 792) or ICMPv6 (RFC 4443 §2.1) message, read from its octets:
 *
 *   Type (8) | Code (8) | Checksum (16) | rest of header (32) | data
 *
 * The rest of the header by type: echo request and reply, an Identifier (16) and a Sequence
 * Number (16), then data (RFC 792 "Echo or Echo Reply Message"; RFC 4443 §4.1, §4.2); errors,
 * unused except a next-hop MTU in "fragmentation needed" (low 16 bits, RFC 1191 §4) and "packet
 * too big" (32 bits, RFC 4443 §3.2), a pointer in a parameter problem (RFC 792's first octet,
 * RFC 4443 §3.4's 32 bits), a gateway address in an IPv4 redirect; then the quoted packet
 * (quoted.ts). The checksum is not checked (offloading leaves captured ones wrong).
 */

import { formatIp } from '../../layers/ip-format.js';
import { quotedPacket, type QuotedPacket } from './quoted.js';
import { ECHO_REPLY, ECHO_REQUEST, carriesMtu, isError } from './types.js';

/** Type, code, checksum and the rest of the header. */
export const HEADER = 8;

export const Kind = { ECHO_REQUEST: 0, ECHO_REPLY: 1, ERROR: 2, OTHER: 3 } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

export interface IcmpMessage {
  version: 4 | 6;
  kind: Kind;
  type: number;
  code: number;
  /** Echo: identifier and sequence number. */
  id?: number;
  seq?: number;
  /** Octets after the 8-octet header: an echo's data, an error's quote. */
  bodySize: number;
  /** The whole message. */
  wireSize: number;
  /** Shorter than its header. */
  truncated: boolean;
  quoted?: QuotedPacket;
  mtu?: number;
  pointer?: number;
  gateway?: string;
  ts: number;
}

/** Reads the message in `b` (at least the 4 octets the packet decoder checked). */
export function readMessage(version: 4 | 6, b: Buffer, ts: number): IcmpMessage {
  const type = b[0]!;
  const code = b[1]!;
  const kind = type === ECHO_REQUEST[version] ? Kind.ECHO_REQUEST : type === ECHO_REPLY[version] ? Kind.ECHO_REPLY : isError(version, type) ? Kind.ERROR : Kind.OTHER;
  const whole = b.length >= HEADER;
  const m: IcmpMessage = { version, kind, type, code, bodySize: Math.max(0, b.length - HEADER), wireSize: b.length, truncated: !whole, ts };
  if (!whole) return m;
  if (kind === Kind.ECHO_REQUEST || kind === Kind.ECHO_REPLY) {
    m.id = b.readUInt16BE(4);
    m.seq = b.readUInt16BE(6);
  } else if (kind === Kind.ERROR) {
    if (carriesMtu(version, type, code)) m.mtu = version === 4 ? b.readUInt16BE(6) : b.readUInt32BE(4);
    if ((version === 4 && type === 12) || (version === 6 && type === 4)) m.pointer = version === 4 ? b[4]! : b.readUInt32BE(4);
    if (version === 4 && type === 5) m.gateway = formatIp(4, Uint32Array.of(b.readUInt32BE(4)));
    const quoted = quotedPacket(b, HEADER, b.length);
    if (quoted !== null) m.quoted = quoted;
  }
  return m;
}
