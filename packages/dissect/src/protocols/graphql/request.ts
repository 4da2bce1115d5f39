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
 * body with some other `query` string is left as HTTP. Bodies are read as the HTTP shape shows
 * them (codings undone, cut at the body cap: http1/shape.ts): a body cut by the cap is not
 * whole JSON, so not recognised.
 */

import type { GraphqlErrorJson, GraphqlRequestJson, GraphqlResponseJson } from '@shoal/model';
import type { Http1Message } from '../http1/message.js';
import { bodyContent } from '../http1/shape.js';
import { isText } from '../../utf8.js';
import { documentOperations } from './document.js';

/** Errors shown per entry; `errorCount` counts them all. */
export const MAX_ERRORS = 20;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The whole content of a message as text; null when it is cut, undecodable or not text. */
function textBody(m: Http1Message, cap: number): string | null {
  if (m.bodySize === 0) return '';
  const c = bodyContent(m, cap);
  return c.truncated || c.decodeError !== undefined || !isText(c.data) ? null : c.data.toString('utf8');
}

const contentType = (m: Http1Message): string => (m.headers['content-type'] ?? '').toLowerCase();

/**
 * A request that may be GraphQL: a POST of JSON or of `application/graphql`, a GET with
 * `query=`. Its body and its response's are kept even in detail `summary`, so that both details
 * tell GraphQL apart alike.
 */
export function mayCarryGraphql(m: Http1Message): boolean {
  if (m.method === 'GET') return m.target.includes('query=');
  if (m.method !== 'POST') return false;
  const type = contentType(m);
  return type.includes('json') || type.startsWith('application/graphql');
}

/**
 * JSON of a body that looks like a JSON object or array holding `key`; null for anything else.
 * The look comes first: every JSON POST of an API passes here, and few are GraphQL.
 */
function jsonBody(m: Http1Message, cap: number, key: string): unknown {
  const body = textBody(m, cap);
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

/** The GraphQL part of an HTTP request (its body read up to `cap` bytes), or null when it is not one. */
export function graphqlRequest(req: Http1Message, cap: number): GraphqlRequestJson | null {
  if (!mayCarryGraphql(req)) return null;
  if (req.method === 'GET') {
    const url = req.target;
    const q = url.indexOf('?');
    if (q < 0) return null;
    const params = new URLSearchParams(url.slice(q + 1));
    return operationOf(params.get('query'), params.get('operationName'), parsedVariables(params.get('variables')));
  }
  const type = contentType(req);
  if (!type.includes('json')) {
    const body = textBody(req, cap);
    return body === null ? null : operationOf(body, undefined, undefined);
  }
  const json = jsonBody(req, cap, '"query"');
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
export function graphqlResponse(res: Http1Message, cap: number): GraphqlResponseJson | null {
  const json = jsonBody(res, cap, '"');
  const results = isObject(json) ? [json] : Array.isArray(json) ? json.filter(isObject) : [];
  if (results.length === 0 || !results.every((r) => 'data' in r || 'errors' in r)) return null;
  const errors = results.flatMap((r) => (Array.isArray(r['errors']) ? (r['errors'] as unknown[]) : []));
  const out: GraphqlResponseJson = { data: results.some((r) => r['data'] !== undefined && r['data'] !== null), errorCount: errors.length };
  if (errors.length > 0) out.errors = errors.slice(0, MAX_ERRORS).map(errorOf);
  return out;
}
