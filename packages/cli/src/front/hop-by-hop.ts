import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * Headers that describe one connection, not the message, and so are never passed on by a proxy
 * (RFC 9110 §7.6.1): Connection, the fields it names, and the well-known ones that may come
 * without being named (Keep-Alive, Proxy-Connection, TE, Transfer-Encoding, Upgrade, and the
 * proxy's own credentials).
 */
const ALWAYS = ['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade', 'proxy-authenticate', 'proxy-authorization'];

/** The field names Connection lists (comma-separated, RFC 9110 §7.6.1), lowercased. */
function namedByConnection(connection: string | string[] | undefined): string[] {
  if (connection === undefined) return [];
  const values = Array.isArray(connection) ? connection : [connection];
  return values.flatMap((v) => v.split(',')).map((name) => name.trim().toLowerCase()).filter((name) => name !== '');
}

/** `headers` without the hop-by-hop ones and without `also` (lowercase names). */
export function endToEndHeaders(headers: IncomingHttpHeaders, also: readonly string[] = []): OutgoingHttpHeaders {
  const drop = new Set([...ALWAYS, ...namedByConnection(headers.connection), ...also]);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!drop.has(name) && value !== undefined) out[name] = value;
  return out;
}

/** The same for raw header lines (name, value, name, value…), as the upgrade path writes them. */
export function endToEndRawHeaders(raw: readonly string[], also: readonly string[] = []): [string, string][] {
  const connection: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'connection') connection.push(raw[i + 1]!);
  const drop = new Set([...ALWAYS, ...namedByConnection(connection), ...also]);
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) if (!drop.has(raw[i]!.toLowerCase())) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}
