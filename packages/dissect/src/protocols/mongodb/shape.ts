/**
 * A request and its reply → the transaction (the protocol part of an Entry).
 *
 * ## MongoDB entry shape (protocol.name `mongodb`)
 *
 * `protocol`: `{ name: 'mongodb', abbr: 'MONGO', layer4: 'tcp' }`.
 *
 * `request` (null when only the reply was seen):
 * - `opCode` (`OP_MSG`, `OP_QUERY`, `OP_COMPRESSED`, …), `requestId`, `size` (bytes of the
 *   message, its header included).
 * - `command`: the command's name, the first key of the body (OP_MSG), or of an OP_QUERY's query
 *   on `<db>.$cmd` (`query` for an OP_QUERY on a collection).
 * - `database`: `$db` (OP_MSG), or the part before the first dot of an OP_QUERY's collection.
 * - `collection`: the command's value when it is a string (`{ find: "orders" }`), `collection` of
 *   a getMore, or the part after the first dot of an OP_QUERY's collection.
 * - `documentCount`: the documents an insert, update or delete carries (its kind-1 section, or
 *   the body's array).
 * - `flags` (OP_MSG: `checksumPresent`, `moreToCome`, `exhaustAllowed`), `checksum` (hex),
 *   `compressed` (OP_COMPRESSED: `{ compressor, originalOpCode }`).
 * - `body` (detail `full`): the command document as MongoDB Extended JSON (relaxed), `sequences`:
 *   the kind-1 sections `{ identifier, count, documents (the first 10) }`.
 * - `decodeError`: why the body could not be read to its end; `truncated`: the message was longer
 *   than kept (max(4 × body cap, 1 MiB)).
 *
 * `response` (null when none came): `opCode`, `requestId`, `responseTo`, `size`; `ok` (the
 * reply's `ok`, a number); `status`: `error` when `ok` is 0 or the reply carries `writeErrors` or
 * `writeConcernError`, else `ok`; `errmsg`, `code`, `codeName` (of the command, else of the first
 * write error); `n` (documents written); `cursorId` and `batchSize` (documents in
 * `cursor.firstBatch` / `nextBatch`), `numberReturned` (OP_REPLY); `body`, `documents`
 * (OP_REPLY, the first 10), `decodeError`, `truncated` as for the request.
 *
 * Detail `summary` leaves out `body`, `sequences` and `documents`; every other field is the same.
 *
 * `summary`: `method` the command, `path` `<database>.<collection>` (the database alone when the
 * command names no collection). `text`: `<command> <path> -> <result>`: `find shop.orders -> 2
 * docs`, `insert shop.orders (3 docs) -> ok n=3`, `update shop.orders (1 update) -> ok n=1`,
 * `ismaster admin -> ok`, `nope shop -> error 59 CommandNotFound`, `insert shop.orders (1 doc) ->
 * error 11000`, `find shop.orders -> no response`, `endSessions admin -> no response
 * (moreToCome)`.
 *
 * `malformed`: `DIS_ERR_GAP`, `DIS_ERR_TRUNCATED` (the stream ended inside the message, or not
 * even its header came), `DIS_ERR_NO_RESPONSE` (not for moreToCome), `DIS_ERR_NO_REQUEST`.
 */

import { ErrorCodes, type Malformed, type Message, type ProtocolInfo } from '@shoal/model';
import type { Transaction } from '../../dissector.js';
import type { FramedMessage } from '../size-framer.js';
import { OP_QUERY, opName, type MongoMessage } from './wire.js';

export const PROTOCOL_MONGODB: ProtocolInfo = Object.freeze({ name: 'mongodb', abbr: 'MONGO', layer4: 'tcp' } as const);

/** A message as it arrived: framed, and read (null when not even its header came). */
export interface MongoArrival {
  framed: FramedMessage;
  msg: MongoMessage | null;
}

interface CommandFacts {
  command: string;
  database?: string;
  collection?: string;
  documentCount?: number;
}

const WRITES = new Set(['insert', 'update', 'delete']);
const WRITE_SEQUENCES: Readonly<Record<string, string>> = { insert: 'documents', update: 'updates', delete: 'deletes' };

function commandOf(m: MongoMessage): CommandFacts {
  if (m.opCode === OP_QUERY || m.compressed?.originalOpCode === 'OP_QUERY') {
    const full = m.fullCollectionName ?? '';
    const dot = full.indexOf('.');
    const database = dot < 0 ? full : full.slice(0, dot);
    const coll = dot < 0 ? '' : full.slice(dot + 1);
    if (coll === '$cmd') return { command: firstKey(m.body) ?? 'query', database };
    return { command: 'query', database, collection: coll };
  }
  const body = m.body ?? {};
  const command = firstKey(body) ?? opName(m.opCode);
  const out: CommandFacts = { command };
  const db = body['$db'];
  if (typeof db === 'string') out.database = db;
  const value = body[command];
  if (command === 'getMore' && typeof body['collection'] === 'string') out.collection = body['collection'];
  else if (typeof value === 'string' && command !== 'getMore') out.collection = value;
  if (WRITES.has(command)) {
    const seq = m.sequences.find((s) => s.identifier === WRITE_SEQUENCES[command]);
    const inline = body[WRITE_SEQUENCES[command]!];
    const count = seq?.count ?? (Array.isArray(inline) ? inline.length : undefined);
    if (count !== undefined) out.documentCount = count;
  }
  return out;
}

function firstKey(doc: Record<string, unknown> | null): string | undefined {
  if (doc === null) return undefined;
  for (const k in doc) return k;
  return undefined;
}

interface ReplyFacts {
  ok: number | null;
  status: 'ok' | 'error';
  errmsg?: string;
  code?: number;
  codeName?: string;
  n?: number;
  cursorId?: unknown;
  batchSize?: number;
  /** OP_REPLY: its numberReturned. */
  numberReturned?: number;
}

function replyOf(m: MongoMessage): ReplyFacts {
  const body = m.body ?? {};
  const ok = typeof body['ok'] === 'number' ? body['ok'] : typeof body['ok'] === 'boolean' ? Number(body['ok']) : null;
  const out: ReplyFacts = { ok, status: ok === 0 ? 'error' : 'ok' };
  const firstWriteError = Array.isArray(body['writeErrors']) ? (body['writeErrors'][0] as Record<string, unknown> | undefined) : undefined;
  const concern = body['writeConcernError'] as Record<string, unknown> | undefined;
  const source = ok === 0 ? body : (firstWriteError ?? concern);
  if (source !== undefined) {
    out.status = 'error';
    if (typeof source['errmsg'] === 'string') out.errmsg = source['errmsg'];
    if (typeof source['code'] === 'number') out.code = source['code'];
    if (typeof source['codeName'] === 'string') out.codeName = source['codeName'];
  }
  if (typeof body['n'] === 'number') out.n = body['n'];
  const cursor = body['cursor'] as Record<string, unknown> | undefined;
  if (cursor !== undefined && typeof cursor === 'object' && cursor !== null) {
    out.cursorId = cursor['id'];
    const batch = cursor['firstBatch'] ?? cursor['nextBatch'];
    if (Array.isArray(batch)) out.batchSize = batch.length;
  } else if (m.opCode === 1) out.numberReturned = m.numberReturned;
  return out;
}

const docs = (n: number): string => `${n} doc${n === 1 ? '' : 's'}`;
/** What the documents of a write are: inserted documents, update or delete statements. */
const WRITE_UNITS: Readonly<Record<string, [string, string]>> = { insert: ['doc', 'docs'], update: ['update', 'updates'], delete: ['delete', 'deletes'] };
const units = (command: string, n: number): string => {
  const [one, many] = WRITE_UNITS[command] ?? ['doc', 'docs'];
  return `${n} ${n === 1 ? one : many}`;
};

export function mongoTransaction(req: MongoArrival | null, res: MongoArrival | null, full: boolean): Transaction {
  const first = (req ?? res)!.framed;
  const q = req?.msg ?? null;
  const r = res?.msg ?? null;
  const facts = q !== null ? commandOf(q) : null;
  const reply = r !== null ? replyOf(r) : null;
  const tx: Transaction = {
    protocol: PROTOCOL_MONGODB,
    timestamp: first.startTs,
    endTimestamp: (res?.framed ?? first).endTs,
    summary: { text: '' },
    request: q !== null ? requestJson(req!, q, facts!, full) : null,
    response: r !== null ? responseJson(res!, r, reply!, full) : null,
    requestSize: req !== null ? 4 + req.framed.size : 0,
    responseSize: res !== null ? 4 + res.framed.size : 0,
  };
  const path = facts === null ? undefined : facts.collection !== undefined ? (facts.database !== undefined ? `${facts.database}.${facts.collection}` : facts.collection) : facts.database;
  if (facts !== null) tx.summary.method = facts.command;
  if (path !== undefined) tx.summary.path = path;
  let asked = facts === null ? (req !== null ? '(malformed request)' : `(no request) #${r?.responseTo ?? '?'}`) : [facts.command, path].filter((x) => x !== undefined).join(' ');
  if (facts?.documentCount !== undefined) asked += ` (${units(facts.command, facts.documentCount)})`;
  tx.summary.text = `${asked} -> ${result(q, facts, res, reply)}`;
  const malformed = problemOf(req, res);
  if (malformed !== undefined) tx.malformed = malformed;
  return tx;
}

function result(q: MongoMessage | null, facts: CommandFacts | null, res: MongoArrival | null, reply: ReplyFacts | null): string {
  if (res === null) return q?.moreToCome ? 'no response (moreToCome)' : 'no response';
  if (reply === null) return 'malformed response';
  if (reply.status === 'error') return ['error', reply.code, reply.codeName].filter((x) => x !== undefined).join(' ');
  if (reply.batchSize !== undefined) return docs(reply.batchSize);
  // An OP_REPLY to a query on a collection returns documents; to a command, its one reply.
  if (reply.numberReturned !== undefined && facts?.command === 'query') return docs(reply.numberReturned);
  return reply.n !== undefined ? `ok n=${reply.n}` : 'ok';
}

function requestJson(a: MongoArrival, m: MongoMessage, facts: CommandFacts, full: boolean): Message {
  const out: Message = { opCode: opName(m.opCode), requestId: m.requestId, size: 4 + a.framed.size, ...facts };
  if (m.flags.length > 0) out.flags = m.flags;
  if (m.checksum !== null) out.checksum = m.checksum;
  if (m.compressed !== null) out.compressed = m.compressed;
  if (full && m.body !== null) out.body = m.body;
  if (full && m.sequences.length > 0) out.sequences = m.sequences;
  tail(out, a, m);
  return out;
}

function responseJson(a: MongoArrival, m: MongoMessage, reply: ReplyFacts, full: boolean): Message {
  const out: Message = { opCode: opName(m.opCode), requestId: m.requestId, responseTo: m.responseTo, size: 4 + a.framed.size, ...reply };
  if (m.compressed !== null) out.compressed = m.compressed;
  if (full && m.body !== null) out.body = m.body;
  if (full && m.documents.length > 1) out.documents = m.documents;
  tail(out, a, m);
  return out;
}

function tail(out: Message, a: MongoArrival, m: MongoMessage): void {
  if (m.problem !== null) out.decodeError = m.problem;
  if (a.framed.cut) out.truncated = true;
}

function problemOf(req: MongoArrival | null, res: MongoArrival | null): Malformed | undefined {
  if (req?.framed.problem) return { code: req.framed.problem, at: 'request' };
  if (req !== null && req.msg === null) return { code: ErrorCodes.DIS_ERR_TRUNCATED, at: 'request' };
  if (req === null) return { code: ErrorCodes.DIS_ERR_NO_REQUEST, at: 'request' };
  if (res === null) return req.msg?.moreToCome ? undefined : { code: ErrorCodes.DIS_ERR_NO_RESPONSE, at: 'response' };
  if (res.framed.problem) return { code: res.framed.problem, at: 'response' };
  if (res.msg === null) return { code: ErrorCodes.DIS_ERR_TRUNCATED, at: 'response' };
  return undefined;
}
