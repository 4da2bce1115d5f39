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
import type { DetailRow, DetailTable } from './detail-table.js';
import { variableTerm } from './filter-snippet.js';
import { pairsTable, plain, queryCell, requestNote, row, rowsTable, type SqlDetailView, type SqlEntry } from './sql-detail.js';

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

function requestView(req: PgRequestJson, method: string | undefined): NonNullable<SqlDetailView['request']> {
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
  if (req.startupParameters !== undefined) tables.push(pairsTable('startup-parameters', 'Start-up parameters', req.startupParameters));
  const query = req.query === undefined ? null : queryCell('postgresql_query', req.query, req.queryTruncated === true);
  return { rows, query, tables };
}

function responseView(res: PgResponseJson): NonNullable<SqlDetailView['response']> {
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
  if (res.columns !== undefined) tables.push(rowsTable(res.columns.map((c) => `${c.name} (${c.type}${c.binary === true ? ', binary' : ''})`), res.rows ?? [], res.rowCount));
  if (res.notices !== undefined) tables.push({ key: 'notices', title: 'Notices', columns: ['severity', 'SQLSTATE', 'message'], rows: res.notices.map((n) => [plain(n.severity), plain(n.code), plain(n.message)]) });
  if (res.notifications !== undefined) {
    tables.push({ key: 'notifications', title: 'Notifications', columns: ['channel', 'payload', 'from process'], rows: res.notifications.map((n) => [plain(n.channel), plain(n.payload), plain(n.processId)]) });
  }
  if (res.serverParameters !== undefined) tables.push(pairsTable('server-parameters', 'Server parameters', res.serverParameters));
  return { rows, tables };
}

/** The PostgreSQL section of a `postgresql` entry. */
export function postgresqlDetail(entry: SqlEntry): SqlDetailView {
  // The one place the entry's parts are read as PostgreSQL: docs/entries.md, "PostgreSQL", is their shape.
  const req = entry.request as PgRequestJson | null;
  const res = entry.response as PgResponseJson | null;
  const notes: SqlDetailView['notes'] = [];
  if (req === null) notes.push({ side: 'request', text: requestNote(entry) });
  const unanswered = req !== null && res === null && req.method !== 'Terminate' && req.method !== 'CancelRequest';
  if (unanswered) notes.push({ side: 'response', text: 'No answer came.' });
  return { request: req === null ? null : requestView(req, entry.summary.method), response: res === null ? null : responseView(res), notes };
}
