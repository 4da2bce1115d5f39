/**
 * tshark's view of the JSON bodies in a capture of GraphQL over HTTP, and ours in the same
 * terms. tshark has no GraphQL dissector, but its HTTP, HTTP/2 and JSON dissectors (independent
 * implementations) read the same bodies: for every JSON request body, the first `query` member
 * (a batch's first request), and for every JSON response body its `message` members (the errors').
 * The server port is decoded as HTTP (an HTTP/2 preface switches it to HTTP/2). `-T fields`
 * writes a line feed inside a value as `\n`; ours are written the same way.
 */

import type { Entry, GraphqlRequestJson, GraphqlResponseJson } from '@shoal/model';
import { tshark } from './tshark-summary.js';

export interface GraphqlLines {
  /** In capture order: one per request whose JSON body has a `query` member. */
  queries: string[];
  /** In capture order: every error message of every response. */
  errors: string[];
}

const escaped = (s: string): string => s.replace(/\n/g, '\\n');

export function tsharkGraphql(capture: string, serverPort: number): GraphqlLines {
  const out = tshark([
    '-r', capture, '-o', 'tcp.reassemble_out_of_order:TRUE', '-d', `tcp.port==${serverPort},http`, '-Y', 'json',
    '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=\u0001', '-e', 'tcp.dstport', '-e', 'json.member_with_value',
  ]);
  const lines: GraphqlLines = { queries: [], errors: [] };
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const [port, members = ''] = line.split('\t');
    const values = members.split('\u0001');
    if (Number(port) === serverPort) {
      const query = values.find((m) => m.startsWith('query:'));
      if (query !== undefined) lines.queries.push(query.slice('query:'.length));
    } else lines.errors.push(...values.filter((m) => m.startsWith('message:')).map((m) => m.slice('message:'.length)));
  }
  return lines;
}

/**
 * The same from our entries, in their order: a GraphQL entry's document (for a POST with a JSON
 * body), an HTTP entry's JSON `query` (a request left HTTP: its `query` is not GraphQL), and the
 * messages of `response.graphql.errors`.
 */
export function ourGraphql(entries: readonly Entry[]): GraphqlLines {
  const lines: GraphqlLines = { queries: [], errors: [] };
  for (const e of entries) {
    const req = e.request;
    const json = req !== null && req['method'] === 'POST' && String((req['headers'] as Record<string, string>)['content-type']).includes('json');
    if (!json) continue;
    const gql = req['graphql'] as GraphqlRequestJson | undefined;
    lines.queries.push(escaped(gql !== undefined ? gql.query : String((JSON.parse(String(req['body'])) as { query: unknown }).query)));
    const res = e.response?.['graphql'] as GraphqlResponseJson | undefined;
    lines.errors.push(...(res?.errors ?? []).map((x) => escaped(x.message)));
  }
  return lines;
}
