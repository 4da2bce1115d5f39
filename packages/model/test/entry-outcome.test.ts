/**
 * The one rule for "is this entry an error" (entry-outcome.ts), over the parts of an entry it
 * reads: `malformed`, the HTTP-like status, a gRPC call's `grpc-status`, a GraphQL response's
 * error count and a data-plane response's `status: 'error'`. The same rule over entries the dissectors make from real peers' captures is in
 * packages/dissect/test/entry-outcome.test.ts.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entryOutcome, isErrorEntry, type OutcomeFields } from '../dist/index.js';

const entry = (status: number | undefined, response: Record<string, unknown> | null = {}, malformed?: OutcomeFields['malformed']): OutcomeFields => ({
  summary: status === undefined ? {} : { status },
  response,
  ...(malformed !== undefined ? { malformed } : {}),
});

describe('entry outcome', () => {
  it('HTTP: 5xx an error, 4xx a client error, the rest ok; no status ok', () => {
    assert.deepEqual([200, 204, 304, 404, 429, 500, 503].map((s) => entryOutcome(entry(s))), ['ok', 'ok', 'ok', 'client-error', 'client-error', 'error', 'error']);
    assert.equal(entryOutcome(entry(undefined, null)), 'ok');
  });

  it('malformed is an error whatever the status', () => {
    assert.equal(entryOutcome(entry(200, {}, { code: 'DIS_ERR_GAP', at: 'response' })), 'error');
    assert.equal(entryOutcome(entry(undefined, null, { code: 'DIS_ERR_NO_RESPONSE', at: 'response' })), 'error');
  });

  it('gRPC: a grpc-status other than OK is an error over HTTP 200; OK and no status follow the HTTP status', () => {
    assert.equal(entryOutcome(entry(200, { grpc: { status: 5, statusName: 'NOT_FOUND', messageCount: 0 } })), 'error');
    assert.equal(entryOutcome(entry(200, { grpc: { status: 1, statusName: 'CANCELLED', messageCount: 0 } })), 'error');
    assert.equal(entryOutcome(entry(200, { grpc: { status: 0, statusName: 'OK', messageCount: 1 } })), 'ok');
    assert.equal(entryOutcome(entry(200, { grpc: { messageCount: 1 } })), 'ok');
    assert.equal(entryOutcome(entry(503, { grpc: { messageCount: 0 } })), 'error');
  });

  it('GraphQL: a response with errors is an error over HTTP 200, partial data or not', () => {
    assert.equal(entryOutcome(entry(200, { graphql: { data: false, errorCount: 1 } })), 'error');
    assert.equal(entryOutcome(entry(200, { graphql: { data: true, errorCount: 2 } })), 'error');
    assert.equal(entryOutcome(entry(200, { graphql: { data: true, errorCount: 0 } })), 'ok');
    assert.equal(entryOutcome(entry(400, { graphql: { data: false, errorCount: 0 } })), 'client-error');
  });

  it("a database's answer with status error is an error; ok is ok", () => {
    assert.equal(entryOutcome(entry(undefined, { status: 'error', error: { code: '42P01' } })), 'error');
    assert.equal(entryOutcome(entry(undefined, { status: 'ok', commands: ['SELECT 1'] })), 'ok');
  });

  it('a data-plane response whose status is the word error (Redis error replies) is an error', () => {
    assert.equal(entryOutcome(entry(undefined, { status: 'error', type: 'error', error: 'ERR unknown command' })), 'error');
    assert.equal(entryOutcome(entry(undefined, { status: 'ok', type: 'simple string' })), 'ok');
  });

  it('isErrorEntry is the outcome error', () => {
    assert.equal(isErrorEntry(entry(404)), false);
    assert.equal(isErrorEntry(entry(500)), true);
    assert.equal(isErrorEntry(entry(200, { grpc: { status: 14, messageCount: 0 } })), true);
  });
});
