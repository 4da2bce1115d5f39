/**
 * Recognising AMQP 0-9-1 without its port (5672 only breaks ties): a client opens with the
 * protocol header `AMQP` 0 0 9 1 (§4.2.2), and the server's first frame is connection.start
 * (type 1, channel 0, class 10 method 10, version 0-9, §1.4.2.1): either decides. `more` while
 * those bytes are still to come. Other protocol headers (0-10's, 1.0's `AMQP` 0 1 0 0) are not
 * 0-9-1. A connection whose start the capture missed is not recognised: frames alone say too
 * little.
 */

import type { ProbeVerdict } from '../../dissector.js';
import { PROTOCOL_HEADER } from './frames.js';

/** connection.start: frame type 1, channel 0 (size between), class 10, method 10, version 0, 9. */
const START_HEAD = Buffer.from([0x01, 0x00, 0x00]);
const START_METHOD = Buffer.from([0x00, 0x0a, 0x00, 0x0a, 0x00, 0x09]);

const startsLike = (data: Buffer, at: number, expected: Buffer): boolean => {
  const seen = data.subarray(at, at + expected.length);
  return expected.subarray(0, seen.length).equals(seen);
};

export function probe(data: Buffer): ProbeVerdict {
  if (data.length === 0) return 'more';
  if (data[0] === 0x41) {
    if (!startsLike(data, 0, PROTOCOL_HEADER)) return 'no';
    return data.length < PROTOCOL_HEADER.length ? 'more' : 'client';
  }
  if (!startsLike(data, 0, START_HEAD) || !startsLike(data, 7, START_METHOD)) return 'no';
  return data.length < 7 + START_METHOD.length ? 'more' : 'server';
}
