/**
 * What the MySQL section of an entry's detail shows, derived from the entry (docs/entries.md,
 * "MySQL"): the request (the statement and its verb, the command, the prepared statement's id and
 * the execution's values; a handshake's user, database, plugin and connection attributes) and the
 * answer (ok or the error with its number and SQLSTATE, affected rows and insert id, the rows
 * counted and the first rows under their columns, each result of a query of several statements,
 * a prepare's statement; a handshake's server and authentication). Values a filter variable holds
 * carry their term (docs/filter.md, "MySQL"): the verb (`method ==`), the statement
 * (`mysql_query ==`), the error number (`mysql_error_code ==`) and the rows counted
 * (`mysql_rows ==`).
 */
import type { DetailRow, DetailTable } from './detail-table.js';
import { variableTerm } from './filter-snippet.js';
import { pairsTable, plain, queryCell, requestNote, row, rowsTable, type SqlDetailView, type SqlEntry } from './sql-detail.js';

/** A MySQL request as the dissector writes it. */
export interface MyRequestJson {
  method: string;
  command: string;
  query?: string;
  queryTruncated?: boolean;
  statementId?: number;
  parameters?: Array<string | null>;
  schema?: string;
  table?: string;
  connectionId?: number;
  user?: string;
  database?: string;
  authPlugin?: string;
  attributes?: Record<string, string>;
  tls?: boolean;
}

/** A MySQL response as the dissector writes it. */
export interface MyResponseJson {
  status: 'ok' | 'error';
  error?: { code: number; sqlState: string; message: string };
  affectedRows?: number;
  lastInsertId?: number;
  warnings?: number;
  info?: string;
  columnCount?: number;
  rowCount?: number;
  columns?: Array<{ name: string; type: string }>;
  rows?: Array<Array<string | null>>;
  results?: Array<{ affectedRows: number } | { columns: number; rows: number }>;
  statementId?: number;
  paramCount?: number;
  statistics?: string;
  serverVersion?: string;
  connectionId?: number;
  authPlugin?: string;
  authSwitch?: string;
  authenticated?: boolean;
}

/** Commands the server never answers. */
const UNANSWERED = new Set(['COM_QUIT', 'COM_STMT_CLOSE', 'COM_STMT_SEND_LONG_DATA']);

function requestView(req: MyRequestJson, method: string | undefined): NonNullable<SqlDetailView['request']> {
  const rows: DetailRow[] = [];
  if (method !== undefined) rows.push(row('method', { text: method, term: variableTerm('method', method) }));
  if (req.command !== method) rows.push(row('command', plain(req.command)));
  if (req.statementId !== undefined) rows.push(row('statement', plain(req.statementId)));
  if (req.schema !== undefined) rows.push(row('schema', plain(req.schema)));
  if (req.table !== undefined) rows.push(row('table', plain(req.table)));
  if (req.connectionId !== undefined) rows.push(row('connection to kill', plain(req.connectionId)));
  if (req.user !== undefined) rows.push(row('user', plain(req.user)));
  if (req.database !== undefined) rows.push(row('database', plain(req.database)));
  if (req.authPlugin !== undefined) rows.push(row('authentication plugin', plain(req.authPlugin)));
  if (req.tls === true) rows.push(row('TLS', plain('requested: the rest of the connection is the TLS entry of this stream')));
  const tables: DetailTable[] = [];
  if (req.parameters !== undefined) tables.push({ key: 'parameters', title: 'Values', columns: ['?', 'value'], rows: req.parameters.map((v, i) => [plain(i + 1), plain(v ?? 'NULL')]) });
  if (req.attributes !== undefined) tables.push(pairsTable('attributes', 'Connection attributes', req.attributes));
  const query = req.query === undefined ? null : queryCell('mysql_query', req.query, req.queryTruncated === true);
  return { rows, query, tables };
}

function responseView(res: MyResponseJson): NonNullable<SqlDetailView['response']> {
  const rows: DetailRow[] = [row('status', plain(res.status))];
  if (res.error !== undefined) {
    rows.push(row('error', { text: String(res.error.code), term: variableTerm('mysql_error_code', res.error.code) }));
    if (res.error.sqlState !== '') rows.push(row('SQLSTATE', plain(res.error.sqlState)));
    rows.push(row('message', plain(res.error.message)));
  }
  if (res.serverVersion !== undefined) rows.push(row('server', plain(res.serverVersion)));
  if (res.connectionId !== undefined) rows.push(row('connection', plain(res.connectionId)));
  if (res.authPlugin !== undefined) rows.push(row('authentication plugin', plain(res.authPlugin)));
  if (res.authSwitch !== undefined) rows.push(row('switched to', plain(res.authSwitch)));
  if (res.authenticated !== undefined) rows.push(row('authenticated', plain(res.authenticated ? 'yes' : 'no')));
  if (res.statementId !== undefined) rows.push(row('statement', plain(`${res.statementId}: ${res.paramCount ?? 0} parameters, ${res.columnCount ?? 0} columns`)));
  if (res.affectedRows !== undefined) rows.push(row('affected rows', plain(res.affectedRows)));
  if (res.lastInsertId !== undefined && res.lastInsertId > 0) rows.push(row('insert id', plain(res.lastInsertId)));
  if (res.warnings !== undefined && res.warnings > 0) rows.push(row('warnings', plain(res.warnings)));
  if (res.info !== undefined) rows.push(row('info', plain(res.info)));
  if (res.rowCount !== undefined) rows.push(row('rows', { text: String(res.rowCount), term: variableTerm('mysql_rows', res.rowCount) }));
  if (res.statistics !== undefined) rows.push(row('statistics', plain(res.statistics)));
  const tables: DetailTable[] = [];
  if (res.columns !== undefined) tables.push(rowsTable(res.columns.map((c) => `${c.name} (${c.type})`), res.rows ?? [], res.rowCount));
  if (res.results !== undefined) {
    tables.push({
      key: 'results',
      title: 'Results',
      columns: ['#', 'result'],
      rows: res.results.map((r, i) => [plain(i + 1), plain('affectedRows' in r ? `OK, ${r.affectedRows} affected` : `${r.rows} rows of ${r.columns} columns`)]),
    });
  }
  return { rows, tables };
}

/** The MySQL section of a `mysql` entry. */
export function mysqlDetail(entry: SqlEntry): SqlDetailView {
  // The one place the entry's parts are read as MySQL: docs/entries.md, "MySQL", is their shape.
  const req = entry.request as MyRequestJson | null;
  const res = entry.response as MyResponseJson | null;
  const notes: SqlDetailView['notes'] = [];
  if (req === null) notes.push({ side: 'request', text: requestNote(entry) });
  if (req !== null && res === null && !UNANSWERED.has(req.command) && req.tls !== true) notes.push({ side: 'response', text: 'No answer came.' });
  return { request: req === null ? null : requestView(req, entry.summary.method), response: res === null ? null : responseView(res), notes };
}
