/**
 * The summary form the feed keeps of each entry: what a row shows and what click-to-filter needs,
 * nothing more. Request and response bodies stay in the workers; the detail is fetched on click
 * (`GET /api/entries/:id`), so 300,000 rows fit in a page.
 */
import { entryOutcome, type Endpoint, type Entry, type EntryOutcome, type Malformed, type NodeInfo, type ProtocolInfo } from '@shoal/model';

/**
 * The fields of an entry (docs/entries.md, the model's Entry) that the page reads; the rest is
 * ignored. Types only: nothing of the model package goes into the page's bundle.
 */
export type EntryJson = Pick<Entry, 'id' | 'stream' | 'timestamp' | 'elapsedMs' | 'src' | 'dst' | 'summary' | 'requestSize' | 'responseSize'> & {
  protocol: Pick<ProtocolInfo, 'name' | 'abbr'>;
  node: Pick<NodeInfo, 'name'>;
  malformed?: Pick<Malformed, 'code'>;
  /** The response as the feed sends it: its gRPC status and GraphQL errors decide `result`. */
  response?: object | null;
};

export type EndpointJson = Endpoint;

export interface Side {
  /** Pod, else service, else IP: what the row prints. */
  label: string;
  ip: string;
  port: number;
  namespace?: string;
  pod?: string;
  service?: string;
}

export interface EntryRow {
  /** Tells a row from the feed's gap markers (FeedItem) without wrapping it in another object. */
  kind: 'entry';
  id: string;
  stream: string;
  timestamp: number;
  elapsedMs: number;
  protocol: string;
  abbr: string;
  method?: string;
  /** The path of an entry that has one (HTTP, a Redis key, a Kafka topic), else the summary text ("" for a Redis, MQTT or AMQP method that names nothing). */
  text: string;
  /**
   * What the path and HTTP status leave out, for protocols carried by HTTP: a gRPC call's status
   * and message counts (`NOT_FOUND`), a GraphQL operation (`query GetBook (1 error)`); for Kafka
   * and MongoDB, what came back (`TOPIC_AUTHORIZATION_FAILED`, `3 records`, `error 11000`); and a
   * Redis command's reply (`"alice"`, `WRONGTYPE …`) or a push's payload; an MQTT or AMQP exchange's
   * size and answer (`(QoS 1, 3 B) -> PUBACK`, `(30 B) -> basic.ack`).
   */
  outcome?: string;
  /**
   * How the exchange went (the model's entryOutcome, which the map, the stats and the CLI use):
   * a gRPC call with a non-zero status or a GraphQL answer with errors is an error whatever its
   * HTTP status, and its status cell and outcome are coloured as one.
   */
  result: EntryOutcome;
  status?: number;
  src: Side;
  dst: Side;
  node: string;
  bytes: number;
  malformed: boolean;
}

function sideOf(e: EndpointJson): Side {
  const side: Side = { label: e.pod ?? e.service ?? e.name ?? e.ip, ip: e.ip, port: e.port };
  if (e.namespace !== undefined) side.namespace = e.namespace;
  if (e.pod !== undefined) side.pod = e.pod;
  if (e.service !== undefined) side.service = e.service;
  return side;
}

/**
 * Protocols whose summary is the method, what it names and the outcome, all shown apart in a row:
 * a command or method that names nothing (Redis PING, AMQP basic.cancel) shows no text. Others
 * (a SQL statement, a Kafka API without topic) show their summary.
 */
const SUMMARY_IS_METHOD_AND_OUTCOME: ReadonlySet<string> = new Set(['redis', 'mqtt', 'amqp']);

/** An HTTP/2 summary's ending (docs/entries.md): `-> reset CANCEL`, ` (goaway NO_ERROR)`. */
const HTTP2_ENDING = /(?:-> |\()((?:reset|goaway) [A-Z0-9_]+)\)?$/;

/** The result at the end of a data-plane summary: `Produce v7 orders (3 records) -> ok`, `find shop.orders -> 2 docs`. */
const RESULT = / -> (.+)$/;

/** The part of a gRPC, GraphQL, HTTP/2, Redis or data-plane summary (docs/entries.md) that the method, path and status do not show. */
function outcomeOf(e: EntryJson): string | undefined {
  const { text, path, status, method } = e.summary;
  if (e.protocol.name === 'redis' && method !== undefined) return redisOutcome(text, method, path);
  if ((e.protocol.name === 'mqtt' || e.protocol.name === 'amqp') && method !== undefined && text.startsWith(method)) {
    // `PUBLISH sensors/temp (QoS 1, 3 B) -> PUBACK`, `basic.publish orders (30 B) -> basic.ack`:
    // what follows the method and the topic or exchange.
    const rest = text.slice(method.length + (path === undefined ? 0 : path.length + 1)).trim();
    return rest === '' ? undefined : rest;
  }
  if (e.protocol.name === 'http2') return HTTP2_ENDING.exec(text)?.[1];
  if (e.protocol.name === 'grpc' && path !== undefined && text.startsWith(`${path} -> `)) return text.slice(path.length + 4);
  if (e.protocol.name === 'graphql') return status !== undefined ? text.replace(` -> ${status}`, '') : text;
  // Kafka (docs/entries.md): what came back, after the API, topic and records.
  if (e.protocol.name === 'kafka' || e.protocol.name === 'mongodb') return RESULT.exec(text)?.[1];
  return undefined;
}

/** `GET user:1 -> "alice"`: the reply; `message news: "hi"`: the payload; a MONITOR line: the line. */
function redisOutcome(text: string, method: string, path: string | undefined): string | undefined {
  const arrow = text.indexOf(' -> ');
  if (arrow >= 0) return text.slice(arrow + 4);
  const colon = text.indexOf(': ');
  if (colon >= 0) return text.slice(colon + 2);
  return path === undefined && text.startsWith(`${method} `) ? text.slice(method.length + 1) : undefined;
}

export function toRow(e: EntryJson): EntryRow {
  const row: EntryRow = {
    kind: 'entry',
    id: e.id,
    stream: e.stream,
    timestamp: e.timestamp,
    elapsedMs: e.elapsedMs,
    protocol: e.protocol.name,
    abbr: e.protocol.abbr,
    text: e.summary.path ?? (e.summary.method !== undefined && SUMMARY_IS_METHOD_AND_OUTCOME.has(e.protocol.name) ? '' : e.summary.text),
    src: sideOf(e.src),
    dst: sideOf(e.dst),
    node: e.node.name,
    bytes: e.requestSize + e.responseSize,
    malformed: e.malformed !== undefined,
    result: entryOutcome(e),
  };
  if (e.summary.method !== undefined) row.method = e.summary.method;
  if (e.summary.status !== undefined) row.status = e.summary.status;
  const outcome = outcomeOf(e);
  if (outcome !== undefined) row.outcome = outcome;
  return row;
}
