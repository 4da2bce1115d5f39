/**
 * The pairing rule of PostgreSQL: which backend messages answer which frontend messages.
 *
 * The backend answers the frontend's messages in the order it reads them (§55.2), so pairing is
 * by order: each frontend message that gets an answer is queued (operation.ts `awaiting`), and
 * each backend message answers the oldest one still waiting:
 *
 *   Parse → ParseComplete, Bind → BindComplete, Close → CloseComplete,
 *   Describe → [ParameterDescription] RowDescription | NoData,
 *   Execute → DataRow* then CommandComplete | EmptyQueryResponse | PortalSuspended (COPY between),
 *   Sync, Query, FunctionCall, the start-up → … ReadyForQuery,
 *   SSLRequest, GSSENCRequest → one byte; Flush, Terminate, CancelRequest → nothing.
 *
 * Operations (one entry each) group the frontend's messages as a user thinks of them: a Query
 * alone (its statements, rows and tags up to its ReadyForQuery); the extended messages of one
 * statement (Parse, Bind, Describe, Execute, up to the Sync after them: `P B D E S` is one
 * operation, and so is `B E` of a statement parsed earlier; a second statement after an Execute
 * begins another); the start-up with its authentication exchange; each encryption request, cancel
 * request, function call and Terminate. The statement's text is carried from its Parse to the
 * operations that bind or execute it later, by statement name (the unnamed one included) and by
 * portal name.
 *
 * An ErrorResponse to an extended message makes the backend discard every frontend message up
 * to the next Sync (§55.2.3): the operations of those messages are emitted as skipped. Backend
 * messages may also come unasked (§55.2.6): a NoticeResponse, ParameterStatus or
 * NotificationResponse joins the operation being answered, or is an entry of its own when none
 * is; so is a FATAL ErrorResponse with nothing waiting (the server closing the connection).
 *
 * After a loss the framing is found again (reader.ts), but not which message was answered: lost
 * frontend messages become an `unseen` operation that takes the backend's messages up to the
 * next ReadyForQuery; lost backend messages make the waiting operation take what follows up to
 * the next ReadyForQuery, marked DIS_ERR_GAP. ReadyForQuery is the protocol's own point of
 * resynchronisation: the backend is idle after it.
 */

import { ErrorCodes } from '@shoal/model';
import {
  AUTH_NAMES,
  CODE,
  T,
  decodeBind,
  decodeCopyResponse,
  decodeDataRow,
  decodeExecute,
  decodeFields,
  decodeNotification,
  decodeParameterStatus,
  decodeParse,
  decodeRowDescription,
  decodeStartup,
  decodeTag,
  decodeTarget,
  frontendName,
  saslMechanism,
  saslMechanisms,
  text,
  transactionStatus,
} from './messages.js';
import { AWAIT_ANSWER, AWAIT_READY, AWAIT_STARTUP, isComplete, listed, newOperation, type Operation, type OperationKind } from './operation.js';
import { NamedTexts } from './named-texts.js';
import { UNTYPED, type PgFrame } from './reader.js';

/** Bytes of a query's text kept (Query, Parse). */
const QUERY_CAP = 64 * 1024;
/** Bytes kept of the messages whose bodies are small and always read. */
const SMALL_CAP = 4096;
/** Operations waiting at once; past it the oldest is emitted unanswered. */
const MAX_PENDING = 1024;
/** Detail `full`: rows shown per operation, characters per value. */
export const MAX_ROWS = 20;
const VALUE_CAP = 200;

/** What reading a frontend message asks of the stream. */
export const enum Then {
  Nothing,
  /** An SSLRequest or GSSENCRequest: the backend's next byte is its answer. */
  AwaitAnswer,
  /** A StartupMessage: typed messages follow. */
  Typed,
}

export class Conversation {
  private readonly queue: Operation[] = [];
  /** Extended messages not yet closed by a Sync or an Execute's successor. */
  private open: Operation | null = null;
  private readonly statements = new NamedTexts();
  private readonly portals = new NamedTexts();
  /** An extended message failed: the backend discards frontend messages until a Sync. */
  private skipping = false;
  /** Backend messages were lost: what comes up to the next ReadyForQuery is not paired by kind. */
  private afterBackendLoss = false;

  constructor(
    private readonly full: boolean,
    private readonly bodyCap: number,
    private readonly emit: (op: Operation) => void,
  ) {}

  // ---- what to keep of each message ---------------------------------------------------------

  keepFrontend(type: number, length: number): number {
    switch (type) {
      case UNTYPED:
        return length;
      case T.QUERY:
      case T.PARSE:
        return QUERY_CAP;
      case T.BIND:
        // Portal and statement names (64 bytes each at most), and in detail full the values.
        return this.full ? Math.max(SMALL_CAP, this.bodyCap) : 256;
      case T.DESCRIBE:
      case T.CLOSE:
      case T.EXECUTE:
      case T.PASSWORD:
        return 256;
      case T.FUNCTION_CALL:
        return 4;
      default:
        return 0;
    }
  }

  keepBackend(type: number, length: number): number {
    switch (type) {
      case T.DATA_ROW: {
        const op = this.queue[0];
        if (!this.full || op === undefined || (op.rows !== null && op.rows.length >= MAX_ROWS)) return 0;
        return Math.min(length, this.bodyCap);
      }
      case T.ROW_DESCRIPTION:
        return this.full ? QUERY_CAP : 0;
      case T.COPY_DATA:
      case T.FUNCTION_RESULT:
        return 0;
      case T.ERROR:
      case T.NOTICE:
      case T.NOTIFICATION:
        return 16 * 1024;
      default:
        return SMALL_CAP;
    }
  }

  // ---- frontend ------------------------------------------------------------------------------

  frontend(f: PgFrame): Then {
    if (f.type === UNTYPED) return this.untyped(f);
    switch (f.type) {
      case T.QUERY: {
        const op = this.begin('simple', f);
        this.setQuery(op, f.body, 0, f.body.length - 1, f.length);
        this.await(op, T.QUERY);
        op.closed = true;
        break;
      }
      case T.FUNCTION_CALL:
        this.await(this.begin('function', f), T.FUNCTION_CALL).closed = true;
        break;
      case T.TERMINATE:
        this.begin('terminate', f).closed = true;
        break;
      case T.PASSWORD:
        this.password(f);
        break;
      case T.COPY_DATA:
      case T.COPY_DONE:
      case T.COPY_FAIL:
        this.copyFromFrontend(f);
        break;
      default:
        this.extended(f);
    }
    this.settle();
    return Then.Nothing;
  }

  /** The first message of a connection (or the one after a refused encryption request). */
  private untyped(f: PgFrame): Then {
    const code = f.body.length >= 4 ? f.body.readUInt32BE(0) : 0;
    let then = Then.Nothing;
    let op: Operation;
    if (code === CODE.SSL_REQUEST || code === CODE.GSSENC_REQUEST) {
      op = this.begin(code === CODE.SSL_REQUEST ? 'ssl' : 'gssenc', f, code === CODE.SSL_REQUEST ? 'SSLRequest' : 'GSSENCRequest');
      this.await(op, AWAIT_ANSWER);
      then = Then.AwaitAnswer;
    } else if (code === CODE.CANCEL_REQUEST) {
      op = this.begin('cancel', f, 'CancelRequest');
      if (f.body.length >= 8) op.cancelProcessId = f.body.readInt32BE(4);
    } else {
      op = this.begin('startup', f, 'StartupMessage');
      op.startup = decodeStartup(f.body);
      if (op.startup === null) op.requestProblem ??= ErrorCodes.DIS_ERR_SYNTAX;
      this.await(op, AWAIT_STARTUP);
      then = Then.Typed;
    }
    op.closed = true;
    this.settle();
    return then;
  }

  /** A frontend message that starts an operation of its own. */
  private begin(kind: OperationKind, f: PgFrame, name = frontendName(f.type)!): Operation {
    this.closeOpen();
    const op = newOperation(kind, f.startTs);
    this.add(op, f, name);
    this.enqueue(op);
    return op;
  }

  /** `f` joins `op`: its name, size and times. */
  private add(op: Operation, f: PgFrame, name: string): void {
    listed(op.messages, name);
    op.requestSize += f.wireSize;
    op.requestEnd = Math.max(op.requestEnd, f.endTs);
    op.activeTs = Math.max(op.activeTs, f.endTs);
    if (f.problem !== null) op.requestProblem ??= f.problem;
  }

  private await(op: Operation, what: number): Operation {
    // While the backend discards frontend messages, only a Sync will be answered.
    if (this.skipping && what !== T.SYNC && what !== AWAIT_ANSWER && what !== AWAIT_STARTUP) op.skipped = true;
    else op.awaiting.push(what);
    if (what === T.SYNC) this.skipping = false;
    return op;
  }

  private enqueue(op: Operation): void {
    this.queue.push(op);
    if (this.queue.length <= MAX_PENDING) return;
    // Too many waiting: the oldest is given up (its answers, if they come, will be misread).
    const oldest = this.queue.shift()!;
    if (!oldest.emitted) this.emitUnanswered(oldest);
  }

  /** Parse, Bind, Describe, Execute, Close, Flush, Sync: the statement's operation. */
  private extended(f: PgFrame): void {
    let op = this.open;
    if (op === null || (op.executes && f.type !== T.SYNC && f.type !== T.FLUSH)) {
      this.closeOpen();
      op = newOperation('extended', f.startTs);
      this.open = op;
      this.enqueue(op);
    }
    this.add(op, f, frontendName(f.type)!);
    switch (f.type) {
      case T.PARSE: {
        const parse = decodeParse(f.body, f.body.length < f.length);
        if (parse === null) {
          op.requestProblem ??= ErrorCodes.DIS_ERR_SYNTAX;
          break;
        }
        op.statement = parse.statement;
        op.query = parse.query;
        op.queryCut = !parse.whole;
        this.statements.set(parse.statement, parse.query);
        break;
      }
      case T.BIND: {
        const bind = decodeBind(f.body, this.full, VALUE_CAP);
        if (bind === null) {
          op.requestProblem ??= ErrorCodes.DIS_ERR_SYNTAX;
          break;
        }
        op.statement ??= bind.statement;
        op.portal = bind.portal;
        op.query ??= this.statements.get(bind.statement);
        if (bind.values !== null) op.parameters = bind.values;
        if (op.query !== null) this.portals.set(bind.portal, op.query);
        break;
      }
      case T.DESCRIBE:
      case T.CLOSE: {
        const target = decodeTarget(f.body);
        if (target === null) {
          op.requestProblem ??= ErrorCodes.DIS_ERR_SYNTAX;
          break;
        }
        const names = target.portal ? this.portals : this.statements;
        op.query ??= names.get(target.name);
        if (target.portal) op.portal ??= target.name;
        else op.statement ??= target.name;
        if (f.type === T.CLOSE) names.delete(target.name);
        break;
      }
      case T.EXECUTE: {
        op.executes = true;
        const execute = decodeExecute(f.body);
        if (execute === null) {
          op.requestProblem ??= ErrorCodes.DIS_ERR_SYNTAX;
          break;
        }
        op.portal ??= execute.portal;
        op.query ??= this.portals.get(execute.portal);
        break;
      }
    }
    if (f.type !== T.FLUSH) this.await(op, f.type);
    if (f.type === T.SYNC) this.closeOpen();
  }

  private setQuery(op: Operation, body: Buffer, from: number, to: number, length: number): void {
    const cut = body.length < length;
    op.query = text(body, from, cut ? body.length : Math.max(from, to));
    op.queryCut = cut;
  }

  /** PasswordMessage, SASLInitialResponse, SASLResponse, GSSResponse: the start-up's. Their content is never kept. */
  private password(f: PgFrame): void {
    const op = this.queue.find((o) => o.kind === 'startup');
    // Without the start-up (a capture joined during it) there is nothing to tell of it.
    if (op === undefined) return;
    const saslStart = op.authentication !== null && op.authentication.startsWith('SASL') && op.mechanism === null;
    if (saslStart) op.mechanism = saslMechanism(f.body);
    this.add(op, f, saslStart ? 'SASLInitialResponse' : op.mechanism !== null ? 'SASLResponse' : 'PasswordMessage');
  }

  /** CopyData, CopyDone, CopyFail from the frontend: the COPY FROM STDIN being answered. */
  private copyFromFrontend(f: PgFrame): void {
    const op = this.queue[0];
    if (op === undefined) return;
    op.requestSize += f.wireSize;
    op.activeTs = Math.max(op.activeTs, f.endTs);
    if (f.type === T.COPY_DATA && op.copy !== null) {
      op.copy.messages++;
      op.copy.bytes += f.length;
    } else if (f.type !== T.COPY_DATA) listed(op.messages, frontendName(f.type)!);
  }

  private closeOpen(): void {
    if (this.open === null) return;
    this.open.closed = true;
    this.open = null;
  }

  // ---- backend -------------------------------------------------------------------------------

  backend(f: PgFrame): void {
    let op = this.queue[0];
    if (op === undefined) {
      if (this.unasked(f)) return;
      op = newOperation('unseen', f.startTs);
      op.requestProblem = ErrorCodes.DIS_ERR_NO_REQUEST;
      op.awaiting.push(AWAIT_READY);
      op.closed = true;
      this.queue.push(op);
    }
    if (!op.responded) {
      op.responded = true;
      op.responseStart = f.startTs;
    }
    op.responseEnd = f.endTs;
    op.activeTs = Math.max(op.activeTs, f.endTs);
    op.responseSize += f.wireSize;
    if (f.problem !== null) op.responseProblem ??= f.problem;
    if (this.afterBackendLoss && f.type !== T.READY_FOR_QUERY) return;
    this.answer(op, f);
    this.settle();
  }

  /** A backend message with no operation waiting: an entry of its own when the backend may send it unasked. */
  private unasked(f: PgFrame): boolean {
    const fatal = f.type === T.ERROR && /^(FATAL|PANIC)$/.test(decodeFields(f.body)?.['severity'] ?? '');
    if (f.type !== T.NOTIFICATION && f.type !== T.NOTICE && f.type !== T.PARAMETER_STATUS && !fatal) return false;
    const op = newOperation('async', f.startTs);
    op.closed = true;
    op.responded = true;
    op.responseStart = op.requestEnd = f.startTs;
    op.responseEnd = f.endTs;
    op.responseSize = f.wireSize;
    if (f.problem !== null) op.responseProblem = f.problem;
    this.answer(op, f);
    this.emit(op);
    return true;
  }

  private answer(op: Operation, f: PgFrame): void {
    const body = f.body;
    switch (f.type) {
      case T.AUTHENTICATION:
        this.authentication(op, body);
        break;
      case T.PARAMETER_STATUS: {
        const pair = this.full || op.kind === 'async' ? decodeParameterStatus(body) : null;
        if (pair === null) break;
        if (op.kind === 'async') op.parameter = { name: pair[0], value: pair[1] };
        else (op.serverParameters ??= {})[pair[0]] = pair[1];
        break;
      }
      case T.BACKEND_KEY_DATA:
        if (body.length >= 4) op.processId = body.readInt32BE(0);
        break;
      case T.READY_FOR_QUERY:
        if (body.length === 1) op.transactionStatus = transactionStatus(body[0]!);
        this.ready(op);
        break;
      case T.PARSE_COMPLETE:
        this.answered(op, T.PARSE);
        break;
      case T.BIND_COMPLETE:
        this.answered(op, T.BIND);
        break;
      case T.CLOSE_COMPLETE:
        this.answered(op, T.CLOSE);
        break;
      case T.NO_DATA:
        this.answered(op, T.DESCRIBE);
        break;
      case T.ROW_DESCRIPTION:
        if (this.full) op.columns = decodeRowDescription(body);
        this.answered(op, T.DESCRIBE);
        break;
      case T.DATA_ROW:
        op.rowCount++;
        if (body.length > 0) this.sampleRow(op, body);
        break;
      case T.COMMAND_COMPLETE: {
        const tag = decodeTag(body);
        op.commandCount++;
        if (tag !== null) listed(op.commands, tag);
        this.answered(op, T.EXECUTE);
        break;
      }
      case T.EMPTY_QUERY:
        op.emptyQuery = true;
        this.answered(op, T.EXECUTE);
        break;
      case T.PORTAL_SUSPENDED:
        op.suspended = true;
        this.answered(op, T.EXECUTE);
        break;
      case T.ERROR:
        this.error(op, body);
        break;
      case T.NOTICE: {
        const fields = decodeFields(body);
        if (fields !== null) listed((op.notices ??= []), { severity: fields['severity'] ?? '', code: fields['code'] ?? '', message: fields['message'] ?? '' });
        break;
      }
      case T.NOTIFICATION: {
        const n = decodeNotification(body);
        if (n !== null) listed((op.notifications ??= []), n);
        break;
      }
      case T.COPY_IN:
      case T.COPY_OUT:
      case T.COPY_BOTH: {
        const r = decodeCopyResponse(body);
        const direction = f.type === T.COPY_IN ? 'in' : f.type === T.COPY_OUT ? 'out' : 'both';
        op.copy = { direction, format: r?.binary === true ? 'binary' : 'text', messages: 0, bytes: 0 };
        break;
      }
      case T.COPY_DATA:
        if (op.copy !== null) {
          op.copy.messages++;
          op.copy.bytes += f.length;
        }
        break;
    }
  }

  private authentication(op: Operation, body: Buffer): void {
    if (body.length < 4) return;
    const code = body.readUInt32BE(0);
    if (code === 0) op.authenticated = true;
    else if (code === 10) op.authentication = `SASL ${saslMechanisms(body).join(' ')}`.trim();
    else if (code !== 11 && code !== 12 && code !== 8) op.authentication = AUTH_NAMES[code] ?? `code ${code}`;
  }

  private sampleRow(op: Operation, body: Buffer): void {
    const formats = op.columns?.map((c) => c.format) ?? [];
    const row = decodeDataRow(body, formats, VALUE_CAP);
    if (row !== null) (op.rows ??= []).push(row);
  }

  /** The message `op` waits for next is `type`: it is answered. */
  private answered(op: Operation, type: number): void {
    if (op.awaiting[op.next] === type) op.next++;
  }

  /** ReadyForQuery answers the Sync, Query, FunctionCall or start-up waiting (and whatever was skipped before it). */
  private ready(op: Operation): void {
    if (this.afterBackendLoss) op.responseProblem ??= ErrorCodes.DIS_ERR_GAP;
    this.afterBackendLoss = false;
    this.skipping = false;
    const aw = op.awaiting;
    let i = op.next;
    while (i < aw.length && aw[i] !== T.SYNC && aw[i] !== T.QUERY && aw[i] !== T.FUNCTION_CALL && aw[i] !== AWAIT_STARTUP && aw[i] !== AWAIT_READY) i++;
    op.next = Math.min(aw.length, i + 1);
  }

  private error(op: Operation, body: Buffer): void {
    const fields = decodeFields(body);
    op.error ??= fields ?? { severity: 'ERROR', code: '', message: '(an ErrorResponse that does not parse)' };
    const waiting = op.awaiting[op.next];
    if (waiting === AWAIT_STARTUP || waiting === AWAIT_ANSWER) {
      // The start-up failed (the server closes the connection), or a server that knows no SSLRequest.
      op.next = op.awaiting.length;
      return;
    }
    if (waiting === T.QUERY || waiting === T.FUNCTION_CALL || waiting === AWAIT_READY || waiting === undefined) return;
    // An extended message failed: everything up to the next Sync is discarded (§55.2.3).
    this.skipToSync(op);
  }

  private skipToSync(failed: Operation): void {
    for (const op of this.queue) {
      if (op.next < op.awaiting.length && op !== failed) op.skipped = true;
      while (op.next < op.awaiting.length && op.awaiting[op.next] !== T.SYNC) op.next++;
      if (op.next < op.awaiting.length) return;
    }
    this.skipping = true;
  }

  /** Emit the operations at the front of the queue that are complete, in order. */
  private settle(): void {
    const queue = this.queue;
    while (queue.length > 0 && isComplete(queue[0]!)) {
      const op = queue.shift()!;
      if (!op.emitted) this.emit(op);
    }
  }

  // ---- losses, time, the end -----------------------------------------------------------------

  /** Frontend messages were lost: their answers come before those of the next one seen. */
  frontendLost(ts: number): void {
    this.closeOpen();
    const op = newOperation('unseen', ts);
    op.requestProblem = ErrorCodes.DIS_ERR_GAP;
    op.awaiting.push(AWAIT_READY);
    op.closed = true;
    this.enqueue(op);
  }

  /** Backend messages were lost: the operation waiting takes what comes up to the next ReadyForQuery. */
  backendLost(): void {
    const op = this.queue[0];
    if (op !== undefined) op.responseProblem ??= ErrorCodes.DIS_ERR_GAP;
    this.afterBackendLoss = true;
  }

  /** The one-byte answer to an encryption request; returns the operation it answered, or null. */
  encryptionAnswer(byte: number, ts: number): Operation | null {
    const op = this.queue[0];
    if (op === undefined || op.awaiting[op.next] !== AWAIT_ANSWER) return null;
    op.answer = String.fromCharCode(byte);
    op.responded = true;
    op.responseStart = op.responseEnd = ts;
    op.responseSize = 1;
    op.next++;
    this.settle();
    return op;
  }

  /** Operations waiting longer than `timeoutMs` are emitted unanswered (their answers are still read into them). */
  expire(now: number, timeoutMs: number): void {
    for (const op of this.queue) {
      if (op.emitted) continue;
      if (now - op.activeTs <= timeoutMs) break;
      this.emitUnanswered(op);
    }
  }

  /** The connection is gone: everything still waiting is emitted. */
  drain(): void {
    this.closeOpen();
    const queue = this.queue.splice(0);
    for (const op of queue) if (!op.emitted) this.emitUnanswered(op);
  }

  private emitUnanswered(op: Operation): void {
    op.emitted = true;
    if (op.next < op.awaiting.length) op.responseProblem ??= op.responded ? ErrorCodes.DIS_ERR_TRUNCATED : ErrorCodes.DIS_ERR_NO_RESPONSE;
    this.emit(op);
  }
}
