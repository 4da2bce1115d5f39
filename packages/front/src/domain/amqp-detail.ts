/**
 * What the AMQP section of an entry's detail shows, derived from the entry (docs/entries.md,
 * "AMQP 0-9-1"): the opening method and its answer, each with its channel and arguments (tables as
 * JSON), a message's content properties as a table and its body for the body viewer (its content
 * type tells the viewer how to show it). Values a filter variable holds carry their term
 * (docs/filter.md, "AMQP"): the opening method (`amqp_method`), the exchange, queue and routing key
 * it names (`amqp_exchange`, `amqp_queue`, `amqp_routing_key`), and the answer's status
 * (`response.status`).
 */
import type { BodyFields } from './body-format.js';
import type { DetailCell, DetailRow, DetailTable } from './detail-table.js';
import { variableTerm } from './filter-snippet.js';
import { formatBytes } from './format.js';

/** An AMQP method as the dissector writes it: its name, channel and arguments by name. */
export type AmqpMethodJson = Record<string, unknown> & { method: string; channel: number };

export interface AmqpPart {
  /** Names the part in the page (`data-section`): `amqp-request`, `amqp-response`. */
  key: string;
  /** The method, and who sent it. */
  title: string;
  rows: DetailRow[];
  tables: DetailTable[];
  body: BodyFields | null;
}

export interface AmqpDetailView {
  parts: AmqpPart[];
  notes: string[];
}

interface AmqpEntry {
  summary: { text: string };
  request: object | null;
  response: object | null;
  malformed?: { code: string };
}

const plain = (text: string): DetailCell => ({ text });
/** Fields shown apart from the arguments. */
const NOT_ARGUMENTS = new Set(['method', 'channel', 'path', 'status', 'bodySize', 'body', 'bodyEncoding', 'truncated', 'properties']);
/** Arguments whose values a variable holds, on the opening method. */
const TERMS: Readonly<Record<string, string>> = { exchange: 'amqp_exchange', queue: 'amqp_queue', routingKey: 'amqp_routing_key' };

/** `routingKey` → `routing key`. */
const words = (name: string): string => name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);

function valueText(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v === '' ? '""' : v;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function methodPart(key: string, m: AmqpMethodJson, sender: string, opener: boolean): AmqpPart {
  const rows: DetailRow[] = [
    { label: 'method', value: opener ? { text: m.method, term: variableTerm('amqp_method', m.method) } : plain(m.method) },
    { label: 'channel', value: plain(String(m.channel)) },
  ];
  const tables: DetailTable[] = [];
  for (const [name, value] of Object.entries(m)) {
    if (NOT_ARGUMENTS.has(name)) continue;
    if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length > 0) tables.push({ key: name, title: words(name), columns: ['name', 'value'], rows: entries.map(([k, v]) => [plain(k), plain(valueText(v))]) });
      continue;
    }
    const term = opener && typeof value === 'string' && Object.hasOwn(TERMS, name) ? variableTerm(TERMS[name]!, value) : undefined;
    rows.push({ label: words(name), value: term === undefined ? plain(valueText(value)) : { text: valueText(value), term } });
  }
  if (typeof m['status'] === 'string') rows.push({ label: 'status', value: { text: m['status'], term: variableTerm('response.status', m['status']) } });
  let body: BodyFields | null = null;
  if (typeof m['bodySize'] === 'number') {
    rows.push({ label: 'body', value: plain(formatBytes(m['bodySize'])) });
    const properties = (m['properties'] ?? {}) as Record<string, unknown>;
    const shown = Object.entries(properties);
    if (shown.length > 0) tables.push({ key: 'properties', title: 'properties', columns: ['name', 'value'], rows: shown.map(([k, v]) => [plain(words(k)), plain(valueText(v))]) });
    body = { bodySize: m['bodySize'] };
    if (typeof properties['contentType'] === 'string') body.headers = { 'content-type': properties['contentType'] };
    if (typeof m['body'] === 'string') body.body = m['body'];
    if (typeof m['bodyEncoding'] === 'string') body.bodyEncoding = m['bodyEncoding'];
    if (m['truncated'] === true) body.truncated = true;
  }
  return { key, title: `${m.method} (${sender})`, rows, tables, body };
}

/** The AMQP section of an `amqp` entry: the opening method, then its answer. */
export function amqpDetail(entry: AmqpEntry): AmqpDetailView {
  // The one place the entry's messages are read as AMQP: docs/entries.md, "AMQP 0-9-1", is their shape.
  const req = entry.request as AmqpMethodJson | null;
  const res = entry.response as AmqpMethodJson | null;
  const parts: AmqpPart[] = [];
  if (req !== null) parts.push(methodPart('amqp-request', req, 'source', true));
  if (res !== null) parts.push(methodPart('amqp-response', res, 'destination', false));
  const notes: string[] = [];
  if (req === null) notes.push('The method this answers was not seen.');
  else if (res === null && entry.summary.text.endsWith('-> no response')) notes.push('No answer came.');
  else if (res === null && entry.summary.text.endsWith('-> not acknowledged')) notes.push('The consumer did not acknowledge it while the capture went on.');
  return { parts, notes };
}
