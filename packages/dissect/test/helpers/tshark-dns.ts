/**
 * tshark's view of the DNS messages in a capture, and ours in the same terms, so that a test can
 * compare the two message by message. tshark is an independent dissector (Wireshark's DNS code);
 * it runs at test time (it is among the packages `make test` installs).
 *
 * Each message becomes one line of key fields: the ID, QR, the first question, and for a
 * response its rcode, TC bit, answer count, EDNS0 payload size and DO bit, and the data of the
 * common record types found in any section (tshark lists them so). Numbers that tshark prints
 * bare (types, rcodes) are named with our own registries before comparing: the numbers are the
 * check, the names only make a failure readable.
 */

import type { Entry } from '@shoal/model';
import { rcodeName, typeName } from '../../dist/protocols/dns/registries.js';
import { tshark } from './tshark-summary.js';

/** The fields asked of tshark, in order; one value per occurrence, joined by `|`. */
const FIELDS = [
  'dns.id', 'dns.flags.response', 'dns.qry.name', 'dns.qry.type', 'dns.flags.rcode', 'dns.flags.truncated',
  'dns.count.answers', 'dns.rr.udp_payload_size', 'dns.resp.z.do', 'dns.resp.ext_rcode',
  'dns.a', 'dns.aaaa', 'dns.cname', 'dns.ns', 'dns.ptr.domain_name', 'dns.mx.mail_exchange', 'dns.srv.target',
  'dns.srv.port', 'dns.soa.mname', 'dns.txt', 'dns.caa.value',
] as const;

/** Record types whose data both sides report, and how our `data` text yields tshark's value. */
const DATA: ReadonlyArray<[string, string, (data: string) => string[]]> = [
  ['A', 'dns.a', (d) => [d]],
  ['AAAA', 'dns.aaaa', (d) => [d]],
  ['CNAME', 'dns.cname', (d) => [d]],
  ['NS', 'dns.ns', (d) => [d]],
  ['PTR', 'dns.ptr.domain_name', (d) => [d]],
  ['MX', 'dns.mx.mail_exchange', (d) => [d.split(' ')[1]!]],
  ['SRV', 'dns.srv.target', (d) => [d.split(' ')[3]!]],
  ['SRV', 'dns.srv.port', (d) => [d.split(' ')[2]!]],
  ['SOA', 'dns.soa.mname', (d) => [d.split(' ')[0]!]],
  ['TXT', 'dns.txt', (d) => unquote(d)],
  ['CAA', 'dns.caa.value', (d) => unquote(d)],
];

/** The strings of a presentation-form TXT or CAA data: quoted, with `\X` and `\DDD` escapes. */
function unquote(data: string): string[] {
  const out: string[] = [];
  for (const m of data.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
    out.push(m[1]!.replace(/\\(\d{3}|.)/g, (_, e: string) => (e.length === 3 ? String.fromCharCode(Number(e)) : e)));
  }
  return out;
}

/** One message as a line of `key=value` fields, comparable across the two dissectors. */
export type MessageLine = string;

function line(fields: Record<string, string>): MessageLine {
  return Object.entries(fields)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** Every DNS message tshark finds in `capture`, as lines, in capture order. */
export function tsharkMessages(capture: string): MessageLine[] {
  const out = tshark([
    '-r', capture, '-o', 'tcp.reassemble_out_of_order:TRUE', '-Y', 'dns', '-T', 'fields',
    '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=|', ...FIELDS.flatMap((f) => ['-e', f]),
  ]);
  const lines: MessageLine[] = [];
  for (const row of out.split('\n')) {
    if (row === '') continue;
    const v = Object.fromEntries(FIELDS.map((f, i) => [f, row.split('\t')[i] ?? '']));
    const response = v['dns.flags.response'] === 'True' || v['dns.flags.response'] === '1';
    const fields: Record<string, string> = {
      id: String(Number(v['dns.id'])),
      qr: response ? '1' : '0',
      q: `${v['dns.qry.type'] === '' ? '' : typeName(Number(v['dns.qry.type']))} ${v['dns.qry.name']}`,
    };
    if (response) {
      const ext = v['dns.resp.ext_rcode'] === '' ? 0 : Number(v['dns.resp.ext_rcode']);
      fields['rcode'] = rcodeName((ext << 4) | Number(v['dns.flags.rcode']));
      fields['tc'] = v['dns.flags.truncated'] === 'True' || v['dns.flags.truncated'] === '1' ? '1' : '0';
      fields['an'] = v['dns.count.answers']!;
    }
    fields['udp'] = v['dns.rr.udp_payload_size']!;
    fields['do'] = v['dns.resp.z.do'] === '' ? '' : v['dns.resp.z.do'] === 'True' || v['dns.resp.z.do'] === '1' ? '1' : '0';
    for (const [, field] of DATA) fields[field] = splitValues(v[field]!).sort().join(',');
    lines.push(line(fields));
  }
  return lines;
}

function splitValues(cell: string): string[] {
  return cell === '' ? [] : cell.split('|').map((s) => (s === '<Root>' ? '.' : s));
}

/** The messages of our DNS entries (queries and responses) as the same lines. */
export function ourMessages(entries: readonly Entry[]): MessageLine[] {
  const lines: MessageLine[] = [];
  for (const e of entries) {
    if (e.protocol.name !== 'dns') continue;
    for (const m of [e.request, e.response]) if (m !== null) lines.push(ourLine(m, m === e.response));
  }
  return lines;
}

interface Rr {
  type: string;
  data: string;
}

function ourLine(m: Record<string, unknown>, response: boolean): MessageLine {
  const questions = m['questions'] as Array<{ name: string; type: string }>;
  const q = questions[0];
  const fields: Record<string, string> = { id: String(m['id']), qr: response ? '1' : '0', q: q === undefined ? ' ' : `${q.type} ${q.name}` };
  const answers = m['answers'] as Rr[];
  const all = [...answers, ...(m['authorities'] as Rr[]), ...(m['additionals'] as Rr[])];
  if (response) {
    fields['rcode'] = m['rcode'] as string;
    fields['tc'] = (m['flags'] as string[]).includes('tc') ? '1' : '0';
    fields['an'] = String(answers.length);
  }
  const edns = m['edns'] as { udpSize: number; do: boolean } | undefined;
  fields['udp'] = edns === undefined ? '' : String(edns.udpSize);
  fields['do'] = edns === undefined ? '' : edns.do ? '1' : '0';
  for (const [type, field, values] of DATA) {
    fields[field] = all.filter((r) => r.type === type).flatMap((r) => values(r.data)).sort().join(',');
  }
  return line(fields);
}
