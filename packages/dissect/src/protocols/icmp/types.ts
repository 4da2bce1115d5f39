/**
 * ICMP (RFC 792, IANA "ICMP Type Numbers") and ICMPv6 (RFC 4443 §2.1, RFC 4861, IANA "ICMPv6
 * Parameters") types and codes in words, and which types are echoes and which are errors that
 * quote the packet that caused them (RFC 792 "Internet Header + 64 bits of Original Data
 * Datagram", RFC 4443 §2.4 (c) "as much of invoking packet as possible").
 */

type Names = Readonly<Record<number, string>>;

const V4_TYPES: Names = {
  0: 'echo reply',
  3: 'destination unreachable',
  4: 'source quench',
  5: 'redirect',
  8: 'echo request',
  9: 'router advertisement',
  10: 'router solicitation',
  11: 'time exceeded',
  12: 'parameter problem',
  13: 'timestamp',
  14: 'timestamp reply',
  15: 'information request',
  16: 'information reply',
  17: 'address mask request',
  18: 'address mask reply',
  30: 'traceroute',
  42: 'extended echo request',
  43: 'extended echo reply',
};

const V6_TYPES: Names = {
  1: 'destination unreachable',
  2: 'packet too big',
  3: 'time exceeded',
  4: 'parameter problem',
  128: 'echo request',
  129: 'echo reply',
  130: 'multicast listener query',
  131: 'multicast listener report',
  132: 'multicast listener done',
  133: 'router solicitation',
  134: 'router advertisement',
  135: 'neighbor solicitation',
  136: 'neighbor advertisement',
  137: 'redirect',
  143: 'multicast listener report v2',
  160: 'extended echo request',
  161: 'extended echo reply',
};

/** Codes by type (RFC 792, RFC 1122 §3.2.2.1, RFC 1812 §5.2.7.1; RFC 4443 §3, RFC 7112). */
const V4_CODES: Readonly<Record<number, Names>> = {
  3: {
    0: 'net unreachable',
    1: 'host unreachable',
    2: 'protocol unreachable',
    3: 'port unreachable',
    4: 'fragmentation needed and DF set',
    5: 'source route failed',
    6: 'destination network unknown',
    7: 'destination host unknown',
    8: 'source host isolated',
    9: 'network administratively prohibited',
    10: 'host administratively prohibited',
    11: 'network unreachable for TOS',
    12: 'host unreachable for TOS',
    13: 'communication administratively prohibited',
    14: 'host precedence violation',
    15: 'precedence cutoff in effect',
  },
  5: { 0: 'for the network', 1: 'for the host', 2: 'for the TOS and network', 3: 'for the TOS and host' },
  11: { 0: 'TTL exceeded in transit', 1: 'fragment reassembly time exceeded' },
  12: { 0: 'pointer indicates the error', 1: 'missing a required option', 2: 'bad length' },
};

const V6_CODES: Readonly<Record<number, Names>> = {
  1: {
    0: 'no route to destination',
    1: 'communication administratively prohibited',
    2: 'beyond scope of source address',
    3: 'address unreachable',
    4: 'port unreachable',
    5: 'source address failed ingress/egress policy',
    6: 'reject route to destination',
    7: 'error in source routing header',
  },
  3: { 0: 'hop limit exceeded in transit', 1: 'fragment reassembly time exceeded' },
  4: { 0: 'erroneous header field', 1: 'unrecognized next header type', 2: 'unrecognized IPv6 option', 3: 'incomplete header chain' },
};

export function typeName(version: 4 | 6, type: number): string {
  const names = version === 4 ? V4_TYPES : V6_TYPES;
  return Object.hasOwn(names, type) ? names[type]! : `type ${type}`;
}

/** The code in words, or null for a type whose only code is 0 (nothing to say). */
export function codeName(version: 4 | 6, type: number, code: number): string | null {
  const codes = (version === 4 ? V4_CODES : V6_CODES)[type];
  if (codes === undefined) return code === 0 ? null : `code ${code}`;
  return Object.hasOwn(codes, code) ? codes[code]! : `code ${code}`;
}

export const ECHO_REQUEST = { 4: 8, 6: 128 } as const;
export const ECHO_REPLY = { 4: 0, 6: 129 } as const;

/** Errors about another packet, which they quote (RFC 792; RFC 4443 §2.1: types 0–127). */
export function isError(version: 4 | 6, type: number): boolean {
  return version === 4 ? type === 3 || type === 4 || type === 5 || type === 11 || type === 12 : type >= 1 && type <= 4;
}

/** Errors that carry a path MTU: "fragmentation needed" (RFC 1191 §4), "packet too big" (RFC 4443 §3.2). */
export function carriesMtu(version: 4 | 6, type: number, code: number): boolean {
  return version === 4 ? type === 3 && code === 4 : type === 2;
}
