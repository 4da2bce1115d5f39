/**
 * The ICMP and ICMPv6 parts of an entry (docs/entries.md, "ICMP"): what the dissector writes
 * under `request` and `response` of an `icmp` entry, and what the dashboard's ICMP detail reads.
 * Types only, no Node-only import.
 */

/** The packet an ICMP error quotes: its 5-tuple as far as the quote holds it. */
export interface IcmpQuotedJson {
  /** `tcp`, `udp`, `icmp`, or the IP protocol number as text. */
  protocol: string;
  src: string;
  dst: string;
  /** TCP and UDP: the ports, when the quote holds them. */
  srcPort?: number;
  dstPort?: number;
  /** A quoted ICMP message: its type in words; an echo's identifier and sequence number. */
  icmpType?: string;
  id?: number;
  seq?: number;
}

/** An echo or error message as the dissector writes it. */
export interface IcmpMessageJson {
  type: number;
  code: number;
  typeName: string;
  codeName?: string;
  id?: number;
  seq?: number;
  bodySize: number;
  quoted?: IcmpQuotedJson;
  mtu?: number;
  pointer?: number;
  gateway?: string;
}

/** One side of a flow entry: the messages it sent that are neither echoes nor errors. */
export interface IcmpFlowSideJson {
  packets: number;
  bytes: number;
  messages: { type: number; code: number; typeName: string; codeName?: string; count: number }[];
}
