/**
 * tshark's view of every AMQP 0-9-1 method in a capture, and ours in the same terms, so a test
 * can compare them method by method. tshark is an independent dissector (Wireshark's AMQP
 * dissector, which names classes and methods itself); it runs at test time.
 *
 * Each method is one line: the sender's port, the channel, `class.method` (tshark's names, lower
 * case), the exchange, queue, routing key, delivery tag and reply code it carries, and for a
 * method with content the body size of its content header.
 */

import type { Entry } from '@shoal/model';
import { tshark } from './tshark-summary.js';

interface MethodFacts {
  port: string;
  channel: string;
  name: string;
  exchange?: string | undefined;
  queue?: string | undefined;
  routingKey?: string | undefined;
  tag?: string | undefined;
  code?: string | undefined;
  bodySize?: string | undefined;
}

function line(m: MethodFacts): string {
  return [m.port, `ch=${m.channel}`, m.name, `exchange=${m.exchange ?? '-'}`, `queue=${m.queue ?? '-'}`, `key=${m.routingKey ?? '-'}`, `tag=${m.tag ?? '-'}`, `code=${m.code ?? '-'}`, `body=${m.bodySize ?? '-'}`].join(' ');
}

const attr = (l: string, name: string): string => new RegExp(` ${name}="([^"]*)"`).exec(l)?.[1] ?? '';
const unescape = (s: string): string => s.replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
/** "Class: Basic (60)" → "basic"; "Method: Declare-Ok (11)" → "declare-ok". */
const named = (showname: string): string => unescape(showname).replace(/^[A-Za-z]+: /, '').replace(/ \(\d+\)$/, '').toLowerCase().replace(/ /g, '-');

const ARGS: Readonly<Record<string, keyof MethodFacts>> = {
  'amqp.method.arguments.exchange': 'exchange',
  'amqp.method.arguments.queue': 'queue',
  'amqp.method.arguments.routing_key': 'routingKey',
  'amqp.method.arguments.delivery_tag': 'tag',
  'amqp.method.arguments.reply_code': 'code',
};

/** Every AMQP method tshark finds in `capture`, as lines. */
export function tsharkMethods(capture: string): string[] {
  const pdml = tshark(['-2', '-r', capture, '-o', 'tcp.reassemble_out_of_order:TRUE', '-Y', 'amqp', '-T', 'pdml']);
  const methods: MethodFacts[] = [];
  /** The last method per sender and channel, for the content header that follows it. */
  const last = new Map<string, MethodFacts>();
  let port = '';
  let frame: { type: string; channel: string; cls: string; method: string; facts: Partial<MethodFacts>; bodySize?: string } | null = null;
  for (const l of pdml.split('\n')) {
    if (l.includes('<field name="tcp.srcport"')) port = attr(l, 'show');
    else if (l.startsWith('  <proto name="amqp"')) frame = { type: '', channel: '', cls: '', method: '', facts: {} };
    else if (l.startsWith('  </proto>') && frame !== null) {
      if (frame.type === '1') {
        const m: MethodFacts = { port, channel: frame.channel, name: `${frame.cls}.${frame.method}`, ...frame.facts };
        methods.push(m);
        last.set(`${port}/${frame.channel}`, m);
      } else if (frame.type === '2') {
        const m = last.get(`${port}/${frame.channel}`);
        if (m !== undefined) m.bodySize = frame.bodySize;
      }
      frame = null;
    }
    if (frame === null || !l.includes('<field name="amqp.')) continue;
    const name = attr(l, 'name');
    const show = unescape(attr(l, 'show'));
    if (name === 'amqp.type') frame.type = show;
    else if (name === 'amqp.channel') frame.channel = show;
    else if (name === 'amqp.method.class') frame.cls = named(attr(l, 'showname'));
    else if (name === 'amqp.method.method') frame.method = named(attr(l, 'showname'));
    else if (name === 'amqp.header.body-size') frame.bodySize = show;
    else if (Object.hasOwn(ARGS, name)) frame.facts[ARGS[name]!] = show;
  }
  return methods.map(line);
}

/**
 * The methods of our AMQP entries as the same lines. A close that answered a refused method is
 * also its own exchange's request: it is counted there only; an ack settling several deliveries
 * (`multiple`) once.
 */
export function ourMethods(entries: readonly Entry[]): string[] {
  const lines: string[] = [];
  const seenAcks = new Set<string>();
  for (const e of entries) {
    if (e.protocol.name !== 'amqp') continue;
    for (const [m, port, side] of [[e.request, e.src.port, 'request'], [e.response, e.dst.port, 'response']] as const) {
      if (m === null) continue;
      const name = m['method'] as string;
      if (side === 'response' && (name === 'channel.close' || name === 'connection.close')) continue;
      const str = (k: string): string | undefined => (m[k] === undefined ? undefined : String(m[k]));
      const facts: MethodFacts = {
        port: String(port),
        channel: String(m['channel']),
        name,
        exchange: str('exchange'),
        queue: str('queue'),
        routingKey: str('routingKey'),
        tag: str('deliveryTag'),
        code: str('replyCode'),
        bodySize: str('bodySize'),
      };
      const text = line(facts);
      if (m['multiple'] === true) {
        if (seenAcks.has(text)) continue;
        seenAcks.add(text);
      }
      lines.push(text);
    }
  }
  return lines;
}
