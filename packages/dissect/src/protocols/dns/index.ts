/**
 * DNS (RFC 1035, with EDNS0 RFC 6891) over UDP and TCP (RFC 1035 §4.2, RFC 7766).
 *
 * Files: registries.ts (names of types, classes, opcodes, rcodes, EDNS0 options), names.ts
 * (domain names, compression, presentation form), rdata.ts (record data per type), message.ts
 * (the message grammar and its decoder), probe.ts (recognition, shared by detection and TCP
 * resync), framing.ts (the TCP length prefix), pairs.ts (query ↔ response by ID and question),
 * stream.ts (the StreamDissector), shape.ts (entry JSON; its header comment documents the shapes).
 */

import type { DissectorSpec } from '../../dissector.js';
import { probe } from './probe.js';
import { DnsStream } from './stream.js';

export const dns: DissectorSpec = {
  name: 'dns',
  layer4: ['udp', 'tcp'],
  // 53: DNS; 5353: multicast DNS (RFC 6762); 5355: LLMNR (RFC 4795), the same message format.
  ports: [53, 5353, 5355],
  probe,
  create: (session) => new DnsStream(session),
};
