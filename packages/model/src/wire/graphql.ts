/**
 * The GraphQL part of an entry (docs/entries.md, "GraphQL"): what the dissector writes under
 * `request.graphql` and `response.graphql`, and what the dashboard's GraphQL detail reads. Types
 * only, no Node-only import.
 */

export type GraphqlOperationType = 'query' | 'mutation' | 'subscription';

export interface GraphqlRequestJson {
  /** The operation executed: the one `operationName` names, else the document's only one. */
  type: GraphqlOperationType;
  /** Its name; absent for an anonymous operation (`{ … }` or `query { … }`). */
  name?: string;
  /** The request's `variables`, as sent (JSON). */
  variables?: unknown;
  /** The document's text. */
  query: string;
  /** A batch (a JSON array of requests): how many; the fields above are the first one's. */
  batch?: number;
}

/** One item of the response's `errors` (GraphQL spec, "Errors"): as sent, bounded in number. */
export interface GraphqlErrorJson {
  message: string;
  path?: (string | number)[];
  locations?: { line: number; column: number }[];
  extensions?: unknown;
}

export interface GraphqlResponseJson {
  /** The response carried `data` other than null. */
  data: boolean;
  /** How many errors it carried (all of them, also those past the bound of `errors`). */
  errorCount: number;
  errors?: GraphqlErrorJson[];
}
