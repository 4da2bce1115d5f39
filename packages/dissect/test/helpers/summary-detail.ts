/**
 * What detail `summary` must give: the `full` result without header fields and bodies. Tests
 * run both details and compare through this projection, so the two can never drift apart.
 */

/**
 * Keys of an HTTP request/response that detail `summary` keeps (docs/entries.md); HTTP/2 adds
 * its stream id and how the stream ended, gRPC its `grpc` part without the messages.
 */
const HTTP_SUMMARY_KEYS = ['method', 'path', 'url', 'httpVersion', 'status', 'statusText', 'headersSize', 'bodySize', 'interim', 'streamId', 'reset', 'goaway', 'pushed', 'grpc'];

function keep(msg: Record<string, unknown> | null): Record<string, unknown> | null {
  if (msg === null) return null;
  return Object.fromEntries(HTTP_SUMMARY_KEYS.filter((k) => k in msg).map((k) => [k, k === 'grpc' ? withoutMessages(msg[k] as Record<string, unknown>) : msg[k]]));
}

function withoutMessages(grpc: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...grpc };
  delete rest['messages'];
  delete rest['dropped'];
  return rest;
}

/** A JSON copy of `items` (entries or transactions) as detail `summary` shows them. */
export function asSummaryDetail<T extends { protocol: { name: string }; request: Record<string, unknown> | null; response: Record<string, unknown> | null }>(
  items: readonly T[],
): T[] {
  return items.map((t) => (['http', 'http2', 'grpc'].includes(t.protocol.name) ? { ...t, request: keep(t.request), response: keep(t.response) } : t));
}
