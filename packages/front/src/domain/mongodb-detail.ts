/**
 * What the MongoDB section of an entry's detail shows, derived from the entry (docs/entries.md,
 * "MongoDB"): the request's opcode, ids, command, database, collection, documents counted and
 * flags; the reply's status, error (code, name, message), n and cursor; each side's documents as
 * JSON for the body viewer (the command, the kind-1 sequences, an OP_REPLY's documents); and what
 * went wrong. Values a filter variable holds carry their term (docs/filter.md, "MongoDB").
 */
import type { BodyFields } from './body-format.js';
import type { DetailCell, DetailRow } from './detail-table.js';
import { variableTerm } from './filter-snippet.js';
import { formatBytes } from './format.js';

/** The MongoDB request and reply as the dissector writes them (the fields this view reads). */
export interface MongoRequestJson {
  opCode: string;
  requestId: number;
  size: number;
  command: string;
  database?: string;
  collection?: string;
  documentCount?: number;
  flags?: string[];
  checksum?: string;
  compressed?: { compressor: string; originalOpCode: string };
  body?: Record<string, unknown>;
  sequences?: Array<{ identifier: string; count: number; documents: unknown[] }>;
  decodeError?: string;
  truncated?: boolean;
}

export interface MongoReplyJson {
  opCode: string;
  requestId: number;
  responseTo: number;
  size: number;
  ok: number | null;
  status: 'ok' | 'error';
  errmsg?: string;
  code?: number;
  codeName?: string;
  n?: number;
  cursorId?: unknown;
  batchSize?: number;
  numberReturned?: number;
  compressed?: { compressor: string; originalOpCode: string };
  body?: Record<string, unknown>;
  documents?: unknown[];
  decodeError?: string;
  truncated?: boolean;
}

export interface MongoSideView {
  side: 'request' | 'response';
  title: string;
  rows: DetailRow[];
  /** The documents as JSON text, for the body viewer; null when not kept (detail summary). */
  body: BodyFields | null;
  notes: string[];
}

interface MongoEntry {
  request: object | null;
  response: object | null;
}

const plain = (text: string): DetailCell => ({ text });
const json = (value: unknown, size: number): BodyFields => ({ body: JSON.stringify(value), bodySize: size, headers: { 'content-type': 'application/json' } });
const cursorText = (id: unknown): string => (id === 0 ? '0 (exhausted)' : typeof id === 'object' && id !== null && '$numberLong' in id ? String((id as { $numberLong: string }).$numberLong) : String(id));

function notesOf(m: { decodeError?: string; truncated?: boolean }): string[] {
  const notes: string[] = [];
  if (m.decodeError !== undefined) notes.push(`Not fully decoded: ${m.decodeError}.`);
  if (m.truncated === true) notes.push('The message was longer than kept: what is shown comes from its start.');
  return notes;
}

function requestView(req: MongoRequestJson, answered: boolean): MongoSideView {
  const rows: DetailRow[] = [
    { label: 'command', value: { text: req.command, term: variableTerm('mongodb_command', req.command) } },
  ];
  if (req.database !== undefined) rows.push({ label: 'database', value: { text: req.database, term: variableTerm('mongodb_database', req.database) } });
  if (req.collection !== undefined) rows.push({ label: 'collection', value: { text: req.collection, term: variableTerm('mongodb_collection', req.collection) } });
  if (req.documentCount !== undefined) rows.push({ label: 'documents', value: plain(String(req.documentCount)) });
  rows.push({ label: 'opcode', value: { text: req.opCode, term: variableTerm('mongodb_op_code', req.opCode) } });
  rows.push({ label: 'request id', value: plain(String(req.requestId)) });
  if (req.flags !== undefined) rows.push({ label: 'flags', value: plain(req.flags.join(', ')) });
  if (req.checksum !== undefined) rows.push({ label: 'checksum', value: plain(req.checksum) });
  if (req.compressed !== undefined) rows.push({ label: 'compressed', value: plain(`${req.compressed.compressor} (${req.compressed.originalOpCode})`) });
  rows.push({ label: 'size', value: plain(formatBytes(req.size)) });
  const notes = notesOf(req);
  if (!answered && !(req.flags ?? []).includes('moreToCome')) notes.push('No reply came.');
  const shown = req.body === undefined ? null : json(req.sequences === undefined ? req.body : { ...req.body, $sequences: req.sequences }, req.size);
  return { side: 'request', title: 'Request', rows, body: shown, notes };
}

function replyView(res: MongoReplyJson, asked: boolean): MongoSideView {
  const rows: DetailRow[] = [{ label: 'status', value: plain(res.ok === null ? res.status : `${res.status} (ok: ${res.ok})`) }];
  if (res.code !== undefined) rows.push({ label: 'error', value: { text: `${res.code}${res.codeName !== undefined ? ` ${res.codeName}` : ''}`, term: variableTerm('mongodb_error_code', res.code) } });
  if (res.errmsg !== undefined) rows.push({ label: 'message', value: plain(res.errmsg) });
  if (res.n !== undefined) rows.push({ label: 'n', value: plain(String(res.n)) });
  if (res.batchSize !== undefined) rows.push({ label: 'batch', value: plain(`${res.batchSize} document${res.batchSize === 1 ? '' : 's'}`) });
  if (res.cursorId !== undefined) rows.push({ label: 'cursor', value: plain(cursorText(res.cursorId)) });
  if (res.numberReturned !== undefined) rows.push({ label: 'returned', value: plain(String(res.numberReturned)) });
  rows.push({ label: 'opcode', value: plain(res.opCode) });
  rows.push({ label: 'response to', value: plain(String(res.responseTo)) });
  rows.push({ label: 'size', value: plain(formatBytes(res.size)) });
  const notes = notesOf(res);
  if (!asked) notes.push('The request was not seen.');
  const shown = res.body === undefined ? null : json(res.documents ?? res.body, res.size);
  return { side: 'response', title: 'Reply', rows, body: shown, notes };
}

/** The MongoDB section of a `mongodb` entry: its request, then its reply, each as present. */
export function mongodbDetail(entry: MongoEntry): MongoSideView[] {
  // The one place the entry's messages are read as MongoDB: docs/entries.md, "MongoDB", is their shape.
  const req = entry.request as MongoRequestJson | null;
  const res = entry.response as MongoReplyJson | null;
  const views: MongoSideView[] = [];
  if (req !== null) views.push(requestView(req, res !== null));
  if (res !== null) views.push(replyView(res, req !== null));
  return views;
}
