/**
 * The pairing rule of MySQL: which server packets answer which client packets.
 *
 * The server answers commands in the order it reads them (a client may send the next command
 * before the answer: MariaDB Connector/Node pipelines), so pairing is by order: each command is
 * queued, and the server's packets answer the oldest one whose answer is not complete. Where an
 * answer ends is read from the packets themselves, by the command (packets.ts):
 *
 *   COM_QUERY, COM_STMT_EXECUTE  OK | ERR | column count, column definitions [EOF], rows,
 *                                EOF or (CLIENT_DEPRECATE_EOF) an OK with the header 0xFE; a
 *                                status with SERVER_MORE_RESULTS_EXISTS: another result follows
 *   COM_STMT_PREPARE             PREPARE_OK, parameter definitions [EOF], column definitions [EOF] | ERR
 *   COM_FIELD_LIST               column definitions, EOF | ERR
 *   COM_PING, COM_INIT_DB, …     one packet: OK | ERR | EOF; COM_STATISTICS: one string
 *   COM_QUIT, COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA   nothing
 *
 * The connection phase is an operation too: the server's greeting opens it, the client's
 * handshake response (or SSLRequest: TLS follows, the connection is handed over) joins it, and
 * the authentication exchange (AuthSwitchRequest, AuthMoreData and the client's answers, never
 * kept) ends at the server's OK or ERR. The capabilities the two agreed on there say whether EOF
 * packets are sent (CLIENT_DEPRECATE_EOF) and whether a result set may come without its column
 * definitions (MariaDB's CACHE_METADATA: the client has them from the prepare); on a connection
 * joined later, the packets' lengths tell EOF (5 bytes) from an OK.
 *
 * A prepared statement's text is carried from COM_STMT_PREPARE to the executions of its id (id
 * 0xFFFFFFFF: the statement prepared last, MariaDB's direct execution), with its parameter
 * count and column types for the binary values.
 *
 * After a loss the framing is found again (reader.ts), but not which command was answered: lost
 * client packets make an `unseen` operation that takes the server's packets up to the first packet
 * (sequence 1) of the next answer; lost server packets end the waiting operation, marked
 * DIS_ERR_GAP, at the next answer's first packet.
 */

import { ErrorCodes } from '@shoal/model';
import {
  CAP,
  COM,
  Cursor,
  MARIADB_CAP,
  SERVER_MORE_RESULTS_EXISTS,
  decodeBinaryRow,
  decodeColumn,
  decodeEof,
  decodeErr,
  decodeExecuteParams,
  decodeGreeting,
  decodeHandshakeResponse,
  decodeOk,
  decodePrepareOk,
  decodeTextRow,
  type ColumnDef,
} from './packets.js';
import { Expect, MAX_RESULTS, Phase, newOperation, type Operation } from './operation.js';
import type { MyPacket } from './reader.js';

/** Bytes of a query's text kept. */
const QUERY_CAP = 64 * 1024;
/** Bytes kept of the packets read for their first fields (OK, ERR, EOF, counts, definitions). */
const SMALL_CAP = 4096;
/** Bytes kept of a row when it is not shown: enough for a terminator's status. */
const ROW_PEEK = 64;
/** Operations waiting at once; past it the oldest is emitted unanswered. */
const MAX_PENDING = 1024;
/** Prepared statements remembered per connection. */
const MAX_STATEMENTS = 256;
/** Detail `full`: rows shown per operation, values per row, characters per value. */
export const MAX_ROWS = 20;
const MAX_VALUES = 100;
const VALUE_CAP = 200;
/** COM_STMT_EXECUTE of this id: the statement prepared last (MariaDB). */
const LAST_PREPARED = 0xffffffff;

interface Statement {
  query: string;
  params: number;
  columns: ColumnDef[] | null;
  /** The parameter types of the last execution that sent them. */
  paramTypes: number[] | null;
}

/** What reading a client packet asks of the stream. */
export const enum Then {
  Nothing,
  /** An SSLRequest: TLS follows. */
  Tls,
}

export class Conversation {
  private readonly queue: Operation[] = [];
  /** Still in the connection phase (no command yet). */
  private connecting = true;
  /** The capabilities both sides agreed on; null until the handshake response was seen. */
  private caps: number | null = null;
  private mariadbCaps = 0;
  private serverCaps = 0xffffffff;
  private serverMariadbCaps = 0xffffffff;
  /** CLIENT_DEPRECATE_EOF on the connection, learnt from the packets when the handshake was not seen. */
  private deprecateEof: boolean | null = null;
  private readonly statements = new Map<number, Statement>();
  private lastPrepared = -1;
  /** Server packets were lost: what comes before the next answer's first packet is dropped. */
  private afterServerLoss = false;

  constructor(
    private readonly full: boolean,
    private readonly bodyCap: number,
    private readonly emit: (op: Operation) => void,
  ) {}

  // ---- what to keep of each packet ----------------------------------------------------------

  keepClient(seq: number): number {
    if (seq !== 0) return this.connecting ? SMALL_CAP : 0;
    return QUERY_CAP;
  }

  keepServer(length: number): number {
    const op = this.queue[0];
    if (op === undefined || op.phase === Phase.First) return SMALL_CAP;
    if (op.phase === Phase.Rows) return this.full && (op.rows?.length ?? 0) < MAX_ROWS && op.results.length <= 1 ? Math.min(length, Math.max(ROW_PEEK, this.bodyCap)) : ROW_PEEK;
    return this.full || op.phase === Phase.PrepareColumns ? SMALL_CAP : ROW_PEEK;
  }

  // ---- the client ----------------------------------------------------------------------------

  client(p: MyPacket): Then {
    // A command has sequence 0; the packets after it in one exchange (the handshake response,
    // authentication data, a LOCAL INFILE file) count on from the server's.
    if (p.sequence === 0) {
      this.command(p);
      return Then.Nothing;
    }
    let op = this.connecting ? this.handshakeOp() : null;
    if (op === null && this.connecting && p.sequence === 1 && decodeHandshakeResponse(p.payload) !== null) op = this.openHandshake(p.startTs);
    op ??= this.queue[0] ?? null;
    if (op === null) return Then.Nothing;
    this.addRequest(op, p);
    return op.kind === 'handshake' && !op.requestSeen ? this.handshakeResponse(op, p) : Then.Nothing;
  }

  private handshakeOp(): Operation | null {
    const op = this.queue[0];
    return op !== undefined && op.kind === 'handshake' ? op : null;
  }

  /** The handshake response without the greeting before it (the capture began between them). */
  private openHandshake(ts: number): Operation {
    const op = newOperation('handshake', -1, Expect.Auth, ts);
    this.enqueue(op);
    return op;
  }

  private handshakeResponse(op: Operation, p: MyPacket): Then {
    op.requestSeen = true;
    const hs = decodeHandshakeResponse(p.payload);
    if (hs === null) {
      op.requestProblem ??= ErrorCodes.DIS_ERR_SYNTAX;
      return Then.Nothing;
    }
    this.caps = (hs.capabilities & this.serverCaps) >>> 0;
    this.mariadbCaps = (hs.mariadbCapabilities & this.serverMariadbCaps) >>> 0;
    if (hs.ssl) {
      op.tls = true;
      op.phase = Phase.Done;
      this.settle();
      return Then.Tls;
    }
    op.user = hs.user;
    op.database = hs.database;
    op.clientPlugin = hs.authPlugin;
    op.attributes = hs.attributes;
    return Then.Nothing;
  }

  private addRequest(op: Operation, p: MyPacket): void {
    op.requestSize += p.wireSize;
    op.requestEnd = Math.max(op.requestEnd, p.endTs);
    op.activeTs = Math.max(op.activeTs, p.endTs);
    if (p.problem !== null) op.requestProblem ??= p.problem;
  }

  /** A command: its operation, and what its answer will be. */
  private command(p: MyPacket): void {
    this.connecting = false;
    const payload = p.payload;
    const command = payload.length > 0 ? payload[0]! : -1;
    const op = newOperation('command', command, expectOf(command), p.startTs);
    op.requestSeen = true;
    this.addRequest(op, p);
    const c = new Cursor(payload, 1);
    switch (command) {
      case COM.QUERY:
        this.setQuery(op, payload, this.queryStart(payload), p.length);
        break;
      case COM.STMT_PREPARE:
        this.setQuery(op, payload, 1, p.length);
        break;
      case COM.STMT_EXECUTE:
        this.execute(op, payload);
        break;
      case COM.STMT_FETCH:
      case COM.STMT_CLOSE:
      case COM.STMT_RESET:
      case COM.STMT_SEND_LONG_DATA: {
        const id = c.u32();
        if (c.bad) break;
        op.statementId = id;
        op.query = this.statements.get(id)?.query ?? null;
        if (command === COM.STMT_CLOSE) this.statements.delete(id);
        // A fetch answers rows of the cursor only.
        if (command === COM.STMT_FETCH) {
          op.phase = Phase.Rows;
          op.resultColumns = this.statements.get(id)?.columns ?? null;
          op.results.push({ ok: false, columns: op.resultColumns?.length ?? 0, rows: 0 });
        }
        break;
      }
      case COM.INIT_DB:
        op.argument = c.restText();
        break;
      case COM.FIELD_LIST:
        op.argument = c.nulText();
        break;
      case COM.PROCESS_KILL:
        op.argument = String(c.u32());
        break;
      case COM.CHANGE_USER:
        op.user = c.nulText();
        break;
    }
    if (op.expect === Expect.None) op.phase = Phase.Done;
    this.enqueue(op);
    this.settle();
  }

  /** Where a COM_QUERY's text starts: after the query attributes, when CLIENT_QUERY_ATTRIBUTES was agreed (none: 0x00 0x01). */
  private queryStart(payload: Buffer): number {
    if (this.caps === null || (this.caps & CAP.QUERY_ATTRIBUTES) === 0) return 1;
    const c = new Cursor(payload, 1);
    const count = c.lenenc();
    c.lenenc();
    // With attributes their types, names and values come first: the text is not read past them.
    return c.bad || count !== 0 ? -1 : c.pos;
  }

  private setQuery(op: Operation, payload: Buffer, from: number, length: number): void {
    if (from < 0) return;
    op.query = from < payload.length ? new Cursor(payload, from).restText() : '';
    op.queryCut = payload.length < length;
  }

  private execute(op: Operation, payload: Buffer): void {
    if (payload.length < 10) {
      op.requestProblem ??= ErrorCodes.DIS_ERR_SYNTAX;
      return;
    }
    const sent = payload.readUInt32LE(1);
    const id = sent === LAST_PREPARED ? this.lastPrepared : sent;
    op.statementId = id;
    const statement = this.statements.get(id);
    op.query = statement?.query ?? null;
    if (statement === undefined) return;
    op.resultColumns = statement.columns;
    if (!this.full || statement.params === 0) return;
    const params = decodeExecuteParams(payload, statement.params, statement.paramTypes, VALUE_CAP, MAX_VALUES);
    if (params === null) return;
    op.parameters = params.values;
    statement.paramTypes = params.types;
  }

  private enqueue(op: Operation): void {
    this.queue.push(op);
    if (this.queue.length <= MAX_PENDING) return;
    const oldest = this.queue.shift()!;
    if (!oldest.emitted) this.emitUnanswered(oldest);
  }

  // ---- the server ----------------------------------------------------------------------------

  server(p: MyPacket): void {
    if (this.afterServerLoss) {
      if (p.sequence !== 1 && !(p.sequence === 0 && this.connecting)) return;
      this.afterServerLoss = false;
      const lost = this.queue[0];
      if (lost !== undefined) {
        lost.cut = lost.expect !== Expect.Unknown;
        lost.phase = Phase.Done;
        this.settle();
      }
    }
    let op = this.queue[0];
    // An unseen command's answer ends where the next one's starts.
    if (op !== undefined && op.expect === Expect.Unknown && op.responded && p.sequence === 1 && this.queue.length > 1) {
      op.phase = Phase.Done;
      this.settle();
      op = this.queue[0];
    }
    if (op === undefined) {
      const greeting = p.sequence === 0 && this.connecting;
      op = greeting ? newOperation('handshake', -1, Expect.Auth, p.startTs) : newOperation('unseen', -1, Expect.Unknown, p.startTs);
      if (!greeting) op.requestProblem = ErrorCodes.DIS_ERR_NO_REQUEST;
      this.queue.push(op);
    }
    if (!op.responded) {
      op.responded = true;
      op.responseStart = p.startTs;
    }
    op.responseEnd = p.endTs;
    op.activeTs = Math.max(op.activeTs, p.endTs);
    op.responseSize += p.wireSize;
    if (p.problem !== null) op.responseProblem ??= p.problem;
    this.answer(op, p);
    // A packet past the answer's end belongs to the next operation: the prepare's EOF that was not there.
    this.settle();
  }

  private answer(op: Operation, p: MyPacket): void {
    const payload = p.payload;
    const first = payload.length > 0 ? payload[0]! : -1;
    switch (op.expect) {
      case Expect.Auth:
        this.auth(op, p, first);
        return;
      case Expect.Single:
        if (first === 0xff) op.error = decodeErr(payload);
        else if (op.command === COM.STATISTICS) op.statistics = new Cursor(payload).take(payload.length, VALUE_CAP);
        else if (first === 0x00) this.ok(op, payload);
        op.phase = Phase.Done;
        return;
      case Expect.Unknown:
        if (first === 0xff) op.error ??= decodeErr(payload);
        return;
      case Expect.None:
        return;
      default:
        this.resultPacket(op, p, first);
    }
  }

  /** The connection phase's packets from the server. */
  private auth(op: Operation, p: MyPacket, first: number): void {
    const payload = p.payload;
    if (p.sequence === 0 && first === 0x0a && op.greeting === null) {
      op.greeting = decodeGreeting(payload);
      if (op.greeting === null) op.responseProblem ??= ErrorCodes.DIS_ERR_SYNTAX;
      else {
        this.serverCaps = op.greeting.capabilities;
        this.serverMariadbCaps = op.greeting.mariadbCapabilities;
      }
      return;
    }
    if (first === 0x00) {
      op.authenticated = true;
      op.phase = Phase.Done;
    } else if (first === 0xff) {
      op.error = decodeErr(payload);
      op.phase = Phase.Done;
    } else if (first === 0xfe) {
      op.authSwitch = payload.length > 1 ? new Cursor(payload, 1).nulText() : '';
    }
    // 0x01: AuthMoreData (a plugin's own exchange): the client answers, the server goes on.
  }

  private ok(op: Operation, payload: Buffer): number {
    const ok = decodeOk(payload, this.caps !== null && (this.caps & CAP.SESSION_TRACK) !== 0);
    if (ok === null) {
      op.responseProblem ??= ErrorCodes.DIS_ERR_SYNTAX;
      return 0;
    }
    if (op.results.length < MAX_RESULTS) op.results.push({ ok: true, affectedRows: ok.affectedRows, lastInsertId: ok.lastInsertId, warnings: ok.warnings, info: ok.info });
    return ok.status;
  }

  /** COM_QUERY, COM_STMT_EXECUTE, COM_STMT_PREPARE, COM_FIELD_LIST: the answer, packet by packet. */
  private resultPacket(op: Operation, p: MyPacket, first: number): void {
    const payload = p.payload;
    if (first === 0xff) {
      op.error ??= decodeErr(payload);
      op.phase = Phase.Done;
      return;
    }
    switch (op.phase) {
      case Phase.First:
        this.firstPacket(op, p, first);
        return;
      case Phase.Columns:
      case Phase.PrepareParams:
      case Phase.PrepareColumns:
        this.definition(op, payload);
        return;
      case Phase.ColumnsEof:
      case Phase.PrepareParamsEof:
      case Phase.PrepareColumnsEof:
        if (first === 0xfe && p.length === 5) {
          this.deprecateEof ??= false;
          op.phase = op.phase === Phase.ColumnsEof ? Phase.Rows : op.phase === Phase.PrepareParamsEof ? this.prepareColumns(op) : Phase.Done;
          return;
        }
        // No EOF there: the connection deprecated it (learnt now), and this is the next packet.
        this.deprecateEof = true;
        op.phase = op.phase === Phase.ColumnsEof ? Phase.Rows : op.phase === Phase.PrepareParamsEof ? this.prepareColumns(op) : Phase.Done;
        if (op.phase === Phase.Done) this.reanswer(p);
        else this.resultPacket(op, p, first);
        return;
      case Phase.Rows:
        this.row(op, p, first);
        return;
    }
  }

  private firstPacket(op: Operation, p: MyPacket, first: number): void {
    const payload = p.payload;
    if (op.expect === Expect.Prepare) {
      const prepared = decodePrepareOk(payload);
      if (prepared === null) {
        op.responseProblem ??= ErrorCodes.DIS_ERR_SYNTAX;
        op.phase = Phase.Done;
        return;
      }
      op.prepared = prepared;
      op.statementId = prepared.statementId;
      this.lastPrepared = prepared.statementId;
      this.rememberStatement(prepared.statementId, { query: op.query ?? '', params: prepared.params, columns: null, paramTypes: null });
      op.left = prepared.params;
      op.phase = prepared.params > 0 ? Phase.PrepareParams : this.prepareColumns(op);
      return;
    }
    if (op.expect === Expect.FieldList) {
      op.phase = Phase.Columns;
      op.left = Number.MAX_SAFE_INTEGER;
      this.definition(op, payload);
      return;
    }
    if (first === 0x00 && p.length >= 7) {
      const status = this.ok(op, payload);
      op.phase = (status & SERVER_MORE_RESULTS_EXISTS) !== 0 ? Phase.First : Phase.Done;
      return;
    }
    // 0xFB: LOCAL INFILE: the client sends the file; the OK or ERR after it is a first packet again.
    if (first === 0xfb) return;
    const c = new Cursor(payload);
    const columns = c.lenenc();
    if (c.bad) {
      op.responseProblem ??= ErrorCodes.DIS_ERR_SYNTAX;
      op.phase = Phase.Done;
      return;
    }
    // MariaDB's CACHE_METADATA: a byte says whether the definitions follow (the client may have them).
    const metadata = c.left > 0 ? payload[c.pos] : 1;
    if (op.results.length < MAX_RESULTS) op.results.push({ ok: false, columns, rows: 0 });
    if (metadata === 0 && (this.mariadbCaps & MARIADB_CAP.CACHE_METADATA) !== 0) {
      op.phase = Phase.Rows;
      return;
    }
    op.resultColumns = op.command === COM.STMT_EXECUTE ? [] : null;
    op.left = columns;
    op.phase = Phase.Columns;
  }

  private prepareColumns(op: Operation): Phase {
    op.left = op.prepared?.columns ?? 0;
    return op.left > 0 ? Phase.PrepareColumns : Phase.Done;
  }

  /** A column (or parameter) definition. */
  private definition(op: Operation, payload: Buffer): void {
    if (op.expect === Expect.FieldList && payload[0] === 0xfe && payload.length < 9) {
      op.phase = Phase.Done;
      return;
    }
    const wanted = op.phase === Phase.PrepareColumns || (op.phase === Phase.Columns && (this.full || op.resultColumns !== null));
    const column = wanted ? decodeColumn(payload) : null;
    if (column !== null) {
      if (op.phase === Phase.PrepareColumns) {
        const statement = this.statements.get(op.statementId ?? -1);
        if (statement !== undefined) (statement.columns ??= []).push(column);
      } else if (op.phase === Phase.Columns) {
        if (op.resultColumns !== null) op.resultColumns.push(column);
        if (this.full && op.results.length === 1 && op.expect !== Expect.FieldList) (op.columns ??= []).push(column);
      }
    }
    if (--op.left > 0) return;
    const eof = this.eofDeprecated() !== true;
    if (op.phase === Phase.Columns) op.phase = eof ? Phase.ColumnsEof : Phase.Rows;
    else if (op.phase === Phase.PrepareParams) op.phase = eof ? Phase.PrepareParamsEof : this.prepareColumns(op);
    else op.phase = eof ? Phase.PrepareColumnsEof : Phase.Done;
  }

  private eofDeprecated(): boolean | null {
    if (this.caps !== null) return (this.caps & CAP.DEPRECATE_EOF) !== 0;
    return this.deprecateEof;
  }

  /** A row, or the result set's end: an EOF (5 bytes), or under DEPRECATE_EOF an OK with the header 0xFE. */
  private row(op: Operation, p: MyPacket, first: number): void {
    const payload = p.payload;
    const deprecated = this.eofDeprecated();
    const end = first === 0xfe && p.length < 0xffffff && (deprecated === null ? p.length < 9 : deprecated ? p.length >= 7 : p.length === 5);
    if (end) {
      const status = p.length === 5 ? (decodeEof(payload)?.status ?? 0) : this.terminatorStatus(op, payload);
      op.phase = (status & SERVER_MORE_RESULTS_EXISTS) !== 0 ? Phase.First : Phase.Done;
      return;
    }
    op.rowCount++;
    const result = op.results[op.results.length - 1];
    if (result !== undefined && !result.ok) result.rows++;
    // Sampled as keepServer kept it: the first result set's first rows, in detail full.
    if (!this.full || op.results.length > 1 || (op.rows?.length ?? 0) >= MAX_ROWS) return;
    const binary = op.command === COM.STMT_EXECUTE || op.command === COM.STMT_FETCH;
    if (binary && (op.resultColumns === null || op.resultColumns.length === 0)) return;
    const values = binary ? decodeBinaryRow(payload, op.resultColumns!, VALUE_CAP, MAX_VALUES) : decodeTextRow(payload, result?.ok === false ? result.columns : MAX_VALUES, VALUE_CAP, MAX_VALUES);
    (op.rows ??= []).push(values);
  }

  /** The OK that ends a result set under DEPRECATE_EOF: counted with its rows' result, not as a result of its own. */
  private terminatorStatus(op: Operation, payload: Buffer): number {
    const ok = decodeOk(payload, this.caps !== null && (this.caps & CAP.SESSION_TRACK) !== 0);
    if (ok === null) return 0;
    return ok.status;
  }

  /** A packet that is not the current operation's: it goes to the next one (the current one is done). */
  private reanswer(p: MyPacket): void {
    this.settle();
    const next = this.queue[0];
    if (next !== undefined) this.answer(next, p);
  }

  private rememberStatement(id: number, statement: Statement): void {
    this.statements.delete(id);
    this.statements.set(id, statement);
    if (this.statements.size > MAX_STATEMENTS) this.statements.delete(this.statements.keys().next().value!);
  }

  /** Emit the operations at the front of the queue whose answers are complete, in order. */
  private settle(): void {
    const queue = this.queue;
    while (queue.length > 0 && queue[0]!.phase === Phase.Done) {
      const op = queue.shift()!;
      if (!op.emitted) this.emit(op);
    }
  }

  // ---- losses, time, the end -----------------------------------------------------------------

  /** Client packets were lost: their answers come before those of the next command seen. */
  clientLost(ts: number): void {
    this.connecting = false;
    const op = newOperation('unseen', -1, Expect.Unknown, ts);
    op.requestProblem = ErrorCodes.DIS_ERR_GAP;
    this.enqueue(op);
  }

  /** Server packets were lost: the waiting operation ends at the next answer's first packet. */
  serverLost(): void {
    const op = this.queue[0];
    if (op !== undefined) op.responseProblem ??= ErrorCodes.DIS_ERR_GAP;
    this.afterServerLoss = true;
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
    for (const op of this.queue.splice(0)) {
      if (op.emitted) continue;
      // An unseen command's answer has no known end: what came is all there is.
      if (op.expect === Expect.Unknown) op.phase = Phase.Done;
      this.emitUnanswered(op);
    }
  }

  private emitUnanswered(op: Operation): void {
    op.emitted = true;
    if (op.phase === Phase.Done) return this.emit(op);
    op.cut = op.responded;
    op.responseProblem ??= op.responded ? ErrorCodes.DIS_ERR_TRUNCATED : ErrorCodes.DIS_ERR_NO_RESPONSE;
    this.emit(op);
  }
}

function expectOf(command: number): Expect {
  switch (command) {
    case COM.QUERY:
    case COM.STMT_EXECUTE:
    case COM.STMT_FETCH:
      return Expect.Results;
    case COM.STMT_PREPARE:
      return Expect.Prepare;
    case COM.FIELD_LIST:
      return Expect.FieldList;
    case COM.CHANGE_USER:
      return Expect.Auth;
    case COM.QUIT:
    case COM.STMT_CLOSE:
    case COM.STMT_SEND_LONG_DATA:
      return Expect.None;
    default:
      return Expect.Single;
  }
}
