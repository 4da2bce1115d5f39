/**
 * How an entry went, decided once for every reader: the hub's service map and stats count
 * `error`s, the CLI's table colours rows by it (docs/entries.md, "Errors"). Reads only what
 * every detail of an entry carries (`summary`, `malformed`, and the gRPC status and GraphQL error
 * count, which detail `summary` keeps too). No Node-only import: the browser code may use it.
 *
 * - `malformed` (something was wrong with the exchange itself): `error`.
 * - An HTTP-like `summary.status` ≥ 500: `error`; 400–499: `client-error` (the request was
 *   refused: worth a glance, not counted as an error).
 * - gRPC: a `grpc-status` other than 0 (OK): `error`, whatever the HTTP status. A server answers
 *   every call it handled with `:status` 200 and says in `grpc-status` how it ended (gRPC over
 *   HTTP/2, "Responses"; status codes in grpc/doc/statuscodes.md), so the HTTP status alone
 *   would count no failed call.
 * - GraphQL: a response with `errors`: `error`, whatever the HTTP status. GraphQL over HTTP
 *   answers a request it executed with 200 and reports a failed operation or field in `errors`
 *   (GraphQL spec, "Response Format", "Errors"; GraphQL over HTTP, "application/json"); a response with
 *   errors did not give the client all it asked for, partial `data` or not, as a gRPC call that
 *   ended with a status did not.
 * - A database's, a broker's or a cache's answer that says it failed, `response.status` `error`:
 *   a Redis error reply (`-ERR …`, RESP3's bulk error), a PostgreSQL ErrorResponse, a MySQL ERR
 *   packet, a Kafka error code other than NONE, a MongoDB reply with `ok: 0` or a write error
 *   (docs/entries.md). Their answers carry no HTTP-like status: the dissector says how the call
 *   went in `response.status`.
 */

import type { GrpcResponseJson } from './wire/grpc.js';
import type { GraphqlResponseJson } from './wire/graphql.js';

export type EntryOutcome = 'ok' | 'client-error' | 'error';

/**
 * The parts of an entry the outcome depends on, as loosely typed as the readers hold them (the
 * dashboard's feed rows type an entry's messages their own way).
 */
export interface OutcomeFields {
  summary: { status?: number };
  malformed?: object;
  response?: object | null;
}

export function entryOutcome(e: OutcomeFields): EntryOutcome {
  if (e.malformed !== undefined) return 'error';
  const response = e.response as Readonly<Record<string, unknown>> | null | undefined;
  if (response != null) {
    if (response['status'] === 'error') return 'error';
    const grpc = response['grpc'] as GrpcResponseJson | undefined;
    if (grpc?.status !== undefined && grpc.status !== 0) return 'error';
    const graphql = response['graphql'] as GraphqlResponseJson | undefined;
    if (graphql !== undefined && graphql.errorCount > 0) return 'error';
    if (response['status'] === 'error') return 'error';
  }
  const status = e.summary.status ?? 0;
  if (status >= 500) return 'error';
  return status >= 400 ? 'client-error' : 'ok';
}

/** The entry counts as an error (the service map's and the stats' `errors`). */
export function isErrorEntry(e: OutcomeFields): boolean {
  return entryOutcome(e) === 'error';
}
