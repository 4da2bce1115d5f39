/**
 * An HTTP/1 or HTTP/2 transaction → a GraphQL entry, when its request is a GraphQL request
 * (request.ts): the same request and response (method, path, headers, body, status, …), with
 * `graphql` added to each (model's wire/graphql.ts; docs/entries.md, "GraphQL").
 *
 * `summary.text`: the operation and the HTTP outcome, `query GetBook -> 200`, `mutation -> 200
 * (1 error)`, `query GetBook (batch of 2) -> 200` (the first operation of a batch); `method`, `path` and `status` stay HTTP's, so `method`, `path` and `status_code`
 * filter GraphQL entries as they filter HTTP ones.
 */

import type { ProtocolInfo } from '@shoal/model';
import type { Transaction } from '../../dissector.js';
import { graphqlRequest, graphqlResponse } from './request.js';

export const PROTOCOL_GRAPHQL: ProtocolInfo = Object.freeze({ name: 'graphql', abbr: 'GQL', layer4: 'tcp' } as const);

/** `tx` made a GraphQL entry when its request is a GraphQL request; else `tx` as it was. */
export function graphqlTransaction(tx: Transaction): Transaction {
  if (tx.request === null) return tx;
  const request = graphqlRequest(tx.request);
  if (request === null) return tx;
  tx.protocol = PROTOCOL_GRAPHQL;
  tx.request.graphql = request;
  const response = tx.response !== null ? graphqlResponse(tx.response) : null;
  if (response !== null) tx.response!.graphql = response;
  const text = tx.summary.text;
  const outcome = text.slice(text.lastIndexOf(' -> ') + 4);
  const errors = response === null || response.errorCount === 0 ? '' : ` (${response.errorCount} error${response.errorCount === 1 ? '' : 's'})`;
  const batch = request.batch !== undefined ? ` (batch of ${request.batch})` : '';
  tx.summary.text = `${request.type}${request.name !== undefined ? ` ${request.name}` : ''}${batch} -> ${outcome}${errors}`;
  return tx;
}
