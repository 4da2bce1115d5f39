/**
 * tshark's view of the Kafka messages in a capture, and ours in the same terms, so that a test
 * can compare the two. tshark is an independent dissector (Wireshark's Kafka dissector pairs a
 * response with its request by correlation id and decodes most APIs' bodies); it runs at test
 * time, with port 9092 decoded as Kafka.
 *
 * One line per message: the client's port, the correlation id, and the API key and version of a
 * request (the API key tshark paired a response with). And one line per connection: the topics
 * named and the error codes other than 0 anywhere in its messages. (A TCP segment may end several
 * messages, whose fields tshark lists together: topics and errors are compared per connection.)
 */

import type { Entry } from '@shoal/model';
import { tshark } from './tshark-summary.js';

const FIELDS = ['tcp.srcport', 'tcp.dstport', 'kafka.request_key', 'kafka.response_key', 'kafka.api_version', 'kafka.correlation_id', 'kafka.topic_name', 'kafka.error'] as const;
const BROKER = 9092;

interface Connection {
  topics: Set<string>;
  errors: Set<number>;
}

function connectionLines(conns: Map<string, Connection>): string[] {
  return [...conns].map(([port, c]) => `client=${port} topics=${[...c.topics].sort().join(',')} errors=${[...c.errors].sort((a, b) => a - b).join(',')}`);
}

function connectionOf(conns: Map<string, Connection>, port: string): Connection {
  let c = conns.get(port);
  if (c === undefined) conns.set(port, (c = { topics: new Set(), errors: new Set() }));
  return c;
}

export function tsharkKafka(capture: string): string[] {
  const out = tshark([
    '-r', capture, '-o', 'tcp.reassemble_out_of_order:TRUE', '-d', `tcp.port==${BROKER},kafka`, '-Y', 'kafka', '-T', 'fields',
    '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=|', ...FIELDS.flatMap((f) => ['-e', f]),
  ]);
  const lines: string[] = [];
  const conns = new Map<string, Connection>();
  for (const row of out.split('\n')) {
    if (row === '') continue;
    const [sport = '', dport = '', reqKeys = '', resKeys = '', versions = '', ids = '', topics = '', errors = ''] = row.split('\t');
    const list = (v: string): string[] => (v === '' ? [] : v.split('|'));
    const fromClient = Number(dport) === BROKER;
    const port = fromClient ? sport : dport;
    const idList = list(ids);
    const keys = list(fromClient ? reqKeys : resKeys);
    const vers = list(versions);
    idList.forEach((id, i) => {
      lines.push(fromClient ? `client=${port} corr=${id} request key=${keys[i]} v=${vers[i]}` : `client=${port} corr=${id} response key=${keys[i] ?? '?'}`);
    });
    const c = connectionOf(conns, port);
    for (const t of list(topics)) c.topics.add(t);
    for (const e of list(errors)) if (Number(e) !== 0) c.errors.add(Number(e));
  }
  return [...lines, ...connectionLines(conns)];
}

/** Our Kafka entries as the same lines. */
export function ourKafka(entries: readonly Entry[]): string[] {
  const lines: string[] = [];
  const conns = new Map<string, Connection>();
  for (const e of entries) {
    if (e.protocol.name !== 'kafka') continue;
    const port = String(e.src.port);
    const req = e.request;
    const res = e.response;
    const key = req?.['apiKey'];
    if (req !== null) lines.push(`client=${port} corr=${req['correlationId'] as number} request key=${key as number} v=${req['apiVersion'] as number}`);
    if (res !== null) lines.push(`client=${port} corr=${res['correlationId'] as number} response key=${(key as number | undefined) ?? '?'}`);
    const c = connectionOf(conns, port);
    for (const m of [req, res]) {
      for (const t of (m?.['topics'] as string[] | undefined) ?? []) c.topics.add(t);
    }
    for (const err of (res?.['errors'] as Array<{ code: number }> | undefined) ?? []) c.errors.add(err.code);
  }
  return [...lines, ...connectionLines(conns)];
}
