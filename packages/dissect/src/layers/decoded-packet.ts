/**
 * The result of walking one packet's headers. One instance is reused for every packet so the
 * per-packet path allocates nothing; consumers copy out what they keep.
 */
export class DecodedPacket {
  /** 4 or 6; 0 when the packet is not IP. */
  ipVersion = 0;
  /** IP protocol number of the transport header (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6). */
  transport = 0;
  /** Addresses as 32-bit words: IPv4 uses word 0, IPv6 words 0..3. */
  readonly src = new Uint32Array(4);
  readonly dst = new Uint32Array(4);
  /** TCP/UDP ports; for ICMP and ICMPv6, an echo's identifier in both, else 0 (the flow key). */
  srcPort = 0;
  dstPort = 0;
  /** TCP only. Sequence and acknowledgement numbers as unsigned 32-bit values. */
  seq = 0;
  ack = 0;
  tcpFlags = 0;
  /** The buffer holding the transport payload (the capture chunk, or a reassembled datagram). */
  buffer: Buffer = Buffer.alloc(0);
  payloadOffset = 0;
  /** Payload bytes present in `buffer`. */
  payloadLength = 0;
  /** Payload bytes the packet carried on the wire (more than present when the snaplen cut it). */
  payloadWireLength = 0;

  reset(): void {
    this.ipVersion = 0;
    this.transport = 0;
    this.tcpFlags = 0;
    this.payloadLength = 0;
    this.payloadWireLength = 0;
  }
}

/** TCP flag bits (RFC 9293 §3.1). */
export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
} as const;

export const IpProtocol = { ICMP: 1, TCP: 6, UDP: 17, ICMPV6: 58 } as const;

export const isIcmp = (transport: number): boolean => transport === IpProtocol.ICMP || transport === IpProtocol.ICMPV6;
