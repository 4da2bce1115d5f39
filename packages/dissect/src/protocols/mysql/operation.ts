/**
 * One operation of a MySQL connection: the connection phase (greeting, handshake response,
 * authentication), or one command and everything the server said in answer. It becomes one entry
 * (shape.ts). conversation.ts builds operations and reads the answers into them; this file is the
 * record.
 */

import type { ColumnDef, ErrPacket, Greeting, PrepareOk } from './packets.js';

export type OperationKind =
  /** The greeting, the client's handshake response, the authentication exchange. */
  | 'handshake'
  /** A command (COM_QUERY, COM_STMT_EXECUTE, COM_PING, …) and its answer. */
  | 'command'
  /** Server packets whose command was not seen (lost, or before the capture began). */
  | 'unseen';

/** What the answer to a command looks like (the command decides). */
export const enum Expect {
  /** OK, ERR, or result sets (COM_QUERY, COM_STMT_EXECUTE), each maybe followed by more. */
  Results,
  /** COM_STMT_PREPARE_OK and its parameter and column definitions, or ERR. */
  Prepare,
  /** Column definitions up to an EOF (COM_FIELD_LIST). */
  FieldList,
  /** One packet: OK, ERR or EOF (COM_PING, COM_INIT_DB, …), or a string (COM_STATISTICS). */
  Single,
  /** Packets up to an OK or ERR (the connection phase, COM_CHANGE_USER). */
  Auth,
  /** Nothing: COM_QUIT, COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA. */
  None,
  /** Unknown (the command was not seen): packets up to the next answer's first. */
  Unknown,
}

/** Where in the answer the next packet falls. */
export const enum Phase {
  First,
  Columns,
  ColumnsEof,
  Rows,
  PrepareParams,
  PrepareParamsEof,
  PrepareColumns,
  PrepareColumnsEof,
  Done,
}

/** One result of the answer: an OK, or a result set (its rows counted). */
export type Result = { ok: true; affectedRows: number; lastInsertId: number; warnings: number; info: string } | { ok: false; columns: number; rows: number };

export interface Operation {
  kind: OperationKind;
  /** The command's byte, -1 for the handshake and an unseen command. */
  command: number;
  expect: Expect;
  phase: Phase;
  startTs: number;
  activeTs: number;
  requestEnd: number;
  requestSize: number;
  requestSeen: boolean;
  query: string | null;
  queryCut: boolean;
  /** COM_STMT_EXECUTE, _CLOSE, _RESET, _FETCH, _SEND_LONG_DATA: the statement's id. */
  statementId: number | null;
  parameters: Array<string | null> | null;
  /** COM_INIT_DB's schema, COM_FIELD_LIST's table, COM_PROCESS_KILL's connection id. */
  argument: string | null;
  /** The handshake response: user, database, the client's plugin, its connection attributes; an SSLRequest. */
  user: string | null;
  database: string | null;
  clientPlugin: string | null;
  attributes: Record<string, string> | null;
  tls: boolean;

  responded: boolean;
  responseStart: number;
  responseEnd: number;
  responseSize: number;
  greeting: Greeting | null;
  authSwitch: string | null;
  authenticated: boolean;
  results: Result[];
  error: ErrPacket | null;
  /** Rows of every result set, and the first result set's columns and first rows (detail `full`). */
  rowCount: number;
  columns: ColumnDef[] | null;
  rows: Array<Array<string | null>> | null;
  /** Column definitions left to read in the current phase. */
  left: number;
  /** The current result set's columns, for its binary rows (a prepared statement's, when the server did not send them again). */
  resultColumns: ColumnDef[] | null;
  prepared: PrepareOk | null;
  statistics: string | null;
  emitted: boolean;
  /** The answer was cut short: bytes lost, the connection ended or the timeout passed inside it. */
  cut: boolean;
  requestProblem: string | null;
  responseProblem: string | null;
}

export function newOperation(kind: OperationKind, command: number, expect: Expect, startTs: number): Operation {
  return {
    kind,
    command,
    expect,
    phase: Phase.First,
    startTs,
    activeTs: startTs,
    requestEnd: startTs,
    requestSize: 0,
    requestSeen: false,
    query: null,
    queryCut: false,
    statementId: null,
    parameters: null,
    argument: null,
    user: null,
    database: null,
    clientPlugin: null,
    attributes: null,
    tls: false,
    responded: false,
    responseStart: 0,
    responseEnd: 0,
    responseSize: 0,
    greeting: null,
    authSwitch: null,
    authenticated: false,
    results: [],
    error: null,
    rowCount: 0,
    columns: null,
    rows: null,
    left: 0,
    resultColumns: null,
    prepared: null,
    statistics: null,
    emitted: false,
    cut: false,
    requestProblem: null,
    responseProblem: null,
  };
}

/** Results listed per operation (a multi-statement query's), past which they are only counted. */
export const MAX_RESULTS = 64;
