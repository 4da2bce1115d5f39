/**
 * WebSocket and ICMP entries to filter, exactly as the dissector wrote them from real traffic:
 * the `ws` package's client and server (packages/dissect/test/fixtures/ws/*.expected.json, made
 * by generate-ws.sh) and Debian's ping and the Linux stack's errors (fixtures/icmp/, made by
 * generate-icmp.sh).
 */

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Entry } from '@shoal/model';

const FIXTURES = fileURLToPath(new URL('../../dissect/test/fixtures/', import.meta.url));

/** The entry of `folder/capture` whose summary starts with `summary`. */
function pick(folder: string, capture: string, summary: string): Entry {
  const doc = JSON.parse(fs.readFileSync(`${FIXTURES}${folder}/${capture}.expected.json`, 'utf8')) as { entries: Entry[] };
  const e = doc.entries.find((x) => x.summary.text.startsWith(summary));
  if (!e) throw new Error(`fixture ${folder}/${capture} has no entry "${summary}"`);
  return structuredClone(e);
}

/** `-> text 22 B: hello over a websocket`, compressed (permessage-deflate). */
export const clientText = (): Entry => pick('ws', 'deflate', '-> text 22 B');
/** `<- binary 300 B`: the echo of the client's binary message. */
export const serverBinary = (): Entry => pick('ws', 'plain', '<- binary');
/** `<- text 74000 B: line 0000 …`: over the body cap, compressed to 4958 octets. */
export const serverLarge = (): Entry => pick('ws', 'deflate', '<- text 74000 B');
/** `<- ping, -> pong`: the server's ping, the client's pong. */
export const serverPing = (): Entry => pick('ws', 'plain', '<- ping');
/** `<- close 4001 "feed over", -> close 4001 "feed over"`. */
export const feedClose = (): Entry => pick('ws', 'plain', '<- close 4001');

/** `echo request id=… seq=1 -> echo reply` over IPv4. */
export const echo4 = (): Entry => pick('icmp', 'echo-v4', 'echo request');
/** Port unreachable over ICMPv6, about a UDP datagram to port 9. */
export const portUnreachable6 = (): Entry => pick('icmp', 'unreachable', 'destination unreachable: port unreachable (UDP [');
/** Time exceeded from the router, about a ping with TTL 1. */
export const timeExceeded4 = (): Entry => pick('icmp', 'time-exceeded', 'time exceeded: TTL');
/** A neighbor solicitation, counted in a flow entry. */
export const solicitation = (): Entry => pick('icmp', 'neighbor-discovery', 'neighbor solicitation');
