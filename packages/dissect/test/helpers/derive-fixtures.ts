/**
 * `node derive-fixtures.js BASE.pcap OUTDIR`: writes the committed reassembly fixtures, rewritten
 * from one real capture (fixtures/generate.sh passes keep-alive.pcap). Loopback sends each HTTP
 * message in one segment, so the capture is first cut into 256-byte segments: that gives every
 * message several segments to swap, repeat or lose.
 *
 * - out-of-order.pcap: in each direction, data segments 2 and 3, 6 and 7, … (counting from 1)
 *   swapped; the moved segment takes the time of its new slot, as a capture would record it.
 * - retransmission.pcap: every 4th segment repeated five packets later, and every 3rd repeated
 *   at once merged with the segment after it (half the copy is old bytes, half new ones).
 * - gap-response.pcap: the 3rd server segment lost: the middle of the first response's body.
 * - gap-request.pcap: the segment holding the second request's head lost.
 */

import path from 'node:path';
import {
  directionsStartingWith,
  drop,
  duplicate,
  payloadOf,
  readCapture,
  reorder,
  resegment,
  writeCapture,
  type Packet,
} from './capture-rewrite.js';

const SEGMENT = 256;

function main(args: string[]): void {
  const [base, outDir] = args;
  if (base === undefined || outDir === undefined) {
    console.error('usage: derive-fixtures.js BASE.pcap OUTDIR');
    process.exit(2);
  }
  const cut = resegment(readCapture(base), SEGMENT);
  const servers = directionsStartingWith(cut, 'HTTP/1.');
  const variants: Record<string, Packet[]> = {
    'out-of-order': reorder(cut, { every: 4, first: 1, timestamps: 'monotonic' }),
    retransmission: duplicate(duplicate(cut, { every: 4, lag: 5 }), { every: 3, merge: true }),
    'gap-response': drop(cut, (v, k) => servers.has(v.direction) && k === 2),
    'gap-request': drop(cut, (_v, _k, p) => payloadOf(p).toString('latin1').startsWith('GET /api/users ')),
  };
  for (const [name, packets] of Object.entries(variants)) {
    const file = path.join(outDir, `${name}.pcap`);
    writeCapture(file, packets);
    console.error(`derive-fixtures: ${file}: ${packets.length} packets (base ${cut.length} after ${SEGMENT}-byte cut)`);
  }
}

main(process.argv.slice(2));
