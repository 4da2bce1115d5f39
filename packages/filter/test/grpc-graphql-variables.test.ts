/**
 * The gRPC and GraphQL variables (KFL2's `grpc`, `grpc_method`, `grpc_status`, `gql`, and ours
 * beside them) on entries the dissector made from real traffic: @grpc/grpc-js calls and GraphQL
 * requests to the `graphql` reference server (fixtures/grpc and fixtures/graphql of
 * @shoal/dissect); HTTP's variables hold for them too.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import { compileFilter } from '@shoal/filter';
import { fixtureEntries } from './fixture-entries.js';

/** The summaries of the entries `filter` keeps. */
function kept(entries: Entry[], filter: string): string[] {
  const f = compileFilter(filter);
  const out = entries.filter((e) => f.matches(e)).map((e) => e.summary.text);
  assert.equal(f.errorCount, 0, `${filter}: ${f.lastError?.error.message ?? ''}`);
  return out;
}

describe('gRPC entries in filters', () => {
  const calls = fixtureEntries('grpc', 'calls');
  const http = fixtureEntries('http2', 'curl-prior-knowledge');

  it('grpc is true for gRPC calls only; http2 is not (one entry, one protocol)', () => {
    assert.equal(kept(calls, 'grpc && !http2 && protocol == "grpc" && layer4 == "tcp"').length, 5);
    assert.deepEqual(kept(http, 'grpc'), []);
  });

  it('grpc_method, grpc_service and grpc_status (-1 where there is none); HTTP variables as for HTTP/2', () => {
    assert.deepEqual(kept(calls, 'grpc_method == "GetBook" && grpc_status != 0'), ['/shoal.fixture.Library/GetBook -> NOT_FOUND']);
    assert.deepEqual(kept(calls, 'grpc_service == "shoal.fixture.Library" && grpc_method.endsWith("Books")'), [
      '/shoal.fixture.Library/ListBooks -> OK (1 -> 3 messages)',
      '/shoal.fixture.Library/AddBooks -> OK (3 -> 1 messages)',
    ]);
    assert.equal(kept(calls, 'grpc_status == 0').length, 4);
    assert.equal(kept(http, 'grpc_status == -1 && grpc_method == "" && grpc_service == ""').length, http.length);
    assert.equal(kept(calls, 'method == "POST" && path.startsWith("/shoal.fixture.Library/") && status_code == 200').length, 5);
    assert.deepEqual(kept(calls, 'response.grpc.statusName == "NOT_FOUND" && response.grpc.trailersOnly'), ['/shoal.fixture.Library/GetBook -> NOT_FOUND']);
  });
});

describe('GraphQL entries in filters', () => {
  const h1 = fixtureEntries('graphql', 'http1');
  const h2 = fixtureEntries('graphql', 'http2');

  it('gql is true for GraphQL entries (protocol.name "graphql"), over HTTP/1.1 and HTTP/2', () => {
    assert.equal(kept(h1, 'gql && protocol == "graphql"').length, 7);
    assert.deepEqual(kept(h1, '!gql'), ['POST /search -> 200']);
    assert.equal(kept(h2, 'gql').length, 3);
  });

  it('gql_operation, gql_operation_name, gql_errors; HTTP variables as for HTTP', () => {
    assert.deepEqual(kept(h1, 'gql_operation == "mutation"'), ['mutation AddBook -> 200']);
    assert.deepEqual(kept([...h1, ...h2], 'gql_operation_name == "GetBook" && method == "POST" && path == "/graphql"'), [
      'query GetBook -> 200',
      'query GetBook (batch of 2) -> 200',
      'query GetBook -> 200',
    ]);
    assert.deepEqual(kept(h1, 'gql && gql_operation_name == ""'), ['query -> 200']);
    assert.deepEqual(kept([...h1, ...h2], '"no book with ISBN 000" in gql_errors'), ['query Missing -> 200 (1 error)', 'query Missing -> 200 (1 error)']);
    assert.equal(kept(h1, 'size(gql_errors) == 0 && gql_operation == ""').length, 1, 'the HTTP entry: no operation, no errors');
    assert.deepEqual(kept(h1, 'gql && has(request.graphql.variables) && has(request.graphql.variables.isbn) && request.graphql.variables.isbn == "978-1-000-00001-1"'), ['query GetBook -> 200']);
  });
});
