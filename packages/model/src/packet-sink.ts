/**
 * How every packet source (capture files, live capture) hands packets on, and the link types
 * of what it hands on. A contract, not an implementation: the sources live in @shoal/capture,
 * the consumers (dissect, worker) need only this, not the package that builds the native addon.
 *
 * One call per packet with the bytes as a window into a larger buffer: no Buffer object and
 * no copy per packet. The bytes of `data` never change after delivery (sources allocate a fresh
 * buffer per chunk or batch instead of reusing one), so a consumer may keep views into it.
 */
export interface PacketSink {
  onPacket(
    linkType: number,
    timestampMs: number,
    data: Buffer,
    offset: number,
    capturedLength: number,
    originalLength: number,
  ): void;
}

/** LINKTYPE_* values from the tcpdump.org link-layer header type registry. */
export const LinkType = {
  NULL: 0, // BSD loopback: 4-byte address family in the capturing host's byte order
  ETHERNET: 1,
  RAW: 101, // raw IPv4 or IPv6, version from the first nibble
  LOOP: 108, // OpenBSD loopback: address family in network byte order
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;
