/**
 * What detail `summary` must give: the `full` result without header fields and bodies. Tests
 * run both details and compare through this projection, so the two can never drift apart.
 */

/**
 * Keys of an HTTP request/response that detail `summary` keeps (docs/entries.md); HTTP/2 adds
 * its stream id and how the stream ended, gRPC and GraphQL their part without what bodies hold.
 */
const HTTP_SUMMARY_KEYS = ['method', 'path', 'url', 'httpVersion', 'status', 'statusText', 'headersSize', 'bodySize', 'interim', 'streamId', 'reset', 'goaway', 'pushed', 'grpc', 'graphql'];
/** What `grpc` and `graphql` leave out in detail `summary`. */
const BODY_KEYS = ['messages', 'dropped', 'query', 'variables', 'errors'];

function keep(msg: Record<string, unknown> | null): Record<string, unknown> | null {
  if (msg === null) return null;
  return Object.fromEntries(HTTP_SUMMARY_KEYS.filter((k) => k in msg).map((k) => [k, k === 'grpc' || k === 'graphql' ? withoutBodies(msg[k] as Record<string, unknown>) : msg[k]]));
}

function withoutBodies(part: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(part).filter(([k]) => !BODY_KEYS.includes(k)));
}

/** What a Redis command and reply leave out in detail `summary` (docs/entries.md). */
const REDIS_DETAIL_KEYS = ['args', 'value', 'format', 'attributes', 'message', 'truncated'];

function redisSummary(msg: Record<string, unknown> | null): Record<string, unknown> | null {
  if (msg === null) return null;
  return Object.fromEntries(Object.entries(msg).filter(([k]) => !REDIS_DETAIL_KEYS.includes(k)));
}

/** What an MQTT packet leaves out in detail `summary` (docs/entries.md), nested packets too. */
const MQTT_DETAIL_KEYS = ['body', 'bodyEncoding', 'truncated', 'properties'];

function mqttSummary(msg: Record<string, unknown> | null): Record<string, unknown> | null {
  if (msg === null) return null;
  return Object.fromEntries(
    Object.entries(msg)
      .filter(([k]) => !MQTT_DETAIL_KEYS.includes(k))
      .map(([k, v]) => [k, k === 'release' || k === 'complete' ? mqttSummary(v as Record<string, unknown>) : v]),
  );
}

/** What an AMQP method leaves out in detail `summary` (docs/entries.md). */
const AMQP_DETAIL_KEYS = ['body', 'bodyEncoding', 'truncated', 'properties', 'arguments', 'serverProperties', 'clientProperties'];

function amqpSummary(msg: Record<string, unknown> | null): Record<string, unknown> | null {
  if (msg === null) return null;
  return Object.fromEntries(Object.entries(msg).filter(([k]) => !AMQP_DETAIL_KEYS.includes(k)));
}

/** A WebSocket message keeps every key but its body (docs/entries.md). */
function withoutBody(msg: Record<string, unknown> | null): Record<string, unknown> | null {
  if (msg === null) return null;
  return Object.fromEntries(Object.entries(msg).filter(([k]) => k !== 'body' && k !== 'bodyEncoding'));
}

/**
 * What detail `summary` leaves out (docs/entries.md): of a PostgreSQL or MySQL message its values, columns,
 * rows and the server's parameters; of a Kafka message its decoded `body`; of a MongoDB one its documents.
 */
const SQL_FULL_ONLY = ['parameters', 'columns', 'rows', 'serverParameters'];
const KAFKA_BODY = ['body'];
const MONGODB_BODY = ['body', 'sequences', 'documents'];

function withoutKeys(msg: Record<string, unknown> | null, keys: readonly string[]): Record<string, unknown> | null {
  if (msg === null) return null;
  return Object.fromEntries(Object.entries(msg).filter(([k]) => !keys.includes(k)));
}

/** A JSON copy of `items` (entries or transactions) as detail `summary` shows them. */
export function asSummaryDetail<T extends { protocol: { name: string }; request: Record<string, unknown> | null; response: Record<string, unknown> | null }>(
  items: readonly T[],
): T[] {
  return items.map((t) => {
    if (['http', 'http2', 'grpc', 'graphql'].includes(t.protocol.name)) return { ...t, request: keep(t.request), response: keep(t.response) };
    if (t.protocol.name === 'ws') return { ...t, request: withoutBody(t.request), response: withoutBody(t.response) };
    if (t.protocol.name === 'postgresql' || t.protocol.name === 'mysql') return { ...t, request: withoutKeys(t.request, SQL_FULL_ONLY), response: withoutKeys(t.response, SQL_FULL_ONLY) };
    if (t.protocol.name === 'kafka') return { ...t, request: withoutKeys(t.request, KAFKA_BODY), response: withoutKeys(t.response, KAFKA_BODY) };
    if (t.protocol.name === 'mongodb') return { ...t, request: withoutKeys(t.request, MONGODB_BODY), response: withoutKeys(t.response, MONGODB_BODY) };
    if (t.protocol.name === 'redis') return { ...t, request: redisSummary(t.request), response: redisSummary(t.response) };
    if (t.protocol.name === 'mqtt') return { ...t, request: mqttSummary(t.request), response: mqttSummary(t.response) };
    if (t.protocol.name === 'amqp') return { ...t, request: amqpSummary(t.request), response: amqpSummary(t.response) };
    return t;
  });
}
