/**
 * A request and its response → the transaction (the protocol part of an Entry).
 *
 * ## Kafka entry shape (protocol.name `kafka`)
 *
 * `protocol`: `{ name: 'kafka', abbr: 'KAFKA', layer4: 'tcp' }`.
 *
 * `request` (null when only the response was seen, or not even the request's header arrived):
 * - `apiKey` (number), `apiKeyName` (`Produce`, `Fetch`, `Metadata`, …; `ApiKey<n>` for a key
 *   unknown here), `apiVersion`, `correlationId`, `clientId` (string or null), `headerVersion`
 *   (0, 1, 2: v2 is a flexible version's, with tagged fields).
 * - `size`: bytes of the message after its 4-byte size.
 * - `topics`: the topic names the body names, in order, each once (at most 20); absent when none.
 * - `groups`: the group ids it names (JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit,
 *   OffsetFetch; FindCoordinator's keys); absent when none.
 * - `acks` (Produce): 0 none, 1 leader, -1 all replicas. With 0 no response comes: the entry is
 *   emitted at once, without one, and is not an error.
 * - `records` (Produce): `{ batches, count, compression }` of all partitions' record batches.
 * - `body` (detail `full`, decoded APIs: ApiVersions, Metadata, Produce, Fetch, ListOffsets,
 *   FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch):
 *   every field of the version's grammar, named as the message definitions name them in
 *   camelCase (`topicData`, `partitionData`, `errorCode`…); arrays show 50 elements at most
 *   (`<name>Omitted` counts the rest); BYTES as `{ size }`; RECORDS as `{ size, batches, count,
 *   magic, compression, baseOffset, lastOffset, keys (the first 10, text or hex), partial?,
 *   transactional?, control?, decodeError? }`.
 * - `decodeError`: why the body stops early or has bytes left (the grammar does not fit), or
 *   `version N is newer than this dissector's grammar (M)`. Not a `malformed`: the framing held.
 * - `truncated: true`: the message was longer than the dissector keeps (max(4 × body cap,
 *   1 MiB)): facts and `body` come from its start.
 *
 * `response` (null when none was seen):
 * - `correlationId`, `size`, `throttleTimeMs` (when the version has it).
 * - `status`: `error` when an error code in the body is not 0 (NONE), else `ok`; absent when the
 *   body was not decoded (an API not decoded here, or no request to tell which API it answers).
 * - `errorCode` and `errorName` (`NONE`, `UNKNOWN_TOPIC_OR_PARTITION`, …): the first error code
 *   other than 0 in the body, else 0 and NONE; with `status`.
 * - `errors`: `[{ code, name, topic?, partition? }]`, every error code other than 0 (at most 20,
 *   `errorCount` counts them all) with the topic and partition it is about.
 * - `errorMessage`: the first error message the body carries.
 * - `topics`, `groups`, `records` (Fetch: the batches of every partition), `body`,
 *   `decodeError`, `truncated`: as for the request.
 *
 * Detail `summary` leaves out `body`; every other field is the same.
 *
 * `summary`: `method` is the API key name, `path` the first topic (the request's, else the
 * response's), else the first group id. `text`: `<ApiKeyName> v<version> <topics or group>
 * (<n> records) -> <result>`, the result being `ok`, the first error's name (`+<n> more` when
 * there are more), `<n> records` for a Fetch that returned records, `no response`, `no response
 * (acks 0)`, or `response` for an API whose body is not decoded; e.g. `Produce v7 orders (3
 * records) -> ok`, `Metadata v9 orders, payments -> UNKNOWN_TOPIC_OR_PARTITION`, `Fetch v11
 * orders -> 3 records`, `Heartbeat v3 shop-consumers -> REBALANCE_IN_PROGRESS`. A response
 * without request: `(no request) #<correlationId> -> response`.
 *
 * `timestamp`: the request's first byte (the response's without one); `endTimestamp`: the
 * response's last byte (the request's without one). `requestSize` / `responseSize`: bytes on
 * the wire, the 4-byte size included.
 *
 * `malformed` (`{ code, at }`), the first that applies: the request's framing problem
 * (`DIS_ERR_GAP`: bytes lost in capture, `DIS_ERR_TRUNCATED`: the stream ended inside it or its
 * header does not fit), `DIS_ERR_NO_REQUEST`, `DIS_ERR_NO_RESPONSE` (not for acks 0), the
 * response's framing problem.
 */

import { ErrorCodes, type Malformed, type Message, type ProtocolInfo } from '@shoal/model';
import type { Transaction } from '../../dissector.js';
import type { DecodedBody } from './body.js';
import type { FramedMessage } from '../size-framer.js';
import type { KafkaRequest } from './pairs.js';

export const PROTOCOL_KAFKA: ProtocolInfo = Object.freeze({ name: 'kafka', abbr: 'KAFKA', layer4: 'tcp' } as const);

/** A response as it arrived. */
export interface KafkaResponse {
  framed: FramedMessage;
  /** Null when not even 4 bytes came. */
  correlationId: number | null;
  body: DecodedBody | null;
  notDecoded: string | null;
}

/** Topics a summary names before `+<n> more`. */
const TOPICS_SHOWN = 2;

export function kafkaTransaction(req: KafkaRequest | null, res: KafkaResponse | null, full: boolean): Transaction {
  const first = (req?.framed ?? res?.framed)!;
  const header = req?.header ?? null;
  const tx: Transaction = {
    protocol: PROTOCOL_KAFKA,
    timestamp: first.startTs,
    endTimestamp: (res?.framed ?? first).endTs,
    summary: { text: '' },
    request: header !== null ? requestJson(req!, full) : null,
    response: res !== null ? responseJson(res, full) : null,
    requestSize: req !== null ? 4 + req.framed.size : 0,
    responseSize: res !== null ? 4 + res.framed.size : 0,
  };
  const topics = req?.body?.facts.topics.length ? req.body.facts.topics : (res?.body?.facts.topics ?? []);
  const groups = req?.body?.facts.groups.length ? req.body.facts.groups : (res?.body?.facts.groups ?? []);
  if (header !== null) tx.summary.method = header.apiKeyName;
  const path = topics[0] ?? groups[0];
  if (path !== undefined) tx.summary.path = path;
  tx.summary.text = summaryText(req, res, topics, groups);
  const malformed = problemOf(req, res);
  if (malformed !== undefined) tx.malformed = malformed;
  return tx;
}

function requestJson(req: KafkaRequest, full: boolean): Message {
  const h = req.header!;
  const out: Message = {
    apiKey: h.apiKey,
    apiKeyName: h.apiKeyName,
    apiVersion: h.apiVersion,
    correlationId: h.correlationId,
    clientId: h.clientId,
    headerVersion: h.headerVersion,
    size: req.framed.size,
  };
  const facts = req.body?.facts;
  if (facts !== undefined) {
    if (facts.topics.length > 0) out.topics = facts.topics;
    if (facts.groups.length > 0) out.groups = facts.groups;
    if (facts.acks !== null) out.acks = facts.acks;
    if (facts.records !== null) out.records = facts.records;
  }
  bodyParts(out, req.body, req.notDecoded, req.framed, full);
  return out;
}

function responseJson(res: KafkaResponse, full: boolean): Message {
  const out: Message = { correlationId: res.correlationId, size: res.framed.size };
  const body = res.body;
  if (body !== null) {
    const facts = body.facts;
    if (facts.throttleTimeMs !== null) out.throttleTimeMs = facts.throttleTimeMs;
    const first = facts.errors[0];
    out.status = first === undefined ? 'ok' : 'error';
    out.errorCode = first?.code ?? 0;
    out.errorName = first?.name ?? 'NONE';
    if (first !== undefined) {
      out.errors = facts.errors;
      out.errorCount = facts.errorCount;
    }
    if (facts.errorMessage !== null) out.errorMessage = facts.errorMessage;
    if (facts.topics.length > 0) out.topics = facts.topics;
    if (facts.groups.length > 0) out.groups = facts.groups;
    if (facts.records !== null) out.records = facts.records;
  }
  bodyParts(out, body, res.notDecoded, res.framed, full);
  return out;
}

function bodyParts(out: Message, body: DecodedBody | null, notDecoded: string | null, framed: FramedMessage, full: boolean): void {
  if (full && body?.json) out.body = body.json;
  const why = notDecoded ?? body?.problem ?? null;
  if (why !== null) out.decodeError = why;
  if (framed.cut) out.truncated = true;
}

function summaryText(req: KafkaRequest | null, res: KafkaResponse | null, topics: string[], groups: string[]): string {
  const h = req?.header ?? null;
  let asked: string;
  if (h === null) asked = req !== null ? '(malformed request)' : `(no request) #${res?.correlationId ?? '?'}`;
  else {
    asked = `${h.apiKeyName} v${h.apiVersion}`;
    const what = topics.length > 0 ? topicList(topics) : groups[0];
    if (what !== undefined) asked += ` ${what}`;
    const records = req?.body?.facts.records;
    if (records) asked += ` (${records.count} record${records.count === 1 ? '' : 's'})`;
  }
  return `${asked} -> ${result(req, res)}`;
}

function topicList(topics: string[]): string {
  const shown = topics.slice(0, TOPICS_SHOWN).join(', ');
  return topics.length > TOPICS_SHOWN ? `${shown} +${topics.length - TOPICS_SHOWN} more` : shown;
}

function result(req: KafkaRequest | null, res: KafkaResponse | null): string {
  if (res === null) return req?.body?.facts.acks === 0 ? 'no response (acks 0)' : 'no response';
  const body = res.body;
  if (body === null) return res.correlationId === null ? 'malformed response' : 'response';
  const facts = body.facts;
  const first = facts.errors[0];
  if (first !== undefined) return facts.errorCount > 1 ? `${first.name} +${facts.errorCount - 1} more` : first.name;
  if (facts.records !== null && facts.records.count > 0) return `${facts.records.count} record${facts.records.count === 1 ? '' : 's'}`;
  return 'ok';
}

function problemOf(req: KafkaRequest | null, res: KafkaResponse | null): Malformed | undefined {
  if (req?.framed.problem) return { code: req.framed.problem, at: 'request' };
  if (req !== null && req.header === null) return { code: ErrorCodes.DIS_ERR_TRUNCATED, at: 'request' };
  if (req === null) return { code: ErrorCodes.DIS_ERR_NO_REQUEST, at: 'request' };
  if (res === null) return req.body?.facts.acks === 0 ? undefined : { code: ErrorCodes.DIS_ERR_NO_RESPONSE, at: 'response' };
  if (res.framed.problem) return { code: res.framed.problem, at: 'response' };
  if (res.correlationId === null) return { code: ErrorCodes.DIS_ERR_TRUNCATED, at: 'response' };
  return undefined;
}
