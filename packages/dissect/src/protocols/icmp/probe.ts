/**
 * ICMP and ICMPv6 flows are ICMP by their transport: every message is this protocol's. The
 * verdict only says whose side each flow's entries start from: the sender of an echo request
 * is a client, the sender of a reply or an error answers one (the error's recipient sent the
 * packet it quotes); any other message's sender is taken as the client. Each entry also names
 * its own client (Transaction.client), so a flow whose first message misleads costs nothing.
 */

import type { ProbeVerdict } from '../../dissector.js';

export function probe(data: Buffer): ProbeVerdict {
  if (data.length < 4) return 'no';
  const type = data[0]!;
  // Echo replies (0 and 129) and errors (ICMP 3, 4, 5, 11, 12; ICMPv6 1 to 4) answer a packet.
  const answer = type === 0 || type === 129 || type === 3 || type === 4 || type === 5 || type === 11 || type === 12 || (type >= 1 && type <= 4);
  return answer ? 'server' : 'client';
}
