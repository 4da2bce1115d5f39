/**
 * An operation (operation.ts) → the transaction (the protocol part of an Entry).
 *
 * ## PostgreSQL entry shape (protocol.name `postgresql`)
 *
 * `protocol`: `{ name: 'postgresql', version: '3.0', abbr: 'PGSQL', layer4: 'tcp' }`.
 *
 * `request` (null when the frontend's messages were not seen, and for a message the backend sent
 * unasked):
 * - `method`: the statement's verb in capitals (`SELECT`, `INSERT`, `BEGIN`, `COPY`, …) for a
 *   Query and for a statement executed by the extended protocol; otherwise the first message's
 *   name (`StartupMessage`, `SSLRequest`, `GSSENCRequest`, `CancelRequest`, `Terminate`,
 *   `FunctionCall`, `Parse` for a statement only prepared, `Query` for an empty one, …).
 * - `messages`: the frontend's messages of the operation by their names in the protocol
 *   (`["Parse", "Bind", "Describe", "Execute", "Sync"]`, `["Query"]`, `["StartupMessage",
 *   "SASLInitialResponse", "SASLResponse"]`; CopyDone and CopyFail of a COPY FROM STDIN).
 * - `query`: the statement's text: the Query's, or the Parse's, carried to the later operations
 *   that bind, describe or execute that statement or its portal; `queryTruncated: true` when cut
 *   at 64 KiB.
 * - `statement`, `portal`: the prepared statement's and the portal's names, when not the unnamed one.
 * - `parameters` (detail `full`): the Bind's values, text as sent (`\x…` hex for binary ones),
 *   null for NULL; at most 100, each cut at 200 characters.
 * - Start-up: `protocolVersion` (`3.0`), `user`, `database` (when sent), `startupParameters`
 *   (every name/value pair sent: `application_name`, `client_encoding`, …). Passwords and SASL
 *   messages are never kept: only the mechanism's name shows (in the response).
 * - CancelRequest: `processId`, the backend whose query is to be cancelled.
 *
 * `response` (null when nothing came back, and for Terminate and CancelRequest, which get no
 * answer):
 * - `status`: `error` when an ErrorResponse came (the operation failed), else `ok`.
 * - `error`: the ErrorResponse's fields (§55.8): `severity` (ERROR, FATAL, PANIC), `code`
 *   (SQLSTATE), `message`, and when sent `detail`, `hint`, `position`, `where`, `schema`,
 *   `table`, `column`, `dataType`, `constraint`, `file`, `line`, `routine`, `internalPosition`,
 *   `internalQuery`.
 * - `commands`: the CommandComplete tags in order (`SELECT 3`, `INSERT 0 1`; a Query of several
 *   statements has several), at most 64.
 * - `rowCount`: DataRow messages, every result set of the operation.
 * - `columns` (detail `full`): the RowDescription's columns, `[{ name, type, binary? }]` (`type`:
 *   the built-in type's name, else its OID); `rows` (detail `full`): the first 20 rows' values as
 *   text (binary ones in hex, NULL as null), at most 100 values of 200 characters each.
 * - `emptyQuery: true` (EmptyQueryResponse), `suspended: true` (PortalSuspended: an Execute's row
 *   limit was reached), `skipped: true` (the backend discarded it after an earlier error, up to a
 *   Sync).
 * - `copy`: `{ direction: in | out | both, format: text | binary, messages, bytes }` of a COPY's
 *   CopyData.
 * - `notices`: `[{ severity, code, message }]` (NoticeResponse); `notifications`:
 *   `[{ processId, channel, payload }]` (NotificationResponse: LISTEN/NOTIFY).
 * - `transactionStatus`: the ReadyForQuery's: `idle`, `in transaction`, `failed transaction`.
 * - Start-up: `authentication` (what the backend asked for: `SCRAM-SHA-256` (the SASL mechanism
 *   the frontend chose), `MD5`, `cleartext password`, `GSSAPI`, …; absent with `trust`),
 *   `authenticated` (AuthenticationOk came), `processId` (BackendKeyData), `serverParameters`
 *   (detail `full`: the ParameterStatus values, `server_version`, `TimeZone`, …).
 * - A ParameterStatus the backend sent unasked: `parameter`: `{ name, value }`.
 * - SSLRequest, GSSENCRequest: `answer`: `S` (TLS follows: the rest of the connection is a TLS
 *   entry), `G` (GSSAPI encryption follows: a flow entry), `N` (refused: the start-up follows in
 *   clear).
 *
 * `summary.text`: `<statement on one line, 100 characters> -> <outcome>`: the tags (`SELECT 3`,
 * `BEGIN; UPDATE 1; COMMIT`), `ERROR 42P01 relation "x" does not exist`, `empty query`,
 * `skipped (an earlier error)`, `no response`, `incomplete answer` (bytes lost, the connection
 * ended); a statement only prepared or described is preceded
 * by the message (`Parse: SELECT … -> ok`). The start-up: `startup user=app database=shop -> ok
 * (SCRAM-SHA-256)`; `SSLRequest -> S (TLS follows)`, `SSLRequest -> N (in clear)`;
 * `CancelRequest process 4242`; `Terminate`; what the backend sent unasked: `<- NOTIFY channel:
 * payload`, `<- NOTICE <code> <message>`, `<- FATAL 57P01 terminating connection …`. The
 * answers to requests not seen: `(request not seen) -> SELECT 3`.
 *
 * `timestamp`: the first frontend message's first byte (the first backend message's when the
 * request was not seen); `endTimestamp`: the last byte of the last backend message of the
 * operation. `requestSize` / `responseSize`: the messages' bytes on the wire (a COPY FROM
 * STDIN's CopyData included).
 *
 * `malformed`, the first that applies: `DIS_ERR_NO_REQUEST` (answers to requests not seen),
 * `DIS_ERR_GAP` (bytes of its messages lost in capture; lost frontend messages make an entry with
 * the answers they got), `DIS_ERR_SYNTAX` (a message that breaks the grammar), `DIS_ERR_NO_RESPONSE`
 * (nothing came back within the response timeout, or before the connection ended),
 * `DIS_ERR_TRUNCATED` (the answer stopped before its end: the connection ended, or the timeout
 * passed, inside it).
 */

import type { Malformed, Message, ProtocolInfo } from '@shoal/model';
import type { Transaction } from '../../dissector.js';
import { sqlLine, sqlVerb } from '../../sql-text.js';
import type { Operation } from './operation.js';
import { typeName } from './types.js';

export const PROTOCOL_POSTGRESQL: ProtocolInfo = Object.freeze({ name: 'postgresql', version: '3.0', abbr: 'PGSQL', layer4: 'tcp' } as const);

/** Characters of a statement, a message or a payload a summary shows. */
const SHOWN = 100;
/** Tags a summary lists before `(+N more)`. */
const TAGS_SHOWN = 3;

export function pgTransaction(op: Operation): Transaction {
  const asked = op.kind !== 'unseen' && op.kind !== 'async';
  const method = asked ? methodOf(op) : op.kind === 'async' ? asyncName(op) : undefined;
  const tx: Transaction = {
    protocol: PROTOCOL_POSTGRESQL,
    timestamp: asked ? op.startTs : op.responseStart,
    endTimestamp: op.responded ? Math.max(op.responseEnd, op.requestEnd) : op.requestEnd,
    summary: { text: summaryText(op, method) },
    request: asked ? shapeRequest(op, method!) : null,
    response: op.responded ? shapeResponse(op) : null,
    requestSize: op.requestSize,
    responseSize: op.responseSize,
  };
  if (method !== undefined) tx.summary.method = method;
  const malformed = problemOf(op);
  if (malformed !== undefined) tx.malformed = malformed;
  return tx;
}

const NAMED: Readonly<Partial<Record<Operation['kind'], string>>> = {
  startup: 'StartupMessage',
  ssl: 'SSLRequest',
  gssenc: 'GSSENCRequest',
  cancel: 'CancelRequest',
  terminate: 'Terminate',
  function: 'FunctionCall',
};

function methodOf(op: Operation): string {
  const named = NAMED[op.kind];
  if (named !== undefined) return named;
  const executed = op.kind === 'simple' || op.executes;
  const verb = executed && op.query !== null ? sqlVerb(op.query) : '';
  return verb !== '' ? verb : (op.messages[0] ?? 'Query');
}

function asyncName(op: Operation): string {
  if (op.notifications !== null) return 'NotificationResponse';
  if (op.error !== null) return 'ErrorResponse';
  if (op.notices !== null) return 'NoticeResponse';
  return 'ParameterStatus';
}

function shapeRequest(op: Operation, method: string): Message {
  const out: Message = { method, messages: op.messages };
  if (op.query !== null) {
    out['query'] = op.query;
    if (op.queryCut) out['queryTruncated'] = true;
  }
  if (op.statement !== null && op.statement !== '') out['statement'] = op.statement;
  if (op.portal !== null && op.portal !== '') out['portal'] = op.portal;
  if (op.parameters !== null) out['parameters'] = op.parameters;
  const startup = op.startup;
  if (startup !== null) {
    out['protocolVersion'] = startup.protocolVersion;
    const user = startup.parameters['user'];
    const database = startup.parameters['database'];
    if (user !== undefined) out['user'] = user;
    if (database !== undefined) out['database'] = database;
    out['startupParameters'] = startup.parameters;
  }
  if (op.cancelProcessId !== null) out['processId'] = op.cancelProcessId;
  return out;
}

function shapeResponse(op: Operation): Message {
  const out: Message = { status: op.error !== null ? 'error' : 'ok' };
  if (op.error !== null) out['error'] = op.error;
  if (op.answer !== null) out['answer'] = op.answer;
  if (op.kind === 'startup') {
    const authentication = authenticationOf(op);
    if (authentication !== null) out['authentication'] = authentication;
    out['authenticated'] = op.authenticated;
    if (op.processId !== null) out['processId'] = op.processId;
  }
  if (op.commands.length > 0) out['commands'] = op.commands;
  if (op.kind === 'simple' || op.kind === 'extended' || op.kind === 'unseen') out['rowCount'] = op.rowCount;
  if (op.columns !== null) out['columns'] = op.columns.map((c) => (c.format === 1 ? { name: c.name, type: typeName(c.typeOid), binary: true } : { name: c.name, type: typeName(c.typeOid) }));
  if (op.rows !== null) out['rows'] = op.rows;
  if (op.emptyQuery) out['emptyQuery'] = true;
  if (op.suspended) out['suspended'] = true;
  if (op.skipped) out['skipped'] = true;
  if (op.copy !== null) out['copy'] = op.copy;
  if (op.notices !== null) out['notices'] = op.notices;
  if (op.notifications !== null) out['notifications'] = op.notifications;
  if (op.transactionStatus !== null) out['transactionStatus'] = op.transactionStatus;
  if (op.serverParameters !== null) out['serverParameters'] = op.serverParameters;
  if (op.parameter !== null) out['parameter'] = op.parameter;
  return out;
}

/** The SASL mechanism the frontend chose, else what the backend asked for. */
function authenticationOf(op: Operation): string | null {
  if (op.mechanism !== null) return op.mechanism;
  return op.authentication;
}

function summaryText(op: Operation, method: string | undefined): string {
  switch (op.kind) {
    case 'startup': {
      const p = op.startup?.parameters ?? {};
      const who = [p['user'] !== undefined ? `user=${p['user']}` : '', p['database'] !== undefined ? `database=${p['database']}` : ''].filter((s) => s !== '').join(' ');
      const auth = authenticationOf(op);
      const ok = op.authenticated ? `ok${auth !== null ? ` (${auth})` : ''}` : 'not authenticated';
      return `startup${who !== '' ? ` ${who}` : ''} -> ${op.error !== null ? errorText(op.error) : op.responded ? ok : 'no response'}`;
    }
    case 'ssl':
    case 'gssenc': {
      const answer = op.answer === null ? (op.error !== null ? errorText(op.error) : 'no response') : op.answer === 'N' ? 'N (in clear)' : op.answer === 'S' ? 'S (TLS follows)' : `${op.answer} (GSSAPI encryption follows)`;
      return `${method} -> ${answer}`;
    }
    case 'cancel':
      return op.cancelProcessId !== null ? `CancelRequest process ${op.cancelProcessId}` : 'CancelRequest';
    case 'terminate':
      return 'Terminate';
    case 'async':
      return `<- ${asyncText(op)}`;
    case 'unseen':
      return `(request not seen) -> ${outcome(op)}`;
    default: {
      const statement = op.query !== null ? (op.query.trim() === '' ? '(empty)' : sqlLine(op.query, SHOWN)) : op.statement ? `(statement "${op.statement}")` : '(unknown statement)';
      const executed = op.kind === 'simple' || op.executes || op.kind === 'function';
      const lead = op.kind === 'function' ? 'FunctionCall' : executed ? statement : `${method}: ${statement}`;
      return `${lead} -> ${outcome(op)}`;
    }
  }
}

/** What came back, in brief. */
function outcome(op: Operation): string {
  if (op.error !== null) return errorText(op.error);
  if (op.skipped && op.commands.length === 0) return 'skipped (an earlier error)';
  if (!op.responded) return 'no response';
  if (op.emptyQuery && op.commands.length === 0) return 'empty query';
  if (op.commands.length === 1) return op.commands[0]!;
  if (op.commands.length > 0) {
    const shown = op.commands.slice(0, TAGS_SHOWN).join('; ');
    const more = op.commandCount - TAGS_SHOWN;
    return more > 0 ? `${shown} (+${more} more)` : shown;
  }
  if (op.suspended) return `${op.rowCount} rows, suspended`;
  return op.responseProblem !== null ? 'incomplete answer' : 'ok';
}

function errorText(e: Record<string, string>): string {
  return `${e['severity'] ?? 'ERROR'} ${e['code'] ?? ''} ${cut(e['message'] ?? '')}`.replace(/ {2,}/g, ' ').trim();
}

function asyncText(op: Operation): string {
  const n = op.notifications?.[0];
  if (n !== undefined) return `NOTIFY ${n.channel}${n.payload !== '' ? `: ${cut(n.payload)}` : ''}`;
  if (op.error !== null) return errorText(op.error);
  const notice = op.notices?.[0];
  if (notice !== undefined) return `${notice.severity} ${notice.code} ${cut(notice.message)}`.trim();
  const p = op.parameter;
  return p !== null ? `ParameterStatus ${p.name}=${cut(p.value)}` : 'ParameterStatus';
}

const cut = (s: string): string => sqlLine(s, SHOWN);

function problemOf(op: Operation): Malformed | undefined {
  if (op.requestProblem !== null) return { code: op.requestProblem, at: 'request' };
  if (op.responseProblem !== null) return { code: op.responseProblem, at: 'response' };
  return undefined;
}
