/**
 * Which sections an entry's detail shows, by `protocol.name` (docs/entries.md): one registry, so
 * a dissector's arrival is one line here and one section component, not a branch in every view.
 * A protocol without a line gets the generic view: the general facts (summary, sizes), the
 * endpoints, and the request and response as raw JSON, instead of empty HTTP sections.
 */

export type DetailSection =
  /** Protocol, status, time, elapsed, sizes, malformed, capture, stream, id. */
  | 'general'
  /** Source and destination side by side. */
  | 'endpoints'
  /** HTTP/1 and HTTP/2 request and response (start line, headers, body, trailers), or a flow's counters. */
  | 'messages'
  /** HTTP/2: the stream's id, push or upgrade, and the RST_STREAM or GOAWAY that ended it (http2-detail.ts). */
  | 'http2'
  /** DNS: header, questions, answer/authority/additional records, EDNS (dns-detail.ts). */
  | 'dns'
  /** gRPC: the call, each side's metadata, messages as field trees, trailers (grpc-detail.ts). */
  | 'grpc'
  /** GraphQL: the operation, document, variables, errors (graphql-detail.ts); HTTP follows. */
  | 'graphql'
  /** WebSocket: the entry's messages, direction, opcode, size, payload (ws-detail.ts). */
  | 'ws'
  /** ICMP: an echo, an error and its quoted packet, or a flow's messages (icmp-detail.ts). */
  | 'icmp'
  /** Kafka: the request's API and ids, the topics and groups, the errors, the decoded bodies (kafka-detail.ts). */
  | 'kafka'
  /** MongoDB: the command, database, collection, the reply's status and error, the documents (mongodb-detail.ts). */
  | 'mongodb'
  /** TLS: the ClientHello and the ServerHello, the certificate in clear, records counted (tls-detail.ts). */
  | 'tls'
  /** PostgreSQL: the statement, its messages and values; the answer, its error, tags, rows and columns (postgresql-detail.ts). */
  | 'postgresql'
  /** Redis: the command and its arguments, the reply or push and its value (redis-detail.ts). */
  | 'redis'
  /** MySQL: the statement, its command and values; the answer, its error, counts, rows and columns (mysql-detail.ts). */
  | 'mysql'
  /** MQTT: the exchange's packets, their fields, filters, codes, properties and payload (mqtt-detail.ts). */
  | 'mqtt'
  /** AMQP 0-9-1: the opening method and its answer, arguments, properties and body (amqp-detail.ts). */
  | 'amqp'
  /** The request and response objects as JSON, for a protocol without a view of its own. */
  | 'raw'
  /** The other entries of the same stream. */
  | 'stream';

const MESSAGES: readonly DetailSection[] = ['general', 'endpoints', 'messages', 'stream'];

const REGISTRY: Readonly<Record<string, readonly DetailSection[]>> = {
  http: MESSAGES,
  // The same messages, the pseudo-header fields apart, after the stream's own facts.
  http2: ['general', 'endpoints', 'http2', 'messages', 'stream'],
  // Flow entries share the message section: it shows their packets, bytes and flags.
  tcp: MESSAGES,
  udp: MESSAGES,
  dns: ['general', 'endpoints', 'dns', 'stream'],
  grpc: ['general', 'endpoints', 'grpc', 'stream'],
  graphql: ['general', 'endpoints', 'graphql', 'messages', 'stream'],
  ws: ['general', 'endpoints', 'ws', 'stream'],
  icmp: ['general', 'endpoints', 'icmp', 'stream'],
  tls: ['general', 'endpoints', 'tls', 'stream'],
  postgresql: ['general', 'endpoints', 'postgresql', 'stream'],
  kafka: ['general', 'endpoints', 'kafka', 'stream'],
  mongodb: ['general', 'endpoints', 'mongodb', 'stream'],
  redis: ['general', 'endpoints', 'redis', 'stream'],
  mysql: ['general', 'endpoints', 'mysql', 'stream'],
  mqtt: ['general', 'endpoints', 'mqtt', 'stream'],
  amqp: ['general', 'endpoints', 'amqp', 'stream'],
};

export const GENERIC_SECTIONS: readonly DetailSection[] = ['general', 'endpoints', 'raw', 'stream'];

/** The sections of the detail of an entry of `protocol`, in order. */
export function detailSections(protocol: string): readonly DetailSection[] {
  return Object.hasOwn(REGISTRY, protocol) ? REGISTRY[protocol]! : GENERIC_SECTIONS;
}
