/**
 * What the Kafka section of an entry's detail shows, derived from the entry (docs/entries.md,
 * "Kafka"): the request's API, version, correlation id, client id, acks and records, the topics
 * and groups it names; the response's status, first error and every error with the topic and
 * partition it is about; each side's decoded body as JSON for the body viewer; and what went
 * wrong (no response, a body not decoded, a message longer than kept). Values a filter variable
 * holds carry their term (docs/filter.md, "Kafka").
 */
import type { BodyFields } from './body-format.js';
import type { DetailCell, DetailRow, DetailTable } from './detail-table.js';
import { memberTerm, variableTerm } from './filter-snippet.js';
import { formatBytes } from './format.js';

/** The Kafka request and response as the dissector writes them (the fields this view reads). */
export interface KafkaRequestJson {
  apiKey: number;
  apiKeyName: string;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  headerVersion: number;
  size: number;
  topics?: string[];
  groups?: string[];
  acks?: number;
  records?: { batches: number; count: number; compression: string };
  body?: Record<string, unknown>;
  decodeError?: string;
  truncated?: boolean;
}

export interface KafkaErrorJson {
  code: number;
  name: string;
  topic?: string;
  partition?: number;
}

export interface KafkaResponseJson {
  correlationId: number | null;
  size: number;
  throttleTimeMs?: number;
  status?: 'ok' | 'error';
  errorCode?: number;
  errorName?: string;
  errors?: KafkaErrorJson[];
  errorCount?: number;
  errorMessage?: string;
  topics?: string[];
  groups?: string[];
  records?: { batches: number; count: number; compression: string };
  body?: Record<string, unknown>;
  decodeError?: string;
  truncated?: boolean;
}

export interface KafkaSideView {
  side: 'request' | 'response';
  title: string;
  rows: DetailRow[];
  /** Topics and groups named, each clickable; the response's errors. */
  tables: DetailTable[];
  /** The decoded body as JSON text, for the body viewer; null when not decoded or not kept (detail summary). */
  body: BodyFields | null;
  notes: string[];
}

interface KafkaEntry {
  request: object | null;
  response: object | null;
  malformed?: { code: string };
}

const plain = (text: string): DetailCell => ({ text });
const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
const ACKS: Readonly<Record<number, string>> = { 0: '0 (no response)', 1: '1 (the leader)', [-1]: '-1 (all in-sync replicas)' };

function namesTable(key: 'topics' | 'groups', names: string[] | undefined): DetailTable[] {
  if (names === undefined || names.length === 0) return [];
  const list = key === 'topics' ? 'kafka_topics' : 'kafka_groups';
  return [{ key, title: key === 'topics' ? 'Topics' : 'Groups', columns: [key === 'topics' ? 'topic' : 'group'], rows: names.map((n) => [{ text: n, term: memberTerm(list, n) }]) }];
}

function recordsText(r: { batches: number; count: number; compression: string }): string {
  return `${plural(r.count, 'record', 'records')} in ${plural(r.batches, 'batch', 'batches')}${r.compression === 'none' ? '' : `, ${r.compression}`}`;
}

/** The decoded body as JSON text: the body viewer shows it as a tree. */
function bodyOf(m: { body?: Record<string, unknown>; size: number }): BodyFields | null {
  if (m.body === undefined) return null;
  return { body: JSON.stringify(m.body), bodySize: m.size, headers: { 'content-type': 'application/json' } };
}

function requestView(req: KafkaRequestJson, answered: boolean): KafkaSideView {
  const rows: DetailRow[] = [
    { label: 'API', value: { text: `${req.apiKeyName} (key ${req.apiKey}) v${req.apiVersion}`, term: variableTerm('kafka_api_key_name', req.apiKeyName) } },
    { label: 'correlation id', value: { text: String(req.correlationId), term: variableTerm('kafka_correlation_id', req.correlationId) } },
  ];
  if (req.clientId !== null) rows.push({ label: 'client id', value: { text: req.clientId, term: variableTerm('kafka_client_id', req.clientId) } });
  rows.push({ label: 'header', value: plain(`v${req.headerVersion}${req.headerVersion === 2 ? ' (flexible: tagged fields)' : ''}`) });
  if (req.acks !== undefined) rows.push({ label: 'acks', value: plain(ACKS[req.acks] ?? String(req.acks)) });
  if (req.records !== undefined) rows.push({ label: 'records', value: { text: recordsText(req.records), term: variableTerm('kafka_record_count', req.records.count) } });
  rows.push({ label: 'size', value: plain(formatBytes(req.size)) });
  const notes = sideNotes(req);
  if (!answered && req.acks !== 0) notes.push('No response came.');
  return { side: 'request', title: 'Request', rows, tables: [...namesTable('topics', req.topics), ...namesTable('groups', req.groups)], body: bodyOf(req), notes };
}

function responseView(res: KafkaResponseJson, asked: boolean): KafkaSideView {
  const rows: DetailRow[] = [];
  if (res.status !== undefined) rows.push({ label: 'status', value: plain(res.status) });
  if (res.errorName !== undefined) rows.push({ label: 'error', value: { text: `${res.errorName} (${res.errorCode ?? 0})`, term: variableTerm('kafka_error', res.errorName) } });
  if (res.errorMessage !== undefined) rows.push({ label: 'error message', value: plain(res.errorMessage) });
  if (res.correlationId !== null) rows.push({ label: 'correlation id', value: plain(String(res.correlationId)) });
  if (res.throttleTimeMs !== undefined && res.throttleTimeMs > 0) rows.push({ label: 'throttled', value: plain(`${res.throttleTimeMs} ms`) });
  if (res.records !== undefined) rows.push({ label: 'records', value: plain(recordsText(res.records)) });
  rows.push({ label: 'size', value: plain(formatBytes(res.size)) });
  const tables: DetailTable[] = [];
  if (res.errors !== undefined && res.errors.length > 0) {
    tables.push({
      key: 'errors',
      title: res.errorCount !== undefined && res.errorCount > res.errors.length ? `Errors (${res.errors.length} of ${res.errorCount})` : 'Errors',
      columns: ['error', 'code', 'topic', 'partition'],
      // `kafka_error` holds the first error's name: that name filters.
      rows: res.errors.map((e) => [
        e.name === res.errorName ? { text: e.name, term: variableTerm('kafka_error', e.name) } : plain(e.name),
        plain(String(e.code)),
        e.topic !== undefined ? { text: e.topic, term: memberTerm('kafka_topics', e.topic) } : plain(''),
        plain(e.partition === undefined ? '' : String(e.partition)),
      ]),
    });
  }
  const notes = sideNotes(res);
  if (!asked) notes.push('The request was not seen: the response is paired by nothing, its body not decoded.');
  return { side: 'response', title: 'Response', rows, tables, body: bodyOf(res), notes };
}

function sideNotes(m: { decodeError?: string; truncated?: boolean }): string[] {
  const notes: string[] = [];
  if (m.decodeError !== undefined) notes.push(`Body not fully decoded: ${m.decodeError}.`);
  if (m.truncated === true) notes.push('The message was longer than kept: what is shown comes from its start.');
  return notes;
}

/** The Kafka section of a `kafka` entry: its request, then its response, each as present. */
export function kafkaDetail(entry: KafkaEntry): KafkaSideView[] {
  // The one place the entry's messages are read as Kafka: docs/entries.md, "Kafka", is their shape.
  const req = entry.request as KafkaRequestJson | null;
  const res = entry.response as KafkaResponseJson | null;
  const views: KafkaSideView[] = [];
  if (req !== null) views.push(requestView(req, res !== null));
  if (res !== null) views.push(responseView(res, req !== null));
  return views;
}
