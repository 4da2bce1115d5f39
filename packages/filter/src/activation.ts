/**
 * From an Entry to the values a filter sees, lazily: the activation (`EntryContext`) has a getter
 * per variable, and the library reads a context property only when the compiled expression
 * references it, so unreferenced variables cost nothing. `src`, `dst`, `node` and the
 * pod/service parts are views with getters too: nothing is copied. Missing values are zero
 * values (`""`, `0`, `false`), never an error.
 */

import type { Endpoint, Entry, Message, NodeInfo } from '@shoal/model';
import { PROTOCOLS, protocolNameOf } from './catalog.js';

const int = (n: unknown): bigint => (typeof n === 'number' && Number.isFinite(n) ? BigInt(Math.round(n)) : 0n);
const str = (s: unknown): string => (typeof s === 'string' ? s : '');

/*
 * The views are reused: each EntryContext owns one view per object variable and points it at
 * the current entry when the expression reads it. An evaluation never outlives `matches()` (the
 * result is a bool), so nothing can observe the reuse, and the hot path allocates nothing for
 * `src`, `dst`, `node`, their pods and services.
 */

/** `src.pod` / `src.service`: a name and its namespace, both "" when unresolved. */
export class WorkloadView {
  constructor(
    private readonly owner: EndpointView,
    private readonly kind: 'pod' | 'service',
  ) {}
  get name(): string {
    return str(this.owner.ep[this.kind]);
  }
  get namespace(): string {
    const ep = this.owner.ep;
    return ep[this.kind] ? str(ep.namespace) : '';
  }
}

const NO_ENDPOINT: Endpoint = { ip: '', port: 0 };

export class EndpointView {
  ep: Endpoint = NO_ENDPOINT;
  readonly pod = new WorkloadView(this, 'pod');
  readonly service = new WorkloadView(this, 'service');
  get ip(): string { return str(this.ep.ip); }
  get port(): bigint { return int(this.ep.port); }
  get name(): string { return str(this.ep.name); }
  get namespace(): string { return str(this.ep.namespace); }
}

export class NodeView {
  node: NodeInfo = { name: '', ip: '' };
  get name(): string { return str(this.node?.name); }
  get ip(): string { return str(this.node?.ip); }
}

/** CEL type names of the views, as registered with the library (engine.ts). */
export const VIEW_TYPES = {
  workload: { name: 'shoal.Workload', ctor: WorkloadView, fields: { name: 'string', namespace: 'string' } },
  endpoint: {
    name: 'shoal.Endpoint', ctor: EndpointView,
    fields: { ip: 'string', port: 'int', name: 'string', namespace: 'string', pod: 'shoal.Workload', service: 'shoal.Workload' },
  },
  node: { name: 'shoal.Node', ctor: NodeView, fields: { name: 'string', ip: 'string' } },
} as const;

const EMPTY_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const EMPTY_MESSAGE: Readonly<Message> = Object.freeze({ headers: EMPTY_HEADERS });

/** `request` / `response`: the message itself, with `headers` always present (a map). */
function message(m: Message | null | undefined): Message {
  if (!m) return EMPTY_MESSAGE;
  const h = m.headers;
  return h !== null && typeof h === 'object' ? m : { ...m, headers: EMPTY_HEADERS };
}

function bodySize(m: Message | null | undefined): bigint {
  if (!m) return 0n;
  return int(typeof m.bodySize === 'number' ? m.bodySize : m.bytes);
}

/** `key` of every object in the list `m[list]` that is a string there (DNS questions, answers). */
function fieldOfEach(m: Message | null | undefined, list: string, key: string): string[] {
  const items = m?.[list];
  if (!Array.isArray(items)) return [];
  const out: string[] = [];
  for (const item of items as unknown[]) {
    const v = item !== null && typeof item === 'object' ? (item as Record<string, unknown>)[key] : undefined;
    if (typeof v === 'string') out.push(v);
  }
  return out;
}

/** The DNS questions: the query's, or the response's when the query was not seen. */
function dnsQuestions(e: Entry, key: 'name' | 'type'): string[] {
  const asked = fieldOfEach(e.request, 'questions', key);
  return asked.length > 0 || e.request ? asked : fieldOfEach(e.response, 'questions', key);
}

/** A string field of a TLS entry's ClientHello (`request`) or ServerHello (`response`); "" otherwise. */
function tlsField(e: Entry, side: 'request' | 'response', key: string): string {
  return e.protocol.name === 'tls' ? str(e[side]?.[key]) : '';
}

/** The strings of a list field; [] when it is not a list. */
/** A field of the `grpc` or `graphql` part (docs/entries.md) of an entry's request or response. */
function part(e: Entry, protocol: 'grpc' | 'graphql', side: 'request' | 'response'): Record<string, unknown> | undefined {
  if (e.protocol.name !== protocol) return undefined;
  const p = e[side]?.[protocol];
  return p !== null && typeof p === 'object' ? (p as Record<string, unknown>) : undefined;
}

function grpcStatus(e: Entry): bigint {
  const status = part(e, 'grpc', 'response')?.['status'];
  return typeof status === 'number' ? int(status) : -1n;
}

function stringsOf(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function distinct(a: string | undefined, b: string | undefined): string[] {
  if (a && b) return a === b ? [a] : [a, b];
  return a ? [a] : b ? [b] : [];
}

/** The WebSocket message of one side of a `ws` entry, or null. */
function wsSide(e: Entry, side: 'request' | 'response'): Message | null {
  return e.protocol.name === 'ws' ? (e[side] ?? null) : null;
}

/** A ws entry's opcode: `ping` for a ping and its pong (either side may have pinged), else its message's. */
function wsOpcode(e: Entry): string {
  const [req, res] = [wsSide(e, 'request'), wsSide(e, 'response')];
  if (req?.['opcode'] === 'ping' || res?.['opcode'] === 'ping') return 'ping';
  return str(req?.['opcode'] ?? res?.['opcode']);
}

/** The text of a ws message (a binary one's base64 is not text). */
function wsText(m: Message | null): string {
  return m !== null && m['bodyEncoding'] === undefined ? str(m['body']) : '';
}

/** An ICMP entry's first message: the request, else the response; a flow entry's first counted message. */
function icmpMessage(e: Entry): Message | null {
  if (e.protocol.name !== 'icmp') return null;
  const m = e.request ?? e.response;
  const counted = m?.['messages'];
  return Array.isArray(counted) ? ((counted[0] as Message | undefined) ?? null) : m;
}

/** The request or response of an entry of `protocol` (a database's), or null. */
function sqlSide(e: Entry, protocol: string, side: 'request' | 'response'): Message | null {
  return e.protocol.name === protocol ? (e[side] ?? null) : null;
}

/** The code of an entry's error: PostgreSQL's SQLSTATE, MySQL's error number; undefined without one. */
function sqlErrorCode(e: Entry, protocol: string): unknown {
  const error = sqlSide(e, protocol, 'response')?.['error'];
  return error !== null && typeof error === 'object' ? (error as Record<string, unknown>)['code'] : undefined;
}

/** The request or response of a `kafka` entry, or null. */
function kafkaSide(e: Entry, side: 'request' | 'response'): Message | null {
  return e.protocol.name === 'kafka' ? (e[side] ?? null) : null;
}

/** The topics of a kafka entry: the request's, else the response's (Metadata for all topics). */
function kafkaTopics(e: Entry): string[] {
  const asked = stringsOf(kafkaSide(e, 'request')?.['topics']);
  return asked.length > 0 ? asked : stringsOf(kafkaSide(e, 'response')?.['topics']);
}

/** Records in a Produce request, else in a Fetch response. */
function kafkaRecords(e: Entry): bigint {
  const count = (m: Message | null): unknown => (m?.['records'] as { count?: unknown } | undefined)?.count;
  return int(count(kafkaSide(e, 'request')) ?? count(kafkaSide(e, 'response')));
}

/** The request or response of a `mongodb` entry, or null. */
function mongoSide(e: Entry, side: 'request' | 'response'): Message | null {
  return e.protocol.name === 'mongodb' ? (e[side] ?? null) : null;
}
/** The command or reply of a `redis` entry, or null. */
function redisSide(e: Entry, side: 'request' | 'response'): Message | null {
  return e.protocol.name === 'redis' ? (e[side] ?? null) : null;
}

/** A Redis command as one line: its name and arguments, binary ones as `<binary>` (docs/filter.md). */
function redisCommand(e: Entry): string {
  const req = redisSide(e, 'request');
  if (req === null) return '';
  const args = Array.isArray(req['args']) ? (req['args'] as unknown[]) : [req['key']].filter((k) => typeof k === 'string');
  return [str(req['command']), ...args.map((a) => (typeof a === 'string' ? a : '<binary>'))].join(' ');
}

const redisSize = (e: Entry, side: 'requestSize' | 'responseSize'): bigint => (e.protocol.name === 'redis' ? int(e[side]) : 0n);

/** The opening packet (`request`) or the answer (`response`) of an `mqtt` entry, or null. */
function mqttSide(e: Entry, side: 'request' | 'response'): Message | null {
  return e.protocol.name === 'mqtt' ? (e[side] ?? null) : null;
}

/** A number field of a message, or `none` when it has none. */
const intOr = (v: unknown, none: bigint): bigint => (typeof v === 'number' ? int(v) : none);

/** The opening method (`request`) or the answer (`response`) of an `amqp` entry, or null. */
function amqpSide(e: Entry, side: 'request' | 'response'): Message | null {
  return e.protocol.name === 'amqp' ? (e[side] ?? null) : null;
}

const amqpSize = (e: Entry, side: 'requestSize' | 'responseSize'): bigint => (e.protocol.name === 'amqp' ? int(e[side]) : 0n);

export interface RootVariable {
  /** CEL type as registered with the library. */
  type: string;
  get(e: Entry, ctx: EntryContext): unknown;
}

/** Every top-level identifier: its registered CEL type and how to compute it from an Entry. */
export const ROOTS: Readonly<Record<string, RootVariable>> = {
  ...Object.fromEntries(PROTOCOLS.map((p) => [p, { type: 'bool', get: ((name) => (e: Entry) => e.protocol.name === name)(protocolNameOf(p)) }])),
  protocol: { type: 'string', get: (e) => str(e.protocol.name) },
  layer4: { type: 'string', get: (e) => str(e.protocol.layer4) },
  method: { type: 'string', get: (e) => str(e.summary.method) },
  path: { type: 'string', get: (e) => str(e.summary.path) },
  url: { type: 'string', get: (e) => str(e.request?.url) },
  status_code: {
    type: 'int',
    get: (e) => int(e.summary.status ?? (e.response ? e.response.status : undefined)),
  },
  src: { type: VIEW_TYPES.endpoint.name, get: (e, c) => ((c.srcView.ep = e.src ?? NO_ENDPOINT), c.srcView) },
  dst: { type: VIEW_TYPES.endpoint.name, get: (e, c) => ((c.dstView.ep = e.dst ?? NO_ENDPOINT), c.dstView) },
  namespaces: { type: 'list<string>', get: (e) => distinct(e.src.namespace, e.dst.namespace) },
  pods: { type: 'list<string>', get: (e) => distinct(e.src.pod, e.dst.pod) },
  services: { type: 'list<string>', get: (e) => distinct(e.src.service, e.dst.service) },
  node_name: { type: 'string', get: (e) => str(e.node?.name) },
  node: { type: VIEW_TYPES.node.name, get: (e, c) => ((c.nodeView.node = e.node), c.nodeView) },
  timestamp: { type: 'google.protobuf.Timestamp', get: (e, c) => (c.date.setTime(e.timestamp), c.date) },
  elapsed_time: { type: 'int', get: (e) => int(e.elapsedMs * 1000) },
  request: { type: 'map<string, dyn>', get: (e) => message(e.request) },
  response: { type: 'map<string, dyn>', get: (e) => message(e.response) },
  request_body_size: { type: 'int', get: (e) => bodySize(e.request) },
  response_body_size: { type: 'int', get: (e) => bodySize(e.response) },
  request_size: { type: 'int', get: (e) => int(e.requestSize) },
  response_size: { type: 'int', get: (e) => int(e.responseSize) },
  dns_questions: { type: 'list<string>', get: (e) => dnsQuestions(e, 'name') },
  dns_question_types: { type: 'list<string>', get: (e) => dnsQuestions(e, 'type') },
  dns_answers: { type: 'list<string>', get: (e) => fieldOfEach(e.response, 'answers', 'data') },
  dns_rcode: { type: 'string', get: (e) => str(e.response?.rcode) },
  tls_sni: { type: 'string', get: (e) => tlsField(e, 'request', 'sni') },
  tls_version: { type: 'string', get: (e) => tlsField(e, 'response', 'version') },
  tls_alpn: { type: 'list<string>', get: (e) => (e.protocol.name === 'tls' ? stringsOf(e.request?.['alpn']) : []) },
  tls_cipher: { type: 'string', get: (e) => tlsField(e, 'response', 'cipherSuite') },
  tls_ja3: { type: 'string', get: (e) => tlsField(e, 'request', 'ja3') },
  tls_ja4: { type: 'string', get: (e) => tlsField(e, 'request', 'ja4') },
  grpc_service: { type: 'string', get: (e) => str(part(e, 'grpc', 'request')?.['service']) },
  grpc_method: { type: 'string', get: (e) => str(part(e, 'grpc', 'request')?.['method']) },
  grpc_status: { type: 'int', get: grpcStatus },
  gql_operation: { type: 'string', get: (e) => str(part(e, 'graphql', 'request')?.['type']) },
  gql_operation_name: { type: 'string', get: (e) => str(part(e, 'graphql', 'request')?.['name']) },
  gql_errors: { type: 'list<string>', get: (e) => fieldOfEach(part(e, 'graphql', 'response'), 'errors', 'message') },
  ws_opcode: { type: 'string', get: wsOpcode },
  ws_request: { type: 'bool', get: (e) => wsSide(e, 'request') !== null },
  ws_response: { type: 'bool', get: (e) => wsSide(e, 'response') !== null },
  ws_request_payload_data: { type: 'string', get: (e) => wsText(wsSide(e, 'request')) },
  ws_response_payload_data: { type: 'string', get: (e) => wsText(wsSide(e, 'response')) },
  ws_request_payload_length: { type: 'int', get: (e) => int(wsSide(e, 'request')?.['decodedSize'] ?? wsSide(e, 'request')?.['bodySize']) },
  ws_response_payload_length: { type: 'int', get: (e) => int(wsSide(e, 'response')?.['decodedSize'] ?? wsSide(e, 'response')?.['bodySize']) },
  ws_close_code: { type: 'int', get: (e) => int(wsSide(e, 'request')?.['closeCode'] ?? wsSide(e, 'response')?.['closeCode']) },
  icmp_type: { type: 'string', get: (e) => str(icmpMessage(e)?.['typeName']) },
  icmp_code: { type: 'int', get: (e) => int(icmpMessage(e)?.['code']) },
  icmp_version: { type: 'int', get: (e) => (e.protocol.name === 'icmp' ? int(Number(e.protocol.version)) : 0n) },
  postgresql_query: { type: 'string', get: (e) => str(sqlSide(e, 'postgresql', 'request')?.['query']) },
  postgresql_error_code: { type: 'string', get: (e) => str(sqlErrorCode(e, 'postgresql')) },
  postgresql_rows: { type: 'int', get: (e) => int(sqlSide(e, 'postgresql', 'response')?.['rowCount']) },
  kafka_api_key: { type: 'int', get: (e) => { const k = kafkaSide(e, 'request')?.['apiKey']; return typeof k === 'number' ? int(k) : -1n; } },
  kafka_api_key_name: { type: 'string', get: (e) => str(kafkaSide(e, 'request')?.['apiKeyName']) },
  kafka_api_version: { type: 'int', get: (e) => int(kafkaSide(e, 'request')?.['apiVersion']) },
  kafka_correlation_id: { type: 'int', get: (e) => int(kafkaSide(e, 'request')?.['correlationId'] ?? kafkaSide(e, 'response')?.['correlationId']) },
  kafka_client_id: { type: 'string', get: (e) => str(kafkaSide(e, 'request')?.['clientId']) },
  kafka_topics: { type: 'list<string>', get: kafkaTopics },
  kafka_groups: { type: 'list<string>', get: (e) => stringsOf(kafkaSide(e, 'request')?.['groups']) },
  kafka_error_code: { type: 'int', get: (e) => int(kafkaSide(e, 'response')?.['errorCode']) },
  kafka_error: { type: 'string', get: (e) => str(kafkaSide(e, 'response')?.['errorName']) },
  kafka_record_count: { type: 'int', get: kafkaRecords },
  mongodb_command: { type: 'string', get: (e) => str(mongoSide(e, 'request')?.['command']) },
  mongodb_database: { type: 'string', get: (e) => str(mongoSide(e, 'request')?.['database']) },
  mongodb_collection: { type: 'string', get: (e) => str(mongoSide(e, 'request')?.['collection']) },
  mongodb_op_code: { type: 'string', get: (e) => str(mongoSide(e, 'request')?.['opCode'] ?? mongoSide(e, 'response')?.['opCode']) },
  mongodb_error_code: { type: 'int', get: (e) => int(mongoSide(e, 'response')?.['code']) },
  mongodb_errmsg: { type: 'string', get: (e) => str(mongoSide(e, 'response')?.['errmsg']) },
  redis_type: { type: 'string', get: (e) => (e.protocol.name === 'redis' ? str(e.summary.method) : '') },
  redis_command: { type: 'string', get: redisCommand },
  redis_key: { type: 'string', get: (e) => str(redisSide(e, 'request')?.['key']) },
  redis_error: { type: 'string', get: (e) => str(redisSide(e, 'response')?.['error']) },
  redis_request_size: { type: 'int', get: (e) => redisSize(e, 'requestSize') },
  redis_response_size: { type: 'int', get: (e) => redisSize(e, 'responseSize') },
  redis_total_size: { type: 'int', get: (e) => redisSize(e, 'requestSize') + redisSize(e, 'responseSize') },
  mysql_query: { type: 'string', get: (e) => str(sqlSide(e, 'mysql', 'request')?.['query']) },
  mysql_error_code: { type: 'int', get: (e) => int(sqlErrorCode(e, 'mysql')) },
  mysql_rows: { type: 'int', get: (e) => int(sqlSide(e, 'mysql', 'response')?.['rowCount']) },
  mqtt_type: { type: 'string', get: (e) => (e.protocol.name === 'mqtt' ? str(mqttSide(e, 'request')?.['type'] ?? mqttSide(e, 'response')?.['type']) : '') },
  mqtt_topic: { type: 'string', get: (e) => str(mqttSide(e, 'request')?.['topic']) },
  mqtt_qos: { type: 'int', get: (e) => intOr(mqttSide(e, 'request')?.['qos'], -1n) },
  mqtt_client_id: { type: 'string', get: (e) => str(mqttSide(e, 'request')?.['clientId']) },
  mqtt_reason_code: { type: 'int', get: (e) => intOr(mqttSide(e, 'response')?.['reasonCode'], -1n) },
  mqtt_payload: { type: 'string', get: (e) => { const m = mqttSide(e, 'request'); return m !== null && m['bodyEncoding'] === undefined ? str(m['body']) : ''; } },
  amqp_method: { type: 'string', get: (e) => str(amqpSide(e, 'request')?.['method'] ?? amqpSide(e, 'response')?.['method']) },
  amqp_summary: { type: 'string', get: (e) => (e.protocol.name === 'amqp' ? str(e.summary.text) : '') },
  amqp_request: { type: 'bool', get: (e) => amqpSide(e, 'request') !== null },
  amqp_response: { type: 'bool', get: (e) => amqpSide(e, 'response') !== null },
  amqp_request_length: { type: 'int', get: (e) => amqpSize(e, 'requestSize') },
  amqp_response_length: { type: 'int', get: (e) => amqpSize(e, 'responseSize') },
  amqp_total_size: { type: 'int', get: (e) => amqpSize(e, 'requestSize') + amqpSize(e, 'responseSize') },
  amqp_exchange: { type: 'string', get: (e) => str(amqpSide(e, 'request')?.['exchange']) },
  amqp_queue: { type: 'string', get: (e) => str(amqpSide(e, 'request')?.['queue']) },
  amqp_routing_key: { type: 'string', get: (e) => str(amqpSide(e, 'request')?.['routingKey']) },
  capture_source: { type: 'string', get: (e) => str(e.capture) },
  malformed: { type: 'bool', get: (e) => e.malformed !== undefined && e.malformed !== null },
  malformed_code: { type: 'string', get: (e) => str(e.malformed?.code) },
  summary: { type: 'string', get: (e) => str(e.summary.text) },
  id: { type: 'string', get: (e) => str(e.id) },
  stream: { type: 'string', get: (e) => str(e.stream) },
};

/**
 * The activation: one per compiled filter, pointed at each entry in turn (`matches()` is
 * synchronous and never re-entered). Getters for every root are installed on the prototype
 * once; the library reads `ctx[name]` for each reference, so unreferenced variables cost nothing.
 */
export class EntryContext {
  entry: Entry | undefined;
  readonly srcView = new EndpointView();
  readonly dstView = new EndpointView();
  readonly nodeView = new NodeView();
  readonly date = new Date(0);
}

for (const [name, root] of Object.entries(ROOTS)) {
  const get = root.get;
  Object.defineProperty(EntryContext.prototype, name, {
    get(this: EntryContext) { return get(this.entry!, this); },
    enumerable: true,
  });
}
