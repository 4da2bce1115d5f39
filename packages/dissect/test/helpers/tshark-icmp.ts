/**
 * tshark's view of the ICMP and ICMPv6 messages in a capture, and ours in the same terms, so that
 * a test can compare the two message by message. tshark is an independent dissector; it runs at
 * test time, in two passes (`-2`) so that it pairs echo requests with their replies
 * (`icmp.resp_in`).
 *
 * Each message is one line: the IP version and type (named with our own registry: the numbers are
 * the check, the names make a failure readable), then by kind: an echo's identifier and sequence
 * number (a request: whether a reply answered it); an error's code and the 5-tuple of the packet
 * it quotes; any other message its code.
 */

import type { Entry } from '@shoal/model';
import { typeName } from '../../dist/protocols/icmp/types.js';
import { tshark } from './tshark-summary.js';

const FIELDS = [
  'ip.version', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'icmp.type', 'icmp.code', 'icmp.ident', 'icmp.seq', 'icmp.resp_in',
  'icmpv6.type', 'icmpv6.code', 'icmpv6.echo.identifier', 'icmpv6.echo.sequence_number', 'icmpv6.resp_in', 'udp.srcport', 'udp.dstport',
  'tcp.srcport', 'tcp.dstport',
] as const;

export type MessageLine = string;

const ECHO = { 4: [8, 0], 6: [128, 129] } as const;
const isErrorType = (v: 4 | 6, t: number): boolean => (v === 4 ? [3, 4, 5, 11, 12].includes(t) : t >= 1 && t <= 4);

const host = (ip: string, port: string | number | undefined): string => (port === undefined || port === '' ? ip : `${ip}:${port}`);

/** Every ICMP and ICMPv6 message tshark finds in `capture`, as lines. */
export function tsharkMessages(capture: string): MessageLine[] {
  const out = tshark(['-2', '-r', capture, '-Y', 'icmp || icmpv6', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=|', ...FIELDS.flatMap((f) => ['-e', f])]);
  const lines: MessageLine[] = [];
  for (const row of out.split('\n')) {
    if (row === '') continue;
    const cells = row.split('\t');
    const all = (f: (typeof FIELDS)[number]): string[] => (cells[FIELDS.indexOf(f)] ?? '').split('|').filter((x) => x !== '');
    const v = (all('ip.version')[0] ?? (all('ipv6.src').length > 0 ? '6' : '4')) === '6' ? 6 : 4;
    const p = v === 4 ? 'icmp' : 'icmpv6';
    const [type, innerType] = all(`${p}.type`).map(Number) as [number, number | undefined];
    const code = Number(all(`${p}.code`)[0]);
    const name = `v${v} ${typeName(v, type)}`;
    if (type === ECHO[v][0] || type === ECHO[v][1]) {
      const [id, seq] = v === 4 ? [all('icmp.ident')[0], all('icmp.seq')[0]] : [Number(all('icmpv6.echo.identifier')[0]), all('icmpv6.echo.sequence_number')[0]];
      const answered = type === ECHO[v][0] ? ` answered=${all(`${p}.resp_in`).length > 0 ? 1 : 0}` : '';
      lines.push(`${name} id=${id} seq=${seq}${answered}`);
    } else if (isErrorType(v, type)) {
      const [src, dst] = v === 4 ? [all('ip.src')[1], all('ip.dst')[1]] : [all('ipv6.src')[1], all('ipv6.dst')[1]];
      let quoted = '';
      if (all('udp.srcport').length > 0) quoted = `udp ${host(src!, all('udp.srcport')[0])} -> ${host(dst!, all('udp.dstport')[0])}`;
      else if (all('tcp.srcport').length > 0) quoted = `tcp ${host(src!, all('tcp.srcport')[0])} -> ${host(dst!, all('tcp.dstport')[0])}`;
      else if (innerType !== undefined) {
        const [id, seq] = v === 4 ? [all('icmp.ident')[0], all('icmp.seq')[0]] : [Number(all('icmpv6.echo.identifier')[0]), all('icmpv6.echo.sequence_number')[0]];
        quoted = `icmp ${src} -> ${dst} ${typeName(v, innerType)} id=${id} seq=${seq}`;
      }
      lines.push(`${name} code=${code} quoted=${quoted}`);
    } else lines.push(`${name} code=${code}`);
  }
  return lines;
}

/** The messages of our ICMP entries as the same lines. */
export function ourMessages(entries: readonly Entry[]): MessageLine[] {
  const lines: MessageLine[] = [];
  for (const e of entries) {
    if (e.protocol.name !== 'icmp') continue;
    const v = e.protocol.version === '6' ? 6 : 4;
    for (const m of [e.request, e.response]) {
      if (m === null) continue;
      if (Array.isArray(m['messages'])) {
        // A flow entry: its messages counted by type and code.
        for (const k of m['messages'] as { typeName: string; code: number; count: number }[]) {
          for (let i = 0; i < k.count; i++) lines.push(`v${v} ${k.typeName} code=${k.code}`);
        }
        continue;
      }
      const name = `v${v} ${m['typeName'] as string}`;
      if (m['id'] !== undefined) {
        const answered = m === e.request ? ` answered=${e.response !== null ? 1 : 0}` : '';
        lines.push(`${name} id=${m['id'] as number} seq=${m['seq'] as number}${answered}`);
        continue;
      }
      const q = m['quoted'] as { protocol: string; src: string; dst: string; srcPort?: number; dstPort?: number; icmpType?: string; id?: number; seq?: number } | undefined;
      let quoted = '';
      if (q !== undefined && q.srcPort !== undefined) quoted = `${q.protocol} ${host(q.src, q.srcPort)} -> ${host(q.dst, q.dstPort)}`;
      else if (q?.icmpType !== undefined) quoted = `icmp ${q.src} -> ${q.dst} ${q.icmpType} id=${q.id} seq=${q.seq}`;
      lines.push(`${name} code=${m['code'] as number} quoted=${quoted}`);
    }
  }
  return lines;
}
