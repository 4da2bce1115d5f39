/**
 * What the PostgreSQL section of an entry's detail shows, derived from the entry (docs/entries.md,
 * "PostgreSQL"): the request (the statement and its verb, the frontend's messages, the prepared
 * statement and portal, the Bind's values; a start-up's user, database and parameters; a
 * CancelRequest's process) and the answer (ok or the error with its SQLSTATE and fields, the
 * command tags, the rows counted and the first rows under their columns, the COPY, notices and
 * notifications, the transaction's state; a start-up's authentication; an encryption request's
 * answer). Values a filter variable holds carry their term (docs/filter.md, "PostgreSQL"): the
 * verb (`method ==`), the statement (`postgresql_query ==`), the SQLSTATE
 * (`postgresql_error_code ==`) and the rows counted (`postgresql_rows ==`).
 */
import type { DetailCell, DetailRow, DetailTable } from './detail-table.js';
import { variableTerm } from './filter-snippet.js';

/** A PostgreSQL request as the dissector writes it. */
export interface PgRequestJson {
  method: string;
  messages: string[];
  query?: string;
  queryTruncated?: boolean;
  statement?: string;
  portal?: string;
  parameters?: Array<string | null>;
  protocolVersion?: string;
  user?: string;
  database?: string;
  startupParameters?: Record<string, string>;
  processId?: number;
}

/** A PostgreSQL response as the dissector writes it. */
export interface PgResponseJson {
  status: 'ok' | 'error';
  error?: Record<string, string>;
  commands?: string[];
  rowCount?: number;
  columns?: Array<{ name: string; type: string; binary?: boolean }>;
  rows?: Array<Array<string | null>>;
  emptyQuery?: boolean;
  suspended?: boolean;
  skipped?: boolean;
  copy?: { direction: string; format: string; messages: number; bytes: number };
  notices?: Array<{ severity: string; code: string; message: string }>;
  notifications?: Array<{ processId: number; channel: string; payload: string }>;
  transactionStatus?: string;
  authentication?: string;
  authenticated?: boolean;
  processId?: number;
  serverParameters?: Record<string, string>;
  parameter?: { name: string; value: string };
  answer?: string;
}

export interface PgDetailView {
  /** The request's rows, its statement, its tables (values, start-up parameters); null when not seen. */
  request: { rows: DetailRow[]; query: DetailCell | null; tables: DetailTable[] } | null;
  /** The answer's rows and tables (result, notices, notifications, server parameters); null when none. */
  response: { rows: DetailRow[]; tables: DetailTable[] } | null;
  /** What was not seen, or did not come. */
  notes: { side: 'request' | 'response'; text: string }[];
}

interface PgEntry {
  summary: { method?: string; text: string };
  request: object | null;
  response: object | null;
}

const plain = (text: string | number): DetailCell => ({ text: String(text) });
const row = (label: string, value: DetailCell): DetailRow => ({ label, value });

/** Error fields shown, in this order, by their labels (§55.8). */
const ERROR_FIELDS: ReadonlyArray<[string, string]> = [
  ['severity', 'severity'],
  ['message', 'message'],
  ['detail', 'detail'],
  ['hint', 'hint'],
  ['position', 'position'],
  ['where', 'context'],
  ['schema', 'schema'],
  ['table', 'table'],
  ['column', 'column'],
  ['dataType', 'data type'],
  ['constraint', 'constraint'],
  ['routine', 'routine'],
];

/** What an SSLRequest's or GSSENCRequest's answer means. */
const ANSWERS: Readonly<Record<string, string>> = {
  N: 'N: refused, the start-up follows in clear',
  S: 'S: TLS follows (the TLS entry of this stream)',
  G: 'G: GSSAPI encryption follows (a flow entry)',
};

function requestView(req: PgRequestJson, method: string | undefined): NonNullable<PgDetailView['request']> {
  const rows: DetailRow[] = [];
  if (method !== undefined) rows.push(row('method', { text: method, term: variableTerm('method', method) }));
  rows.push(row('messages', plain(req.messages.join(', '))));
  if (req.statement !== undefined) rows.push(row('statement', plain(req.statement)));
  if (req.portal !== undefined) rows.push(row('portal', plain(req.portal)));
  if (req.user !== undefined) rows.push(row('user', plain(req.user)));
  if (req.database !== undefined) rows.push(row('database', plain(req.database)));
  if (req.protocolVersion !== undefined) rows.push(row('protocol', plain(req.protocolVersion)));
  if (req.processId !== undefined) rows.push(row('process to cancel', plain(req.processId)));
  const tables: DetailTable[] = [];
  if (req.parameters !== undefined) {
    tables.push({ key: 'parameters', title: 'Values', columns: ['$n', 'value'], rows: req.parameters.map((v, i) => [plain(`$${i + 1}`), plain(v ?? 'NULL')]) });
  }
  if (req.startupParameters !== undefined) {
    tables.push({ key: 'startup-parameters', title: 'Start-up parameters', columns: ['name', 'value'], rows: Object.entries(req.startupParameters).map(([k, v]) => [plain(k), plain(v)]) });
  }
  let query: DetailCell | null = null;
  if (req.query !== undefined) {
    // A statement cut at the cap is not what postgresql_query holds whole: shown, not clickable.
    query = req.queryTruncated === true ? plain(`${req.query}…`) : { text: req.query, term: variableTerm('postgresql_query', req.query) };
  }
  return { rows, query, tables };
}

function responseView(res: PgResponseJson): NonNullable<PgDetailView['response']> {
  const rows: DetailRow[] = [row('status', plain(res.status))];
  if (res.error !== undefined) {
    const e = res.error;
    if (e['code'] !== undefined) rows.push(row('SQLSTATE', { text: e['code'], term: variableTerm('postgresql_error_code', e['code']) }));
    for (const [key, label] of ERROR_FIELDS) if (e[key] !== undefined) rows.push(row(label, plain(e[key]!)));
  }
  if (res.answer !== undefined) rows.push(row('answer', plain(ANSWERS[res.answer] ?? res.answer)));
  if (res.authentication !== undefined) rows.push(row('authentication', plain(res.authentication)));
  if (res.authenticated !== undefined) rows.push(row('authenticated', plain(res.authenticated ? 'yes' : 'no')));
  if (res.processId !== undefined) rows.push(row('backend process', plain(res.processId)));
  if (res.commands !== undefined) rows.push(row('commands', plain(res.commands.join('; '))));
  if (res.rowCount !== undefined) rows.push(row('rows', { text: String(res.rowCount), term: variableTerm('postgresql_rows', res.rowCount) }));
  if (res.emptyQuery === true) rows.push(row('empty query', plain('the statement was empty')));
  if (res.suspended === true) rows.push(row('suspended', plain("the Execute's row limit was reached")));
  if (res.skipped === true) rows.push(row('skipped', plain('discarded after an earlier error, up to the Sync')));
  if (res.copy !== undefined) rows.push(row('copy', plain(`${res.copy.direction}, ${res.copy.format}: ${res.copy.messages} messages, ${res.copy.bytes} bytes`)));
  if (res.parameter !== undefined) rows.push(row('parameter', plain(`${res.parameter.name} = ${res.parameter.value}`)));
  if (res.transactionStatus !== undefined) rows.push(row('transaction', plain(res.transactionStatus)));
  const tables: DetailTable[] = [];
  if (res.columns !== undefined) {
    const shown = res.rows ?? [];
    const title = res.rowCount !== undefined && res.rowCount > shown.length ? `Rows (the first ${shown.length} of ${res.rowCount})` : 'Rows';
    tables.push({
      key: 'rows',
      title,
      columns: res.columns.map((c) => `${c.name} (${c.type}${c.binary === true ? ', binary' : ''})`),
      rows: shown.map((r) => r.map((v) => plain(v ?? 'NULL'))),
    });
  }
  if (res.notices !== undefined) tables.push({ key: 'notices', title: 'Notices', columns: ['severity', 'SQLSTATE', 'message'], rows: res.notices.map((n) => [plain(n.severity), plain(n.code), plain(n.message)]) });
  if (res.notifications !== undefined) {
    tables.push({ key: 'notifications', title: 'Notifications', columns: ['channel', 'payload', 'from process'], rows: res.notifications.map((n) => [plain(n.channel), plain(n.payload), plain(n.processId)]) });
  }
  if (res.serverParameters !== undefined) {
    tables.push({ key: 'server-parameters', title: 'Server parameters', columns: ['name', 'value'], rows: Object.entries(res.serverParameters).map(([k, v]) => [plain(k), plain(v)]) });
  }
  return { rows, tables };
}

/** The PostgreSQL section of a `postgresql` entry. */
export function postgresqlDetail(entry: PgEntry): PgDetailView {
  // The one place the entry's parts are read as PostgreSQL: docs/entries.md, "PostgreSQL", is their shape.
  const req = entry.request as PgRequestJson | null;
  const res = entry.response as PgResponseJson | null;
  const notes: PgDetailView['notes'] = [];
  if (req === null) {
    // Answers to a request not seen have no method; what the server sends unasked has its message's name.
    const text = entry.summary.method === undefined ? 'The request was not seen (the capture began after it, or it was lost).' : 'The server sent this unasked: no request goes with it.';
    notes.push({ side: 'request', text });
  }
  const unanswered = req !== null && res === null && req.method !== 'Terminate' && req.method !== 'CancelRequest';
  if (unanswered) notes.push({ side: 'response', text: 'No answer came.' });
  return { request: req === null ? null : requestView(req, entry.summary.method), response: res === null ? null : responseView(res), notes };
}
