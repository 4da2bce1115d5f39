/**
 * tshark's view of the PostgreSQL connections in a capture, and ours in the same terms, so that a
 * test can compare the two. tshark is an independent dissector (Wireshark's pgsql, on port 5432);
 * it runs at test time.
 *
 * One line per connection and kind of fact, in the order they came: the start-up's user, the
 * statements' texts (every Query and every Parse), the CommandComplete tags, the SQLSTATE of every
 * ErrorResponse and of every NoticeResponse, and the DataRow messages counted.
 */

import type { Entry } from '@shoal/model';
import { tsharkFieldRows } from './tshark-summary.js';

const FIELDS = ['tcp.srcport', 'tcp.dstport', 'pgsql.frontend', 'pgsql.type', 'pgsql.query', 'pgsql.tag', 'pgsql.code', 'pgsql.parameter_name', 'pgsql.parameter_value'] as const;

interface Facts {
  users: string[];
  queries: string[];
  tags: string[];
  errors: string[];
  notices: string[];
  rows: number;
}

const empty = (): Facts => ({ users: [], queries: [], tags: [], errors: [], notices: [], rows: 0 });

function lines(byClient: Map<string, Facts>): string[] {
  const out: string[] = [];
  for (const [client, f] of [...byClient].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(`${client} users ${JSON.stringify(f.users)}`, `${client} queries ${JSON.stringify(f.queries)}`, `${client} tags ${JSON.stringify(f.tags)}`);
    out.push(`${client} errors ${JSON.stringify(f.errors)}`, `${client} notices ${JSON.stringify(f.notices)}`, `${client} rows ${f.rows}`);
  }
  return out;
}

/** What tshark finds in `capture`, as lines. */
export function tsharkFacts(capture: string): string[] {
  const byClient = new Map<string, Facts>();
  for (const col of tsharkFieldRows(capture, 'pgsql', FIELDS)) {
    const frontend = col('pgsql.frontend')[0] === 'True' || col('pgsql.frontend')[0] === '1';
    const client = frontend ? col('tcp.srcport')[0]! : col('tcp.dstport')[0]!;
    const f = byClient.get(client) ?? empty();
    byClient.set(client, f);
    const types = col('pgsql.type');
    const names = col('pgsql.parameter_name');
    const values = col('pgsql.parameter_value');
    if (frontend) {
      names.forEach((n, i) => n === 'user' && types.includes('Startup message') && f.users.push(values[i] ?? ''));
      // A Query or Parse of the empty string has no query field in tshark's output: it is "".
      const queries = col('pgsql.query');
      const asked = types.filter((t) => t === 'Simple query' || t === 'Parse').length;
      f.queries.push(...queries, ...Array<string>(Math.max(0, asked - queries.length)).fill(''));
      continue;
    }
    f.tags.push(...col('pgsql.tag'));
    f.rows += types.filter((t) => t === 'Data row').length;
    // Error and Notice both carry a code: taken in the order of those messages.
    const codes = col('pgsql.code');
    types.filter((t) => t === 'Error' || t === 'Notice').forEach((t, i) => (t === 'Error' ? f.errors : f.notices).push(codes[i] ?? ''));
  }
  return lines(byClient);
}

/** The same facts from our PostgreSQL entries. */
export function ourFacts(entries: readonly Entry[]): string[] {
  const byClient = new Map<string, Facts>();
  for (const e of entries) {
    if (e.protocol.name !== 'postgresql') continue;
    const client = String(e.src.port);
    const f = byClient.get(client) ?? empty();
    byClient.set(client, f);
    const req = e.request;
    const res = e.response;
    const messages = (req?.['messages'] as string[] | undefined) ?? [];
    if (typeof req?.['user'] === 'string' && messages[0] === 'StartupMessage') f.users.push(req['user']);
    if (typeof req?.['query'] === 'string' && (messages.includes('Query') || messages.includes('Parse'))) f.queries.push(req['query']);
    if (res === null) continue;
    f.tags.push(...((res['commands'] as string[] | undefined) ?? []));
    const error = res['error'] as Record<string, string> | undefined;
    if (error !== undefined) f.errors.push(error['code'] ?? '');
    f.notices.push(...((res['notices'] as Array<{ code: string }> | undefined) ?? []).map((n) => n.code));
    f.rows += (res['rowCount'] as number | undefined) ?? 0;
  }
  return lines(byClient);
}
