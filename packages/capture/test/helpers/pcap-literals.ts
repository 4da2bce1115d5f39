/**
 * Hand-written pcap files as hex, shared by the reader and writer tests.
 */

// Hand-written files, so the reader is not only checked against our own writer.
// Layout per draft-ietf-opsawg-pcap §4-5.
export const LE_MICRO = `
  d4 c3 b2 a1  # magic 0xa1b2c3d4 written little-endian: microseconds
  02 00 04 00  # version 2.4
  00 00 00 00  00 00 00 00  # reserved
  ff ff 00 00  # snaplen 65535
  01 00 00 00  # LINKTYPE_ETHERNET
  00 f1 53 65  40 e2 01 00  # 1700000000 s, 123456 us
  04 00 00 00  3c 00 00 00  # captured 4, original 60
  de ad be ef
  01 f1 53 65  00 00 00 00  # 1700000001 s, 0 us
  02 00 00 00  02 00 00 00
  ca fe
`;

export const BE_NANO = `
  a1 b2 3c 4d  # magic 0xa1b23c4d big-endian: nanoseconds
  00 02 00 04
  00 00 00 00  00 00 00 00
  00 04 00 00  # snaplen 262144
  00 00 00 65  # LINKTYPE_RAW (101)
  65 53 f1 00  07 5b cd 15  # 1700000000 s, 123456789 ns
  00 00 00 14  00 00 00 28  # captured 20, original 40
  45 00 00 28 00 01 00 00 40 06 00 00 0a 00 00 01 0a 00 00 02
`;
