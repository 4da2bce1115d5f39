/**
 * What the ICMP section of an entry's detail shows, derived from the entry (docs/entries.md, "ICMP
 * and ICMPv6"): an echo's request and reply (identifier, sequence number, data), an error with the
 * packet it quotes as a 5-tuple, or a flow's other messages counted by type per side. The type and
 * code of the entry's first message carry their terms (`icmp_type ==`, `icmp_code ==`,
 * docs/filter.md "ICMP"); the rest is shown, not clickable.
 */
import type { DetailCell, DetailRow, DetailTable } from './detail-table.js';
import { variableTerm } from './filter-snippet.js';
import type { IcmpFlowSideJson, IcmpMessageJson, IcmpQuotedJson } from '@shoal/model';
import { formatBytes } from './format.js';

export interface IcmpPart {
  /** Names the part in the page (`data-section`). */
  key: string;
  title: string;
  rows: DetailRow[];
  table?: DetailTable;
  /** Said instead of rows when the part was not seen. */
  note?: string;
}

interface IcmpEntry {
  request: object | null;
  response: object | null;
}

const plain = (text: string | number): DetailCell => ({ text: String(text) });
const host = (ip: string, port: number | undefined): string => (port === undefined ? ip : ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

/** The type and code rows; `first`: the entry's first message, whose values `icmp_type` and `icmp_code` hold. */
function typeRows(m: { type: number; code: number; typeName: string; codeName?: string }, first: boolean): DetailRow[] {
  const code = m.codeName === undefined ? String(m.code) : `${m.code} ${m.codeName}`;
  return [
    { label: 'type', value: first ? { text: `${m.type} ${m.typeName}`, term: variableTerm('icmp_type', m.typeName) } : plain(`${m.type} ${m.typeName}`) },
    { label: 'code', value: first ? { text: code, term: variableTerm('icmp_code', m.code) } : plain(code) },
  ];
}

function messageRows(m: IcmpMessageJson, first: boolean): DetailRow[] {
  const rows = typeRows(m, first);
  if (m.id !== undefined) rows.push({ label: 'identifier', value: plain(m.id) }, { label: 'sequence', value: plain(m.seq ?? 0) });
  if (m.mtu !== undefined) rows.push({ label: 'next-hop MTU', value: plain(m.mtu) });
  if (m.pointer !== undefined) rows.push({ label: 'pointer', value: plain(m.pointer) });
  if (m.gateway !== undefined) rows.push({ label: 'gateway', value: plain(m.gateway) });
  rows.push({ label: m.quoted !== undefined ? 'quote' : 'data', value: plain(formatBytes(m.bodySize)) });
  return rows;
}

function quotedRows(q: IcmpQuotedJson): DetailRow[] {
  const rows: DetailRow[] = [
    { label: 'protocol', value: plain(q.protocol) },
    { label: 'source', value: plain(host(q.src, q.srcPort)) },
    { label: 'destination', value: plain(host(q.dst, q.dstPort)) },
  ];
  if (q.icmpType !== undefined) rows.push({ label: 'ICMP type', value: plain(q.icmpType) });
  if (q.id !== undefined) rows.push({ label: 'identifier', value: plain(q.id) }, { label: 'sequence', value: plain(q.seq ?? 0) });
  return rows;
}

function flowPart(key: string, title: string, side: IcmpFlowSideJson | null, first: boolean): IcmpPart {
  if (side === null) return { key, title, rows: [], note: 'Nothing was sent this way.' };
  return {
    key,
    title,
    rows: [
      { label: 'packets', value: plain(side.packets) },
      { label: 'bytes', value: plain(formatBytes(side.bytes)) },
    ],
    table: {
      key: 'messages',
      title: 'Messages',
      columns: ['type', 'code', 'count'],
      rows: side.messages.map((m, i) => [...typeRows(m, first && i === 0).map((r) => r.value), plain(m.count)]),
    },
  };
}

/** The ICMP section of an `icmp` entry: an echo, an error, or a flow (docs/entries.md). */
export function icmpDetail(entry: IcmpEntry): IcmpPart[] {
  // The one place the entry's messages are read as ICMP: docs/entries.md, "ICMP and ICMPv6", is their shape.
  const req = entry.request as (IcmpMessageJson & Partial<IcmpFlowSideJson>) | null;
  const res = entry.response as (IcmpMessageJson & Partial<IcmpFlowSideJson>) | null;
  if (Array.isArray((req ?? res)?.messages)) {
    return [flowPart('icmp-request', 'Sent by the source', req as IcmpFlowSideJson | null, true), flowPart('icmp-response', 'Sent by the destination', res as IcmpFlowSideJson | null, req === null)];
  }
  if (req === null && res !== null && res.id === undefined) {
    const parts: IcmpPart[] = [{ key: 'icmp-response', title: 'Error', rows: messageRows(res, true) }];
    if (res.quoted !== undefined) parts.push({ key: 'icmp-quoted', title: 'Quoted packet', rows: quotedRows(res.quoted) });
    return parts;
  }
  const missing = req === null ? 'The request was not seen (the capture began after it, or it was lost).' : 'No reply came.';
  return [
    req === null ? { key: 'icmp-request', title: 'Echo request', rows: [], note: missing } : { key: 'icmp-request', title: 'Echo request', rows: messageRows(req, true) },
    res === null ? { key: 'icmp-response', title: 'Echo reply', rows: [], note: missing } : { key: 'icmp-response', title: 'Echo reply', rows: messageRows(res, req === null) },
  ];
}
