/**
 * One operation of a PostgreSQL connection: what the frontend asked in one go (a Query, a
 * statement's Parse/Bind/Describe/Execute up to its Sync, the start-up, …) and everything the
 * backend said in answer. It becomes one entry (shape.ts). conversation.ts builds operations and
 * decides which operation each backend message answers; this file is the record and its small
 * helpers.
 */

import type { Column, StartupBody } from './messages.js';

export type OperationKind =
  /** StartupMessage, then the authentication exchange, up to the first ReadyForQuery. */
  | 'startup'
  /** SSLRequest or GSSENCRequest and its one-byte answer. */
  | 'ssl'
  | 'gssenc'
  /** CancelRequest: no answer (§55.2.7). */
  | 'cancel'
  /** Query: the simple protocol, up to its ReadyForQuery. */
  | 'simple'
  /** Parse/Bind/Describe/Execute/Close/Flush, up to an Execute or a Sync. */
  | 'extended'
  | 'function'
  | 'terminate'
  /** Backend messages whose request was not seen (lost, or before the capture began). */
  | 'unseen'
  /** A backend message nobody asked for: a notification, a notice, a fatal error. */
  | 'async';

/**
 * What an operation waits for, per frontend message that gets an answer: the message's type
 * byte (P, B, D, E, C, S, Q, F), or one of these.
 */
export const AWAIT_STARTUP = -1;
export const AWAIT_ANSWER = -2;
/** Backend messages up to a ReadyForQuery, for an operation whose requests are unknown. */
export const AWAIT_READY = -3;

export interface Notice {
  severity: string;
  code: string;
  message: string;
}

export interface Notification {
  processId: number;
  channel: string;
  payload: string;
}

export interface CopyCounts {
  /** in (COPY FROM STDIN), out (TO STDOUT), both (replication). */
  direction: 'in' | 'out' | 'both';
  format: 'text' | 'binary';
  /** CopyData messages and their bytes. */
  messages: number;
  bytes: number;
}

export interface Operation {
  kind: OperationKind;
  /** The frontend's messages, by name, in order (up to MAX_LISTED). */
  messages: string[];
  startTs: number;
  /** Last byte of the frontend's last message, or of the backend's last one: for the timeout. */
  activeTs: number;
  requestEnd: number;
  requestSize: number;
  query: string | null;
  /** The query's text is cut (the reader's cap). */
  queryCut: boolean;
  statement: string | null;
  portal: string | null;
  parameters: Array<string | null> | null;
  parameterCount: number;
  startup: StartupBody | null;
  /** CancelRequest: the process to cancel. */
  cancelProcessId: number | null;
  /** SASLInitialResponse: the mechanism the frontend chose. */
  mechanism: string | null;
  /** Extended: it holds an Execute (the next statement is another operation). */
  executes: boolean;
  /** No more frontend messages join it. */
  closed: boolean;
  /** What it waits for (see AWAIT_*), and how many of those came. */
  awaiting: number[];
  next: number;
  /** Emitted already (the response timeout passed): answers are still read into it, then dropped. */
  emitted: boolean;

  responded: boolean;
  responseStart: number;
  responseEnd: number;
  responseSize: number;
  /** CommandComplete tags, in order (up to MAX_LISTED; `commandCount` counts them all). */
  commands: string[];
  commandCount: number;
  rowCount: number;
  columns: Column[] | null;
  rows: Array<Array<string | null>> | null;
  error: Record<string, string> | null;
  /** Null until one comes (most operations have none). */
  notices: Notice[] | null;
  notifications: Notification[] | null;
  copy: CopyCounts | null;
  transactionStatus: string | null;
  emptyQuery: boolean;
  suspended: boolean;
  /** The backend skipped it: an earlier extended message failed, and it discards until Sync (§55.2.3). */
  skipped: boolean;
  /** Start-up: the authentication the backend asked for, whether it passed, its process id. */
  authentication: string | null;
  authenticated: boolean;
  processId: number | null;
  serverParameters: Record<string, string> | null;
  /** A ParameterStatus the backend sent unasked (an `async` operation): name and value. */
  parameter: { name: string; value: string } | null;
  /** SSLRequest, GSSENCRequest: the answer byte. */
  answer: string | null;
  requestProblem: string | null;
  responseProblem: string | null;
}

/** Names, tags, notices, notifications kept per operation. */
export const MAX_LISTED = 64;

export function newOperation(kind: OperationKind, startTs: number): Operation {
  return {
    kind,
    messages: [],
    startTs,
    activeTs: startTs,
    requestEnd: startTs,
    requestSize: 0,
    query: null,
    queryCut: false,
    statement: null,
    portal: null,
    parameters: null,
    parameterCount: 0,
    startup: null,
    cancelProcessId: null,
    mechanism: null,
    executes: false,
    closed: false,
    awaiting: [],
    next: 0,
    emitted: false,
    responded: false,
    responseStart: 0,
    responseEnd: 0,
    responseSize: 0,
    commands: [],
    commandCount: 0,
    rowCount: 0,
    columns: null,
    rows: null,
    error: null,
    notices: null,
    notifications: null,
    copy: null,
    transactionStatus: null,
    emptyQuery: false,
    suspended: false,
    skipped: false,
    authentication: null,
    authenticated: false,
    processId: null,
    serverParameters: null,
    parameter: null,
    answer: null,
    requestProblem: null,
    responseProblem: null,
  };
}

/** Every answer it waits for came, and no frontend message may still join it. */
export const isComplete = (op: Operation): boolean => op.closed && op.next >= op.awaiting.length;

/** Append `item` to a bounded list. */
export function listed<T>(list: T[], item: T): void {
  if (list.length < MAX_LISTED) list.push(item);
}
