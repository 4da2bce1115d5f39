/**
 * ICMP (RFC 792) and ICMPv6 (RFC 4443): echoes paired into round trips, errors with the packet
 * they quote, and everything else counted into a flow entry.
 *
 * Files: types.ts (types and codes in words; echoes and errors), quoted.ts (the quoted packet's
 * 5-tuple), message.ts (one message's fields), stream.ts (the StreamDissector: pairing), shape.ts
 * (entry JSON; its header comment documents the shapes), probe.ts (every ICMP flow is ICMP).
 */

import type { DissectorSpec } from '../../dissector.js';
import { probe } from './probe.js';
import { IcmpStream } from './stream.js';

export const icmp: DissectorSpec = {
  name: 'icmp',
  layer4: 'icmp',
  ports: [],
  probe,
  create: (session) => new IcmpStream(session),
};
