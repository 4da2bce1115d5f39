/**
 * What the DNS section of an entry's detail shows, derived from the entry (docs/entries.md,
 * "DNS"): per message the header in words, the question table, the answer, authority and
 * additional record tables, EDNS (RFC 6891 §6.1.3); and a note for the side that was not seen.
 * Values that a filter variable holds (docs/filter.md, "DNS") carry their term: names and types
 * asked (`in dns_questions`, `in dns_question_types`), answer data (`in dns_answers`) and the
 * rcode (`dns_rcode ==`); the rest has no variable, so it is shown, not clickable.
 */
import type { DetailCell, DetailRow, DetailTable } from './detail-table.js';
import { memberTerm, variableTerm } from './filter-snippet.js';

export interface DnsQuestionJson {
  name: string;
  type: string;
  class?: string;
}

export interface DnsRecordJson extends DnsQuestionJson {
  ttl: number;
  data: string;
}

export interface DnsEdnsJson {
  udpSize: number;
  version: number;
  do: boolean;
  extendedRcode: number;
  options: { code: number; name?: string; data: string }[];
}

/** A DNS message as the dissector writes it. */
export interface DnsMessageJson {
  id: number;
  opcode: string;
  flags: string[];
  rcode?: string;
  questions: DnsQuestionJson[];
  answers: DnsRecordJson[];
  authorities: DnsRecordJson[];
  additionals: DnsRecordJson[];
  edns?: DnsEdnsJson;
  retransmissions?: number;
}

export interface DnsMessageView {
  side: 'request' | 'response';
  /** Label and value rows: id, opcode, flags, rcode, retransmissions. */
  header: DetailRow[];
  tables: DetailTable[];
  /** EDNS: label/value rows, and the options as a table when there are any. */
  edns?: { rows: DetailRow[]; options?: DetailTable };
}

export interface DnsDetailView {
  messages: DnsMessageView[];
  /** What was not seen: a query nobody answered, a response whose query was missed. */
  notes: { side: 'request' | 'response'; text: string }[];
}

/** The header bits by dig's names (RFC 1035 §4.1.1; AD and CD: RFC 4035 §3.2). */
const FLAG_WORDS: Readonly<Record<string, string>> = {
  qr: 'response',
  aa: 'authoritative answer',
  tc: 'truncated',
  rd: 'recursion desired',
  ra: 'recursion available',
  z: 'reserved bit set',
  ad: 'authentic data',
  cd: 'checking disabled',
};

/** A flag as words, with dig's name: `recursion desired (rd)`; an unknown name as it is. */
export const flagWords = (flag: string): string => (Object.hasOwn(FLAG_WORDS, flag) ? `${FLAG_WORDS[flag]!} (${flag})` : flag);

const plain = (text: string | number): DetailCell => ({ text: String(text) });

/** `IN` is implied (docs/entries.md): a class is shown only when it is another. */
const withClass = (type: string, cls: string | undefined): string => (cls === undefined ? type : `${type} ${cls}`);

function questionTable(questions: DnsQuestionJson[]): DetailTable {
  return {
    key: 'questions',
    title: 'Questions',
    columns: ['name', 'type'],
    rows: questions.map((q) => [
      { text: q.name, term: memberTerm('dns_questions', q.name) },
      // A type with a class other than IN is not what dns_question_types holds alone.
      q.class === undefined ? { text: q.type, term: memberTerm('dns_question_types', q.type) } : plain(withClass(q.type, q.class)),
    ]),
  };
}

/** Answer data is what `dns_answers` lists; authority and additional data are in no variable. */
function recordTable(key: 'answers' | 'authorities' | 'additionals', title: string, records: DnsRecordJson[]): DetailTable {
  return {
    key,
    title,
    columns: ['name', 'type', 'TTL', 'data'],
    rows: records.map((r) => [plain(r.name), plain(withClass(r.type, r.class)), plain(r.ttl), key === 'answers' ? { text: r.data, term: memberTerm('dns_answers', r.data) } : plain(r.data)]),
  };
}

function ednsRows(edns: DnsEdnsJson): DetailRow[] {
  return [
    { label: 'UDP size', value: plain(`${edns.udpSize} bytes`) },
    { label: 'DO', value: plain(edns.do ? 'set (DNSSEC OK)' : 'not set') },
    { label: 'version', value: plain(edns.version) },
    ...(edns.extendedRcode === 0 ? [] : [{ label: 'extended rcode', value: plain(edns.extendedRcode) }]),
  ];
}

function ednsOptions(edns: DnsEdnsJson): DetailTable {
  const option = (o: DnsEdnsJson['options'][number]) => (o.name === undefined ? String(o.code) : `${o.name} (${o.code})`);
  return { key: 'edns-options', title: 'EDNS options', columns: ['option', 'data (hex)'], rows: edns.options.map((o) => [plain(option(o)), plain(o.data)]) };
}

function messageView(side: 'request' | 'response', m: DnsMessageJson): DnsMessageView {
  const header: DetailRow[] = [
    { label: 'id', value: plain(m.id) },
    { label: 'opcode', value: plain(m.opcode) },
    { label: 'flags', value: plain(m.flags.length === 0 ? 'none' : m.flags.map(flagWords).join(', ')) },
  ];
  if (m.rcode !== undefined) header.push({ label: 'rcode', value: { text: m.rcode, term: variableTerm('dns_rcode', m.rcode) } });
  if (m.retransmissions !== undefined) header.push({ label: 'retransmissions', value: plain(`sent ${m.retransmissions} more time${m.retransmissions === 1 ? '' : 's'}`) });
  const tables = [questionTable(m.questions)];
  if (side === 'response' || m.answers.length > 0) tables.push(recordTable('answers', 'Answers', m.answers));
  if (m.authorities.length > 0) tables.push(recordTable('authorities', 'Authority', m.authorities));
  if (m.additionals.length > 0) tables.push(recordTable('additionals', 'Additional', m.additionals));
  const view: DnsMessageView = { side, header, tables };
  if (m.edns !== undefined) view.edns = { rows: ednsRows(m.edns), ...(m.edns.options.length > 0 ? { options: ednsOptions(m.edns) } : {}) };
  return view;
}

/** The DNS section of a `dns` entry: its `request` and `response` are DNS messages (or null). */
export function dnsDetail(entry: { request: object | null; response: object | null }): DnsDetailView {
  // The one place the entry's messages are read as DNS: docs/entries.md, "DNS", is their shape.
  const request = entry.request as DnsMessageJson | null;
  const response = entry.response as DnsMessageJson | null;
  const messages: DnsMessageView[] = [];
  const notes: DnsDetailView['notes'] = [];
  if (request === null) notes.push({ side: 'request', text: 'The query was not seen (the capture began after it, or it was lost).' });
  else messages.push(messageView('request', request));
  if (response === null) notes.push({ side: 'response', text: 'No response came: the query went unanswered.' });
  else messages.push(messageView('response', response));
  return { messages, notes };
}
