/**
 * tshark's view of every MQTT control packet in a capture, and ours in the same terms, so a test
 * can compare them packet by packet. tshark is an independent dissector (Wireshark's MQTT
 * dissector, 3.1 to 5.0, which reassembles packets across segments and resolves 5.0 Topic
 * Aliases); it runs at test time, with every port that received a SYN decoded as MQTT.
 *
 * Each packet is one line: the sender's port, the type, the Packet Identifier, a PUBLISH's topic,
 * QoS and payload size, a CONNECT's client id, and the return or reason codes (CONNACK's,
 * 5.0's acknowledgements', a SUBACK's one per filter).
 */

import type { Entry } from '@shoal/model';
import { tshark } from './tshark-summary.js';

const TYPES = ['RESERVED', 'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH'];
const CODE_FIELDS = new Set(['mqtt.conack.val', 'mqtt.connack.reason_code', 'mqtt.puback.reason_code', 'mqtt.pubrec.reason_code', 'mqtt.pubrel.reason_code', 'mqtt.pubcomp.reason_code', 'mqtt.suback.qos', 'mqtt.suback.reason_code', 'mqtt.unsuback.reason_code', 'mqtt.disconnect.reason_code', 'mqtt.auth.reason_code']);

interface PacketFacts {
  port: string;
  type: string;
  id?: number | undefined;
  topic?: string | undefined;
  qos?: number | undefined;
  size?: number | undefined;
  client?: string | undefined;
  codes: number[];
}

function line(p: PacketFacts): string {
  return [p.port, p.type, `id=${p.id ?? '-'}`, `topic=${p.topic ?? '-'}`, `qos=${p.qos ?? '-'}`, `size=${p.size ?? '-'}`, `client=${p.client ?? '-'}`, `codes=${p.codes.join(',') || '-'}`].join(' ');
}

const attr = (l: string, name: string): string => new RegExp(` ${name}="([^"]*)"`).exec(l)?.[1] ?? '';
const unescape = (s: string): string => s.replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function serverPorts(capture: string): number[] {
  const out = tshark(['-r', capture, '-Y', 'tcp.flags.syn == 1 && tcp.flags.ack == 0', '-T', 'fields', '-e', 'tcp.dstport']);
  return [...new Set(out.split('\n').filter((l) => l !== '').map(Number))];
}

/** Every MQTT packet tshark finds in `capture`, as lines. */
export function tsharkPackets(capture: string): string[] {
  const decodeAs = serverPorts(capture).flatMap((p) => ['-d', `tcp.port==${p},mqtt`]);
  const pdml = tshark(['-2', '-r', capture, '-o', 'tcp.reassemble_out_of_order:TRUE', ...decodeAs, '-Y', 'mqtt', '-T', 'pdml']);
  const lines: string[] = [];
  let port = '';
  let p: PacketFacts | null = null;
  for (const l of pdml.split('\n')) {
    if (l.includes('<field name="tcp.srcport"')) port = attr(l, 'show');
    else if (l.startsWith('  <proto name="mqtt"')) p = { port, type: '', codes: [] };
    else if (l.startsWith('  </proto>') && p !== null) {
      lines.push(line(p));
      p = null;
    }
    if (p === null || !l.includes('<field name="mqtt.')) continue;
    const name = attr(l, 'name');
    const show = unescape(attr(l, 'show'));
    if (name === 'mqtt.msgtype') p.type = TYPES[Number(show)] ?? show;
    else if (name === 'mqtt.msgid') p.id = Number(show);
    else if (name === 'mqtt.topic' && p.type === 'PUBLISH') p.topic = show;
    else if (name === 'mqtt.qos' && p.type === 'PUBLISH') p.qos = Number(show);
    else if (name === 'mqtt.msg') p.size = Number(attr(l, 'size'));
    else if (name === 'mqtt.clientid') p.client = show;
    else if (CODE_FIELDS.has(name)) p.codes.push(Number(show));
  }
  // A PUBLISH without payload has no mqtt.msg field.
  return lines.map((x) => (x.includes(' PUBLISH ') ? x.replace(' size=- ', ' size=0 ') : x));
}

/** The packets of our MQTT entries as the same lines. */
export function ourPackets(entries: readonly Entry[]): string[] {
  const lines: string[] = [];
  for (const e of entries) {
    if (e.protocol.name !== 'mqtt') continue;
    const parts: [Record<string, unknown> | null | undefined, number][] = [
      [e.request, e.src.port],
      [e.request?.['release'] as Record<string, unknown> | undefined, e.src.port],
      [e.response, e.dst.port],
      [e.response?.['complete'] as Record<string, unknown> | undefined, e.dst.port],
    ];
    for (const [m, port] of parts) {
      if (m === null || m === undefined) continue;
      const publish = m['type'] === 'PUBLISH';
      const codes = (m['reasonCodes'] as number[] | undefined) ?? (m['reasonCode'] !== undefined ? [m['reasonCode'] as number] : []);
      lines.push(
        line({
          port: String(port),
          type: m['type'] as string,
          id: m['packetId'] as number | undefined,
          topic: publish ? (m['topic'] as string) : undefined,
          qos: publish ? (m['qos'] as number) : undefined,
          size: publish ? (m['bodySize'] as number) : undefined,
          client: m['type'] === 'CONNECT' ? (m['clientId'] as string) : undefined,
          codes,
        }),
      );
    }
  }
  return lines;
}
