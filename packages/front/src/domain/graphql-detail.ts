/**
 * What the GraphQL section of an entry's detail shows, derived from the entry (docs/entries.md,
 * "GraphQL"): the operation (type, name, batch), the document, the variables, and the response's
 * errors as a table. The operation's type and name and each error's message filter on click
 * (`gql_operation`, `gql_operation_name`, `in gql_errors`); the HTTP request and response follow
 * in their own sections.
 */
import type { GraphqlRequestJson, GraphqlResponseJson } from '@shoal/model';
import type { DetailCell, DetailRow, DetailTable } from './detail-table.js';
import { memberTerm, variableTerm } from './filter-snippet.js';

export interface GraphqlDetailView {
  operation: DetailRow[];
  /** The document as sent; absent in detail `summary`. */
  query?: string;
  /** The variables as JSON text; absent when there are none. */
  variables?: string;
  /** The response: data or not, how many errors; absent without a GraphQL response. */
  response?: DetailRow[];
  errors?: DetailTable;
}

const plain = (text: string | number): DetailCell => ({ text: String(text) });

/** The GraphQL section of a `graphql` entry. */
export function graphqlDetail(entry: { request: object | null; response: object | null }): GraphqlDetailView {
  // The one place the entry's messages are read as GraphQL: docs/entries.md, "GraphQL", is their shape.
  const req = (entry.request as { graphql?: GraphqlRequestJson } | null)?.graphql;
  const res = (entry.response as { graphql?: GraphqlResponseJson } | null)?.graphql;
  const view: GraphqlDetailView = { operation: [] };
  if (req !== undefined) {
    view.operation.push({ label: 'type', value: { text: req.type, term: variableTerm('gql_operation', req.type) } });
    view.operation.push({ label: 'name', value: req.name !== undefined ? { text: req.name, term: variableTerm('gql_operation_name', req.name) } : plain('(anonymous)') });
    if (req.batch !== undefined) view.operation.push({ label: 'batch', value: plain(`${req.batch} requests (the first one shown)`) });
    if (req.query !== undefined) view.query = req.query;
    if (req.variables !== undefined) view.variables = JSON.stringify(req.variables);
  }
  if (res !== undefined) {
    view.response = [
      { label: 'data', value: plain(res.data ? 'yes' : 'none') },
      { label: 'errors', value: plain(res.errorCount) },
    ];
    if (res.errors !== undefined) {
      view.errors = {
        key: 'errors',
        title: res.errors.length < res.errorCount ? `Errors (first ${res.errors.length})` : 'Errors',
        columns: ['message', 'path', 'location'],
        rows: res.errors.map((e) => [
          { text: e.message, term: memberTerm('gql_errors', e.message) },
          plain((e.path ?? []).join('.')),
          plain((e.locations ?? []).map((l) => `${l.line}:${l.column}`).join(', ')),
        ]),
      };
    }
  }
  return view;
}
