/**
 * What the Redis section of an entry's detail shows, derived from the entry (docs/entries.md,
 * "Redis"): the command (its name, subcommand, key or channel, and its arguments one a row, binary
 * ones as redis-cli writes them), and the reply or push (status, type, size, an error's text, a
 * SUBSCRIBE's confirmations, a push's kind and channel, the value for the body viewer: text, JSON,
 * or a hex dump of a binary string; a RESP3 attribute). Values a filter variable holds carry their
 * term (docs/filter.md, "Redis"): the command or push kind (`redis_type ==`), the key
 * (`redis_key ==`), a channel (`path ==`), an error (`redis_error ==`) and the reply's status
 * (`response.status ==`).
 */
import { base64Bytes, type BodyFields } from './body-format.js';
import type { DetailCell, DetailRow, DetailTable } from './detail-table.js';
import { variableTerm } from './filter-snippet.js';
import { formatBytes } from './format.js';

/** A string of an entry: text, or its octets in base64 (docs/entries.md, "Redis"). */
type RedisString = string | { base64: string };

/** A Redis command as the dissector writes it. */
export interface RedisCommandJson {
  command: string;
  subcommand?: string;
  key?: string;
  channel?: string;
  argCount: number;
  args?: RedisString[];
  inline?: boolean;
  truncated?: boolean;
}

/** A Redis reply or push as the dissector writes it. */
export interface RedisReplyJson {
  status: 'ok' | 'error';
  type: string;
  error?: string;
  length?: number;
  value?: unknown;
  format?: string;
  attributes?: unknown;
  truncated?: boolean;
  confirmations?: { kind: string; channel: string | null; count: number | null }[];
  kind?: string;
  channel?: string;
  pattern?: string;
  key?: string;
  message?: unknown;
}

export interface RedisPart {
  /** Names the part in the page (`data-section`): `redis-command`, `redis-reply`. */
  key: string;
  title: string;
  rows: DetailRow[];
  /** The arguments, or a SUBSCRIBE's confirmations. */
  table: DetailTable | null;
  /** The value for the body viewer; null when there is none to show. */
  value: BodyFields | null;
  /** A RESP3 attribute of the reply, as JSON text. */
  attributes: string | null;
}

export interface RedisDetailView {
  parts: RedisPart[];
  /** What was not seen or did not come. */
  notes: string[];
}

interface RedisEntry {
  summary: { text: string; method?: string; path?: string };
  request: object | null;
  response: object | null;
  malformed?: { code: string };
}

const plain = (text: string | number): DetailCell => ({ text: String(text) });

/** Octets as redis-cli writes a binary string: printable ASCII, `\xHH` for the rest, `\\`. */
export function cliQuoted(bytes: Uint8Array): string {
  let out = '';
  for (const c of bytes) out += c === 0x5c ? '\\\\' : c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  return out;
}

const stringText = (s: RedisString): string => (typeof s === 'string' ? s : cliQuoted(base64Bytes(s.base64)));

function commandPart(cmd: RedisCommandJson): RedisPart {
  const rows: DetailRow[] = [{ label: 'command', value: { text: cmd.command, term: variableTerm('redis_type', cmd.command) } }];
  if (cmd.subcommand !== undefined) rows.push({ label: 'subcommand', value: plain(cmd.subcommand) });
  if (cmd.key !== undefined) rows.push({ label: 'key', value: { text: cmd.key, term: variableTerm('redis_key', cmd.key) } });
  if (cmd.channel !== undefined) rows.push({ label: 'channel', value: { text: cmd.channel, term: variableTerm('path', cmd.channel) } });
  rows.push({ label: 'arguments', value: plain(cmd.truncated === true ? `${cmd.argCount} (not all kept)` : cmd.argCount) });
  if (cmd.inline === true) rows.push({ label: 'sent as', value: plain('inline command') });
  const args = cmd.args ?? [];
  const table: DetailTable | null = args.length === 0 ? null : { key: 'args', title: 'Arguments', columns: ['#', 'value'], rows: args.map((a, i) => [plain(i + 1), plain(stringText(a))]) };
  return { key: 'redis-command', title: 'Command', rows, table, value: null, attributes: null };
}

/** The size of a reply in words: a string's octets, an aggregate's values or pairs. */
function sizeText(r: RedisReplyJson): string | null {
  if (r.length === undefined) return null;
  if (r.type === 'bulk string' || r.type === 'verbatim string' || r.type === 'bulk error') return formatBytes(r.length);
  return r.type === 'map' ? `${r.length} pairs` : `${r.length} values`;
}

/** The value for the body viewer: a string as text or binary, anything else as JSON. */
function valueBody(value: unknown, r: RedisReplyJson): BodyFields | null {
  if (value === undefined) return null;
  const out: BodyFields = {};
  if (typeof value === 'string') out.body = value;
  else if (value !== null && typeof value === 'object' && typeof (value as { base64?: unknown }).base64 === 'string') {
    out.body = (value as { base64: string }).base64;
    out.bodyEncoding = 'base64';
  } else out.body = JSON.stringify(value);
  if (r.type === 'bulk string' && r.length !== undefined) out.bodySize = r.length;
  if (r.truncated === true) out.truncated = true;
  return out;
}

function replyPart(r: RedisReplyJson, entry: RedisEntry, push: boolean): RedisPart {
  const rows: DetailRow[] = [];
  if (push) rows.push({ label: 'kind', value: r.kind === undefined ? plain('push') : { text: r.kind, term: variableTerm('redis_type', r.kind) } });
  else rows.push({ label: 'status', value: { text: r.status, term: variableTerm('response.status', r.status) } });
  rows.push({ label: 'type', value: plain(r.format !== undefined ? `${r.type} (${r.format})` : r.type) });
  const size = sizeText(r);
  if (size !== null) rows.push({ label: 'size', value: plain(size) });
  if (r.error !== undefined) rows.push({ label: 'error', value: { text: r.error, term: variableTerm('redis_error', r.error) } });
  if (r.pattern !== undefined) rows.push({ label: 'pattern', value: plain(r.pattern) });
  if (r.channel !== undefined) rows.push({ label: 'channel', value: entry.summary.path === r.channel ? { text: r.channel, term: variableTerm('path', r.channel) } : plain(r.channel) });
  if (r.key !== undefined) rows.push({ label: 'key', value: entry.summary.path === r.key ? { text: r.key, term: variableTerm('path', r.key) } : plain(r.key) });
  const confirmations = r.confirmations ?? [];
  const table: DetailTable | null =
    confirmations.length === 0 ? null : { key: 'confirmations', title: 'Confirmations', columns: ['kind', 'channel', 'subscriptions'], rows: confirmations.map((c) => [plain(c.kind), plain(c.channel ?? '—'), plain(c.count ?? '?')]) };
  // A published message's payload is what a reader wants; the push whole is in the JSON copy.
  const value = push && r.message !== undefined ? valueBody(r.message, { ...r, type: 'bulk string', length: undefined }) : confirmations.length > 0 ? null : valueBody(r.value, r);
  return { key: 'redis-reply', title: push ? 'Push' : 'Reply', rows, table, value, attributes: r.attributes === undefined ? null : JSON.stringify(r.attributes) };
}

/** The Redis section of a `redis` entry. */
export function redisDetail(entry: RedisEntry): RedisDetailView {
  // The one place the entry's messages are read as Redis: docs/entries.md, "Redis", is their shape.
  const cmd = entry.request as RedisCommandJson | null;
  const reply = entry.response as RedisReplyJson | null;
  const push = cmd === null && reply?.kind !== undefined;
  const parts: RedisPart[] = [];
  if (cmd !== null) parts.push(commandPart(cmd));
  if (reply !== null) parts.push(replyPart(reply, entry, push));
  const notes: string[] = [];
  if (push) notes.push('Pushed by the server: it answers no command.');
  else if (cmd === null) notes.push(entry.malformed?.code === 'DIS_ERR_GAP' ? 'The command was lost in the capture.' : 'The command was not seen.');
  else if (reply === null) notes.push(entry.summary.text.endsWith('(no reply asked)') ? 'CLIENT REPLY asked for no reply.' : 'No reply came.');
  return { parts, notes };
}
