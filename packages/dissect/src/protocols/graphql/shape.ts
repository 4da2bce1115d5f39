/**
 * An HTTP/1 or HTTP/2 transaction → a GraphQL entry, when its request is a GraphQL request
 * (request.ts): the same request and response (method, path, headers, body, status, …), with
 * `graphql` added to each (model's wire/graphql.ts; docs/entries.md, "GraphQL").
 *
 * `summary.text`: the operation and the HTTP outcome, `query GetBook -> 200`, `mutation -> 200
 * (1 error)`, `query GetBook (batch of 2) -> 200` (the first operation of a batch); `method`, `path` and `status` stay HTTP's, so `method`, `path` and `status_code`
 * filter GraphQL entries as they filter HTTP ones.
 */

import type { GraphqlRequestJson, ProtocolInfo } from '@shoal/model';
import type { Transaction } from '../../dissector.js';
import type { Http1Message } from '../http1/message.js';
import { graphqlRequest, graphqlResponse } from './request.js';

export const PROTOCOL_GRAPHQL: ProtocolInfo = Object.freeze({ name: 'graphql', abbr: 'GQL', layer4: 'tcp' } as const);

/**
 * `tx`, made from `req` and `res`, as a GraphQL entry when its request is a GraphQL request; else
 * `tx` as it was. Bodies are read up to `cap` bytes; detail `summary` (`full` false) keeps the
 * operation's type and name, the batch size and the error count, not the document, variables
 * and errors.
 */
export function graphqlTransaction(tx: Transaction, req: Http1Message | null, res: Http1Message | null, cap: number, full: boolean): Transaction {
  if (tx.request === null || req === null) return tx;
  const request = graphqlRequest(req, cap);
  if (request === null) return tx;
  tx.protocol = PROTOCOL_GRAPHQL;
  tx.request.graphql = full ? request : summaryOf(request);
  const response = tx.response !== null && res !== null ? graphqlResponse(res, cap) : null;
  if (response !== null) tx.response!.graphql = full ? response : { data: response.data, errorCount: response.errorCount };
  const text = tx.summary.text;
  const outcome = text.slice(text.lastIndexOf(' -> ') + 4);
  const errors = response === null || response.errorCount === 0 ? '' : ` (${response.errorCount} error${response.errorCount === 1 ? '' : 's'})`;
  const batch = request.batch !== undefined ? ` (batch of ${request.batch})` : '';
  tx.summary.text = `${request.type}${request.name !== undefined ? ` ${request.name}` : ''}${batch} -> ${outcome}${errors}`;
  return tx;
}

function summaryOf(r: GraphqlRequestJson): Omit<GraphqlRequestJson, 'query'> {
  const out: Omit<GraphqlRequestJson, 'query'> = { type: r.type };
  if (r.name !== undefined) out.name = r.name;
  if (r.batch !== undefined) out.batch = r.batch;
  return out;
}
