/**
 * An operation (operation.ts) → the transaction (the protocol part of an Entry).
 *
 * ## MySQL entry shape (protocol.name `mysql`)
 *
 * `protocol`: `{ name: 'mysql', abbr: 'MYSQL', layer4: 'tcp' }` (the server's version is the
 * handshake's `response.serverVersion`).
 *
 * `request` (null when the command was not seen):
 * - `method`: the statement's verb in capitals (`SELECT`, `INSERT`, `BEGIN`, …) for COM_QUERY and
 *   COM_STMT_EXECUTE; otherwise the command's name (`COM_STMT_PREPARE`, `COM_PING`, `COM_QUIT`,
 *   `COM_INIT_DB`, `COM_STMT_CLOSE`, …), `Handshake` for the connection phase.
 * - `command`: the command's name (`COM_QUERY`, …); `Handshake` for the connection phase.
 * - `query`: the statement's text: COM_QUERY's and COM_STMT_PREPARE's, carried to the executions
 *   of the prepared statement; `queryTruncated: true` when cut at 64 KiB.
 * - `statementId`: the prepared statement a COM_STMT_* names (its id from the prepare's answer).
 * - `parameters` (detail `full`): COM_STMT_EXECUTE's values as text, NULL as null (known once
 *   the statement's prepare was seen; at most 100, each cut at 200 characters).
 * - `schema` (COM_INIT_DB), `table` (COM_FIELD_LIST), `connectionId` (COM_PROCESS_KILL).
 * - Handshake: `user`, `database` (when sent), `authPlugin` (the client's), `attributes` (its
 *   connection attributes: `_client_name`, `_os`, `program_name`, …), `tls: true` for an SSLRequest
 *   (TLS follows: the rest of the connection is a `tls` entry). Passwords and scrambles are never
 *   kept.
 *
 * `response` (null when nothing came back: COM_QUIT, COM_STMT_CLOSE and COM_STMT_SEND_LONG_DATA get
 * no answer):
 * - `status`: `error` when an ERR packet came, else `ok`.
 * - `error`: `{ code, sqlState, message }` (1146, `42S02`, `Table 'shop.x' doesn't exist`).
 * - `affectedRows`, `lastInsertId`, `warnings`, `info`: the OK packet's (the last one's, for a
 *   query of several statements); `info` only when not empty.
 * - `columnCount`, `rowCount`: the result set's columns and rows (rows of every result set).
 * - `columns` (detail `full`): `[{ name, type }]` of the first result set (`type`: INT, VARCHAR,
 *   DATETIME, …); `rows` (detail `full`): its first 20 rows, values as text (binary ones from
 *   COM_STMT_EXECUTE converted), NULL as null.
 * - `results`: a query of several statements (SERVER_MORE_RESULTS_EXISTS): each result in order,
 *   `{ affectedRows }` or `{ columns, rows }` (at most 64).
 * - COM_STMT_PREPARE: `statementId`, `paramCount`, `columnCount`.
 * - COM_STATISTICS: `statistics`, the server's line.
 * - Handshake: `serverVersion`, `connectionId`, `authPlugin` (the server's default),
 *   `authSwitch` (the plugin an AuthSwitchRequest asked for), `authenticated`.
 *
 * `summary.text`: `<statement on one line, 100 characters> -> <outcome>`: `3 rows`, `1 row`, `OK,
 * 1 row affected`, `OK, 1 row affected, id 3`, `ERROR 1146 (42S02): Table 'shoal.x' doesn't exist`,
 * a multi-statement query's outcomes joined by `; `, `no response`, `(incomplete)` after what came
 * when the answer was cut short (`incomplete answer` when nothing of it was read). A prepare:
 * `COM_STMT_PREPARE <statement> -> statement 4 (1 parameter, 3 columns)`; an execution of a
 * statement whose prepare was not seen: `(statement 4) -> 1 row`. Others: `COM_PING -> OK`,
 * `COM_INIT_DB shop -> OK`, `COM_STMT_CLOSE statement 4`, `COM_QUIT`, `handshake user=app
 * database=shop -> ok (mysql_native_password)`, `-> ok (switched to client_ed25519)`, `handshake ->
 * TLS follows`, `(request not seen) -> answered` (its kind unknown: the error's text when it was an
 * ERR).
 *
 * `timestamp`: the command's first byte (the greeting's for the handshake); `endTimestamp`: the
 * answer's last byte. `requestSize` / `responseSize`: the packets' bytes on the wire, headers
 * included (a LOCAL INFILE file in the request).
 *
 * `malformed`, the first that applies: `DIS_ERR_NO_REQUEST` (an answer whose command was not
 * seen), `DIS_ERR_GAP` (bytes of its packets lost), `DIS_ERR_SYNTAX` (a packet that breaks the
 * grammar), `DIS_ERR_NO_RESPONSE` (no answer within the response timeout or before the connection
 * ended), `DIS_ERR_TRUNCATED` (the answer stopped before its end).
 */

import type { Malformed, Message, ProtocolInfo } from '@shoal/model';
import type { Transaction } from '../../dissector.js';
import { sqlLine, sqlVerb } from '../../sql-text.js';
import { COM, commandName } from './packets.js';
import { Expect, type Operation, type Result } from './operation.js';
import { typeName } from './types.js';

export const PROTOCOL_MYSQL: ProtocolInfo = Object.freeze({ name: 'mysql', abbr: 'MYSQL', layer4: 'tcp' } as const);

/** Characters of a statement or message a summary shows. */
const SHOWN = 100;
/** Results a summary lists before `(+N more)`. */
const RESULTS_SHOWN = 3;

export function myTransaction(op: Operation): Transaction {
  const asked = op.kind !== 'unseen';
  const method = asked ? methodOf(op) : undefined;
  const tx: Transaction = {
    protocol: PROTOCOL_MYSQL,
    timestamp: op.startTs,
    endTimestamp: op.responded ? Math.max(op.responseEnd, op.requestEnd) : op.requestEnd,
    summary: { text: summaryText(op) },
    request: asked && (op.requestSeen || op.kind === 'handshake') ? shapeRequest(op, method!) : null,
    response: op.responded ? shapeResponse(op) : null,
    requestSize: op.requestSize,
    responseSize: op.responseSize,
  };
  if (method !== undefined) tx.summary.method = method;
  const malformed = problemOf(op);
  if (malformed !== undefined) tx.malformed = malformed;
  return tx;
}

function methodOf(op: Operation): string {
  if (op.kind === 'handshake') return 'Handshake';
  if ((op.command === COM.QUERY || op.command === COM.STMT_EXECUTE) && op.query !== null) {
    const verb = sqlVerb(op.query, true);
    if (verb !== '') return verb;
  }
  return commandName(op.command);
}

function shapeRequest(op: Operation, method: string): Message {
  const out: Message = { method, command: op.kind === 'handshake' ? 'Handshake' : commandName(op.command) };
  if (op.query !== null) {
    out['query'] = op.query;
    if (op.queryCut) out['queryTruncated'] = true;
  }
  if (op.statementId !== null && op.command !== COM.STMT_PREPARE) out['statementId'] = op.statementId;
  if (op.parameters !== null) out['parameters'] = op.parameters;
  if (op.argument !== null) out[op.command === COM.INIT_DB ? 'schema' : op.command === COM.FIELD_LIST ? 'table' : 'connectionId'] = op.command === COM.PROCESS_KILL ? Number(op.argument) : op.argument;
  if (op.user !== null) out['user'] = op.user;
  if (op.database !== null) out['database'] = op.database;
  if (op.clientPlugin !== null) out['authPlugin'] = op.clientPlugin;
  if (op.attributes !== null) out['attributes'] = op.attributes;
  if (op.tls) out['tls'] = true;
  return out;
}

function shapeResponse(op: Operation): Message {
  const out: Message = { status: op.error !== null ? 'error' : 'ok' };
  if (op.error !== null) out['error'] = op.error;
  const g = op.greeting;
  if (g !== null) {
    out['serverVersion'] = g.serverVersion;
    out['connectionId'] = g.connectionId;
    if (g.authPlugin !== null) out['authPlugin'] = g.authPlugin;
  }
  if (op.authSwitch !== null) out['authSwitch'] = op.authSwitch;
  if (op.kind === 'handshake') out['authenticated'] = op.authenticated;
  const ok = lastOk(op.results);
  if (ok !== null) {
    out['affectedRows'] = ok.affectedRows;
    out['lastInsertId'] = ok.lastInsertId;
    out['warnings'] = ok.warnings;
    if (ok.info !== '') out['info'] = ok.info;
  }
  const set = op.results.find((r): r is Extract<Result, { ok: false }> => !r.ok);
  if (set !== undefined) {
    out['columnCount'] = set.columns;
    out['rowCount'] = op.rowCount;
  }
  if (op.columns !== null) out['columns'] = op.columns.map((c) => ({ name: c.name, type: typeName(c.type) }));
  if (op.rows !== null) out['rows'] = op.rows;
  if (op.results.length > 1) out['results'] = op.results.map((r) => (r.ok ? { affectedRows: r.affectedRows } : { columns: r.columns, rows: r.rows }));
  if (op.prepared !== null) {
    out['statementId'] = op.prepared.statementId;
    out['paramCount'] = op.prepared.params;
    out['columnCount'] = op.prepared.columns;
  }
  if (op.statistics !== null) out['statistics'] = op.statistics;
  return out;
}

function lastOk(results: readonly Result[]): Extract<Result, { ok: true }> | null {
  for (let i = results.length - 1; i >= 0; i--) {
    const r = results[i]!;
    if (r.ok) return r;
  }
  return null;
}

function summaryText(op: Operation): string {
  if (op.kind === 'handshake') return handshakeText(op);
  if (op.kind === 'unseen') return `(request not seen) -> ${outcome(op)}`;
  const name = commandName(op.command);
  switch (op.command) {
    case COM.QUERY:
    case COM.STMT_EXECUTE:
      return `${statement(op)} -> ${outcome(op)}`;
    case COM.STMT_PREPARE:
      return `${name} ${statement(op)} -> ${outcome(op)}`;
    default:
      break;
  }
  const target = op.argument !== null ? ` ${op.argument}` : op.statementId !== null ? ` statement ${op.statementId}` : '';
  if (op.expect === Expect.None) return `${name}${target}`;
  return `${name}${target} -> ${outcome(op)}`;
}

function statement(op: Operation): string {
  if (op.query !== null) return op.query.trim() === '' ? '(empty)' : sqlLine(op.query, SHOWN);
  return op.statementId !== null ? `(statement ${op.statementId})` : '(unknown statement)';
}

function handshakeText(op: Operation): string {
  const who = [op.user !== null ? `user=${op.user}` : '', op.database !== null ? `database=${op.database}` : ''].filter((s) => s !== '').join(' ');
  const head = `handshake${who !== '' ? ` ${who}` : ''}`;
  if (op.tls) return `${head} -> TLS follows`;
  if (op.error !== null) return `${head} -> ${errorText(op)}`;
  if (!op.authenticated) return `${head} -> ${op.responded ? 'not authenticated' : 'no response'}`;
  const plugin = op.authSwitch !== null ? `switched to ${op.authSwitch}` : (op.clientPlugin ?? op.greeting?.authPlugin ?? null);
  return `${head} -> ok${plugin !== null ? ` (${plugin})` : ''}`;
}

/** What came back, in brief. */
function outcome(op: Operation): string {
  if (op.error !== null && op.results.length === 0) return errorText(op);
  if (!op.responded) return 'no response';
  if (op.prepared !== null) {
    const p = op.prepared;
    return `statement ${p.statementId} (${count(p.params, 'parameter')}, ${count(p.columns, 'column')})`;
  }
  if (op.statistics !== null) return sqlLine(op.statistics, SHOWN);
  if (op.expect === Expect.Single) return 'OK';
  // The answer to a command not seen: its kind is unknown.
  if (op.expect === Expect.Unknown) return 'answered';
  const parts = op.results.slice(0, RESULTS_SHOWN).map(resultText);
  if (op.results.length > RESULTS_SHOWN) parts.push(`(+${op.results.length - RESULTS_SHOWN} more)`);
  if (op.error !== null) parts.push(errorText(op));
  if (parts.length === 0) return op.cut ? 'incomplete answer' : 'OK';
  return op.cut ? `${parts.join('; ')} (incomplete)` : parts.join('; ');
}

function resultText(r: Result): string {
  if (!r.ok) return count(r.rows, 'row');
  let s = `OK, ${count(r.affectedRows, 'row')} affected`;
  if (r.lastInsertId > 0) s += `, id ${r.lastInsertId}`;
  return s;
}

const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

function errorText(op: Operation): string {
  const e = op.error!;
  return `ERROR ${e.code}${e.sqlState !== '' ? ` (${e.sqlState})` : ''}: ${sqlLine(e.message, SHOWN)}`;
}

function problemOf(op: Operation): Malformed | undefined {
  if (op.requestProblem !== null) return { code: op.requestProblem, at: 'request' };
  if (op.responseProblem !== null) return { code: op.responseProblem, at: 'response' };
  return undefined;
}
