/**
 * tshark's view of the MySQL connections in a capture, and ours in the same terms, so that a test
 * can compare the two. tshark is an independent dissector (Wireshark's mysql, on port 3306); it
 * runs at test time.
 *
 * One line per connection and kind of fact, in the order they came: the handshake's user, every
 * command by its number, the statements' texts (COM_QUERY and COM_STMT_PREPARE), and the code of
 * every ERR packet.
 */

import type { Entry } from '@shoal/model';
import { COM } from '../../dist/protocols/mysql/packets.js';
import { tsharkFieldRows } from './tshark-summary.js';

const FIELDS = ['tcp.srcport', 'tcp.dstport', 'mysql.user', 'mysql.command', 'mysql.query', 'mysql.error_code'] as const;
const SERVER_PORT = '3306';

interface Facts {
  users: string[];
  commands: number[];
  queries: string[];
  errors: number[];
}

const empty = (): Facts => ({ users: [], commands: [], queries: [], errors: [] });

function lines(byClient: Map<string, Facts>): string[] {
  return [...byClient]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([client, f]) => [`${client} users ${JSON.stringify(f.users)}`, `${client} commands ${JSON.stringify(f.commands)}`, `${client} queries ${JSON.stringify(f.queries)}`, `${client} errors ${JSON.stringify(f.errors)}`]);
}

/** What tshark finds in `capture`, as lines. */
export function tsharkFacts(capture: string): string[] {
  const byClient = new Map<string, Facts>();
  for (const col of tsharkFieldRows(capture, 'mysql', FIELDS)) {
    const [src, dst] = [col('tcp.srcport')[0]!, col('tcp.dstport')[0]!];
    const client = src === SERVER_PORT ? dst : src;
    const f = byClient.get(client) ?? empty();
    byClient.set(client, f);
    f.users.push(...col('mysql.user'));
    f.commands.push(...col('mysql.command').map(Number));
    f.queries.push(...col('mysql.query'));
    f.errors.push(...col('mysql.error_code').map(Number));
  }
  return lines(byClient);
}

/** The same facts from our MySQL entries. */
export function ourFacts(entries: readonly Entry[]): string[] {
  const byClient = new Map<string, Facts>();
  for (const e of entries) {
    if (e.protocol.name !== 'mysql') continue;
    const client = String(e.src.port);
    const f = byClient.get(client) ?? empty();
    byClient.set(client, f);
    const req = e.request;
    if (typeof req?.['user'] === 'string' && req['command'] === 'Handshake') f.users.push(req['user']);
    const name = typeof req?.['command'] === 'string' ? req['command'] : '';
    if (name.startsWith('COM_')) f.commands.push(COM[name.slice(4) as keyof typeof COM]);
    if (typeof req?.['query'] === 'string' && (req['command'] === 'COM_QUERY' || req['command'] === 'COM_STMT_PREPARE')) f.queries.push(req['query']);
    const error = e.response?.['error'] as { code: number } | undefined;
    if (error !== undefined) f.errors.push(error.code);
  }
  return lines(byClient);
}
