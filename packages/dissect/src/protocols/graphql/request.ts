/**
 * A GraphQL request and its response, as HTTP carries them (GraphQL over HTTP, the GraphQL
 * Foundation's draft, "Request" and "Response"):
 *
 *   POST, body `application/json` (or `application/graphql-response+json`, …):
 *        {"query": Document, "operationName"?: string, "variables"?: object, "extensions"?: object}
 *        or a batch, a JSON array of those (Apollo's and others' batching)
 *   POST, body `application/graphql`: the document itself (an older convention)
 *   GET  ?query=Document&operationName=…&variables=<JSON>
 *   Response: {"data"?: …, "errors"?: [{"message", "locations"?, "path"?, "extensions"?}]}
 *
 * A request is GraphQL only when `query` parses as an executable document (document.ts): a JSON
 * body with some other `query` string is left as HTTP. Bodies are read as the HTTP shape left
 * them (decoded, cut at the body cap): a body cut by the cap is not JSON, so not recognised.
 */

import type { GraphqlErrorJson, GraphqlRequestJson, GraphqlResponseJson, Message } from '@shoal/model';
import { documentOperations } from './document.js';

/** Errors shown per entry; `errorCount` counts them all. */
export const MAX_ERRORS = 20;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function textBody(m: Message): string | null {
  const body = m['body'];
  return typeof body === 'string' && m['bodyEncoding'] === undefined && m['truncated'] !== true ? body : null;
}

/**
 * JSON of a body that looks like a JSON object or array holding `key`; null for anything else.
 * The look comes first: every JSON POST of an API passes here, and few are GraphQL.
 */
function jsonBody(m: Message, key: string): unknown {
  const body = textBody(m);
  if (body === null) return null;
  let i = 0;
  while (i < body.length && ' \t\r\n'.includes(body[i]!)) i++;
  if ((body[i] !== '{' && body[i] !== '[') || !body.includes(key, i)) return null;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return null;
  }
}

/** One `{query, operationName?, variables?}`: the request's part, or null when it is not GraphQL. */
function operationOf(query: unknown, operationName: unknown, variables: unknown): GraphqlRequestJson | null {
  if (typeof query !== 'string') return null;
  const ops = documentOperations(query);
  if (ops === null) return null;
  const named = typeof operationName === 'string' && operationName !== '' ? operationName : undefined;
  const op = (named !== undefined ? ops.find((o) => o.name === named) : undefined) ?? ops[0]!;
  const out: GraphqlRequestJson = { type: op.type, query };
  const name = named ?? op.name;
  if (name !== undefined) out.name = name;
  if (variables !== undefined && variables !== null) out.variables = variables;
  return out;
}

/** `variables` of a GET request: JSON text; kept as the text when it is not JSON. */
function parsedVariables(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The GraphQL part of an HTTP request (shaped as docs/entries.md says), or null when it is not one. */
export function graphqlRequest(req: Message): GraphqlRequestJson | null {
  const method = req['method'];
  if (method === 'GET') {
    const url = typeof req['url'] === 'string' ? req['url'] : '';
    const q = url.indexOf('?');
    if (q < 0 || !url.includes('query=', q)) return null;
    const params = new URLSearchParams(url.slice(q + 1));
    return operationOf(params.get('query'), params.get('operationName'), parsedVariables(params.get('variables')));
  }
  if (method !== 'POST') return null;
  const headers = isObject(req['headers']) ? req['headers'] : {};
  const type = typeof headers['content-type'] === 'string' ? headers['content-type'].toLowerCase() : '';
  if (type.startsWith('application/graphql') && !type.includes('json')) {
    const body = textBody(req);
    return body === null ? null : operationOf(body, undefined, undefined);
  }
  const json = jsonBody(req, '"query"');
  if (isObject(json)) return operationOf(json['query'], json['operationName'], json['variables']);
  if (Array.isArray(json) && json.length > 0 && isObject(json[0])) {
    const first = json[0];
    const out = operationOf(first['query'], first['operationName'], first['variables']);
    if (out !== null) out.batch = json.length;
    return out;
  }
  return null;
}

function errorOf(e: unknown): GraphqlErrorJson {
  if (!isObject(e)) return { message: String(e) };
  const out: GraphqlErrorJson = { message: typeof e['message'] === 'string' ? e['message'] : JSON.stringify(e['message'] ?? null) };
  if (Array.isArray(e['path'])) out.path = e['path'].filter((p): p is string | number => typeof p === 'string' || typeof p === 'number');
  if (Array.isArray(e['locations'])) out.locations = e['locations'].filter(isObject).map((l) => ({ line: Number(l['line']), column: Number(l['column']) }));
  if (e['extensions'] !== undefined) out.extensions = e['extensions'];
  return out;
}

/** The GraphQL part of a response: its `data` and `errors`; null when the body is not a GraphQL response. */
export function graphqlResponse(res: Message): GraphqlResponseJson | null {
  const json = jsonBody(res, '"');
  const results = isObject(json) ? [json] : Array.isArray(json) ? json.filter(isObject) : [];
  if (results.length === 0 || !results.every((r) => 'data' in r || 'errors' in r)) return null;
  const errors = results.flatMap((r) => (Array.isArray(r['errors']) ? (r['errors'] as unknown[]) : []));
  const out: GraphqlResponseJson = { data: results.some((r) => r['data'] !== undefined && r['data'] !== null), errorCount: errors.length };
  if (errors.length > 0) out.errors = errors.slice(0, MAX_ERRORS).map(errorOf);
  return out;
}
