/**
 * Recognising MQTT without its port (1883 only breaks ties): a client's first packet is CONNECT
 * (§3.1: "After a Network Connection is established by a Client to a Server, the first packet
 * sent from the Client to the Server MUST be a CONNECT packet"), and CONNECT spells much:
 *
 *   0x10, a Remaining Length, 0x00 0x04 "MQTT" and level 4 (3.1.1) or 5 (5.0), or 0x00 0x06
 *   "MQIsdp" and level 3 (3.1), then connect flags whose reserved bit is 0 (§3.1.2.3).
 *
 * `more` while those bytes are still to come. A connection whose CONNECT the capture missed is not
 * recognised: its packets alone are too short to tell from other bytes.
 */

import type { ProbeVerdict } from '../../dissector.js';
import { varint } from './packets.js';

const NAMES: readonly [Buffer, number][] = [
  [Buffer.from('\x00\x04MQTT', 'latin1'), 4],
  [Buffer.from('\x00\x06MQIsdp', 'latin1'), 3],
];

export function probe(data: Buffer): ProbeVerdict {
  if (data.length === 0) return 'more';
  if (data[0] !== 0x10) return 'no';
  const len = varint(data, 1);
  if (len === 'more') return 'more';
  if (len === null) return 'no';
  const at = 1 + len.length;
  for (const [name, level] of NAMES) {
    const seen = data.subarray(at, at + name.length);
    if (!name.subarray(0, seen.length).equals(seen)) continue;
    if (at + name.length + 2 > data.length) return 'more';
    const got = data[at + name.length]!;
    const flags = data[at + name.length + 1]!;
    const levelFits = level === 4 ? got === 4 || got === 5 : got === 3;
    // The CONNECT's own fields need at least 10 octets (§3.1.2).
    return levelFits && (flags & 0x01) === 0 && len.value >= name.length + 4 ? 'client' : 'no';
  }
  return 'no';
}
