/**
 * The entry JSON of a Redis exchange (docs/entries.md, "Redis").
 *
 * `request` (a command; null when not seen):
 * - `command`, `method`: the name, upper-case (`GET`, `CLIENT`, `JSON.SET`).
 * - `subcommand`: a container command's (`SETNAME` of `CLIENT SETNAME`).
 * - `key`, `path`: the first key (commands.ts); `channel`, `path`: a pub/sub command's first
 *   channel or pattern. Binary ones as redis-cli writes them (`\xHH`), at most 256 octets.
 * - `args` (detail `full`): the arguments after the name, text or `{ base64 }`, as kept (the
 *   body cap in octets, 256 values); `argCount`: how many there were.
 * - `inline: true`: sent as an inline command.
 * - `truncated: true` (detail `full`): `args` is not all there was.
 *
 * `response` (its reply; null when none came):
 * - `status`: `error` for an error reply (`-ERR …`, RESP3's bulk error), else `ok`.
 * - `type`: `simple string`, `error`, `integer`, `bulk string`, `array`, `null`, `boolean`,
 *   `double`, `big number`, `bulk error`, `verbatim string`, `map`, `set`, `push`.
 * - `error`: an error's text (`WRONGTYPE Operation against a key holding the wrong kind of value`).
 * - `length`: a bulk string's octets, an aggregate's values (a map's pairs); absent for RESP2's nulls.
 * - `value` (detail `full`; not for an error): the reply as JSON: strings as text or `{ base64 }`, integers as
 *   numbers (strings past 2^53), doubles as numbers (`inf`, `-inf`, `nan` as strings), big
 *   numbers as strings, booleans, null, arrays, sets and pushes as lists, maps as objects
 *   (a key that is not a string written as JSON); a verbatim string as its text, with `format`
 *   (`txt`, `mkd`).
 * - `attributes` (detail `full`): a RESP3 attribute sent before the reply, as a map.
 * - `truncated: true` (detail `full`): `value` is not all there was.
 * - `confirmations`: a (un)subscribe's answers, one per channel: `[{ kind, channel, count }]`.
 * - A push (an entry of its own, `request` null): `kind` (`message`, `pmessage`, `smessage`,
 *   `invalidate`, …; `monitor` for a line of MONITOR's stream), `channel` and `pattern` (of a
 *   published message), `key` (the first of an invalidation's), `message` (detail `full`: a
 *   published message's payload), `value` (detail `full`: the whole push).
 *
 * `summary`: `method` the command, `path` its key or channel; `text` e.g. `GET user:1 ->
 * "alice"`, `SET user:1 -> OK`, `HGETALL h -> map 3`, `GET nokey -> (nil)`, `FOO -> ERR unknown
 * command 'FOO', with args beginning with:`, `SUBSCRIBE news -> subscribe news (1)`, `message
 * news: "hello"` (a push), `invalidate user:1`, `(no request) -> OK`, `GET k -> no response`.
 */

import { ErrorCodes, type Malformed, type Message, type ProtocolInfo } from '@shoal/model';
import type { Transaction } from '../../dissector.js';
import type { Command } from './command.js';
import type { RespMessage } from './reader.js';
import { latin1 } from '../../latin1.js';
import { RespType, bytesOf, typeName, type RespValue } from './resp.js';
import { CONFIRMATION_KINDS, MESSAGE_KINDS } from './starts.js';
import { PREVIEW, preview, printable, stringJson } from './text.js';

export const PROTOCOL_RESP2: ProtocolInfo = Object.freeze({ name: 'redis', version: '2', abbr: 'Redis', layer4: 'tcp' } as const);
export const PROTOCOL_RESP3: ProtocolInfo = Object.freeze({ name: 'redis', version: '3', abbr: 'Redis', layer4: 'tcp' } as const);

/** What one entry holds: a command and its replies, a reply alone, or a push. */
export interface Exchange {
  cmd: Command | null;
  /** Usually one; a (un)subscribe's confirmations; none when no reply came (or was expected). */
  replies: RespMessage[];
  /** The replies are a push on their own (request null, and nothing missing). */
  push: boolean;
  /** No reply was expected (CLIENT REPLY OFF or SKIP). */
  unanswerable: boolean;
  /** Why something is missing (no response, no request, a request lost in a gap), when it is. */
  missing: Malformed | null;
  /** For a reply whose request was emitted unanswered earlier: that request's command. */
  answered: Command | null;
  /** The RESP version the connection spoke. */
  version: 2 | 3;
}

/** Values of an aggregate a `full` entry shows (the reader keeps at most this many). */
export const ITEMS_SHOWN = 256;

export function redisTransaction(x: Exchange, full: boolean): Transaction {
  const first = x.cmd?.msg ?? x.replies[0]!;
  const last = x.replies[x.replies.length - 1] ?? first;
  const request = x.cmd === null ? null : requestJson(x.cmd, full);
  const response = x.replies.length === 0 ? null : x.push ? pushJson(x.replies[0]!, full) : responseJson(x, full);
  const named = x.cmd ?? x.answered;
  const target = named === null ? null : (named.key ?? named.channel);
  const tx: Transaction = {
    protocol: x.version === 3 ? PROTOCOL_RESP3 : PROTOCOL_RESP2,
    timestamp: first.startTs,
    endTimestamp: Math.max(first.endTs, last.endTs),
    summary: { text: summaryText(x, response) },
    request,
    response,
    requestSize: x.cmd?.msg.wireSize ?? 0,
    responseSize: x.replies.reduce((n, r) => n + r.wireSize, 0),
  };
  if (x.push) {
    const kind = response?.['kind'];
    if (typeof kind === 'string') tx.summary.method = kind;
    const target = response?.['channel'] ?? response?.['key'];
    if (typeof target === 'string') tx.summary.path = target;
  } else if (named !== null && named.name !== '') {
    tx.summary.method = named.name;
    if (target !== null) tx.summary.path = target;
  }
  const malformed = problemOf(x);
  if (malformed !== undefined) tx.malformed = malformed;
  return tx;
}

function problemOf(x: Exchange): Malformed | undefined {
  const requestProblem = x.cmd?.msg.problem;
  if (requestProblem != null) return { code: requestProblem, at: 'request' };
  for (const r of x.replies) if (r.problem !== null) return { code: r.problem, at: 'response' };
  return x.missing ?? undefined;
}

function requestJson(cmd: Command, full: boolean): Message {
  const out: Message = { command: cmd.name, method: cmd.name };
  if (cmd.sub !== null) out['subcommand'] = cmd.sub;
  if (cmd.key !== null) out['key'] = cmd.key;
  if (cmd.channel !== null) out['channel'] = cmd.channel;
  const target = cmd.key ?? cmd.channel;
  if (target !== null) out['path'] = target;
  out['argCount'] = cmd.argCount;
  if (cmd.msg.inline) out['inline'] = true;
  if (full) {
    const items = cmd.msg.value.items ?? [];
    out['args'] = items.slice(1).map(valueJson);
    if (cmd.msg.value.cut) out['truncated'] = true;
  }
  return out;
}

const isError = (v: RespValue): boolean => v.type === RespType.SIMPLE_ERROR || v.type === RespType.BULK_ERROR;

function responseJson(x: Exchange, full: boolean): Message {
  const reply = x.replies[0]!;
  const v = reply.value;
  const out: Message = { status: isError(v) ? 'error' : 'ok', type: typeName(v.type) };
  if (isError(v)) out['error'] = errorText(v);
  if (v.length >= 0) out['length'] = v.length;
  if (x.cmd !== null && x.replies.length > 1) out['confirmations'] = x.replies.map((r) => confirmation(r.value));
  else if (x.replies.length === 1 && isConfirmation(v)) out['confirmations'] = [confirmation(v)];
  if (full) {
    // An error's text is `error` already.
    if (!isError(v)) out['value'] = valueJson(v);
    if (v.type === RespType.VERBATIM_STRING && v.src !== null) out['format'] = latin1(v.src, v.off, v.off + Math.min(3, v.kept));
    if (v.attributes !== null) out['attributes'] = valueJson(v.attributes);
    if (x.replies.some((r) => r.value.cut)) out['truncated'] = true;
  }
  return out;
}

function pushJson(reply: RespMessage, full: boolean): Message {
  const v = reply.value;
  if (v.type === RespType.SIMPLE_STRING) {
    // A line of MONITOR's stream.
    const out: Message = { status: 'ok', type: typeName(v.type), kind: 'monitor' };
    if (full) out['message'] = v.line;
    return out;
  }
  const items = v.items ?? [];
  const kind = textOf(items[0]).toLowerCase();
  const out: Message = { status: 'ok', type: typeName(v.type), length: v.length, kind };
  const pattern = kind === 'pmessage';
  if (MESSAGE_KINDS.has(kind) || CONFIRMATION_KINDS.has(kind)) {
    const channel = items[pattern ? 2 : 1];
    if (channel !== undefined && channel.length >= 0) out['channel'] = textOf(channel);
    if (pattern && items[1] !== undefined) out['pattern'] = textOf(items[1]);
  } else if (kind === 'invalidate') {
    // Key tracking: the keys whose cached values are stale; null when every key is.
    const key = items[1]?.items?.[0];
    if (key !== undefined) out['key'] = textOf(key);
  }
  if (full) {
    const payload = items[pattern ? 3 : 2];
    if (MESSAGE_KINDS.has(kind) && payload !== undefined) out['message'] = valueJson(payload);
    out['value'] = valueJson(v);
    if (v.cut) out['truncated'] = true;
  }
  return out;
}

/** A (un)subscribe confirmation: `[kind, channel, count]` (RESP2 array or RESP3 push). */
function isConfirmation(v: RespValue): boolean {
  return (v.type === RespType.ARRAY || v.type === RespType.PUSH) && v.items !== null && v.items.length === 3 && v.items[2]!.type === RespType.INTEGER;
}

function confirmation(v: RespValue): Record<string, unknown> {
  const items = v.items ?? [];
  const channel = items[1];
  const count = items[2];
  return {
    kind: textOf(items[0]).toLowerCase(),
    channel: channel === undefined || channel.length < 0 ? null : textOf(channel),
    count: count?.type === RespType.INTEGER ? Number(count.line) : null,
  };
}

/** A line value's text, or a blob's as one line. */
function textOf(v: RespValue | undefined): string {
  if (v === undefined) return '';
  const bytes = bytesOf(v);
  return bytes !== null ? printable(bytes) : v.line;
}

function errorText(v: RespValue): string {
  return v.type === RespType.SIMPLE_ERROR ? v.line : textOf(v);
}

/** A value as JSON (see the header comment). */
export function valueJson(v: RespValue): unknown {
  switch (v.type) {
    case RespType.SIMPLE_STRING:
    case RespType.SIMPLE_ERROR:
    case RespType.BIG_NUMBER:
      return v.line;
    case RespType.INTEGER: {
      const n = Number(v.line);
      return Number.isSafeInteger(n) ? n : v.line;
    }
    case RespType.DOUBLE: {
      const n = Number(v.line);
      return Number.isFinite(n) ? n : v.line;
    }
    case RespType.BOOLEAN:
      return v.line === 't';
    case RespType.NULL:
      return null;
    case RespType.BULK_STRING:
    case RespType.BULK_ERROR:
      return v.length < 0 || v.src === null ? null : stringJson(v.src, v.cut, v.off, v.off + v.kept);
    case RespType.VERBATIM_STRING:
      // `txt:` or `mkd:`, then the text.
      return v.src === null ? null : stringJson(v.src, v.cut, v.off + Math.min(4, v.kept), v.off + v.kept);
    case RespType.MAP:
    case RespType.ATTRIBUTE: {
      const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      const items = v.items ?? [];
      for (let i = 0; i + 1 < items.length; i += 2) out[keyText(items[i]!)] = valueJson(items[i + 1]!);
      return out;
    }
    default:
      return v.length < 0 || v.items === null ? null : v.items.map(valueJson);
  }
}

/** A map key as an object key: a string's text, else its JSON. */
function keyText(k: RespValue): string {
  const j = valueJson(k);
  return typeof j === 'string' ? j : JSON.stringify(j);
}

// ---- summary ---------------------------------------------------------------------------------

function summaryText(x: Exchange, response: Message | null): string {
  if (x.push) return describePush(response!, x.replies[0]!.value);
  const left = x.cmd !== null ? describeCommand(x.cmd) : x.missing?.code === ErrorCodes.DIS_ERR_GAP ? '(lost request)' : '(no request)';
  if (x.unanswerable) return `${left} -> (no reply asked)`;
  if (x.replies.length === 0) return `${left} -> no response`;
  const confirmations = response?.['confirmations'] as { kind: string; channel: string | null; count: number | null }[] | undefined;
  if (confirmations !== undefined) {
    const shownConfirmations = confirmations.slice(0, 3).map((c) => `${c.kind}${c.channel === null ? '' : ` ${preview(c.channel)}`} (${c.count ?? '?'})`);
    const more = confirmations.length > 3 ? `, +${confirmations.length - 3} more` : '';
    return `${left} -> ${shownConfirmations.join(', ')}${more}`;
  }
  return `${left} -> ${describeValue(x.replies[0]!.value)}`;
}

function describeCommand(cmd: Command): string {
  if (cmd.name === '') return '(malformed command)';
  let text = cmd.sub === null ? cmd.name : `${cmd.name} ${cmd.sub}`;
  const target = cmd.key ?? cmd.channel;
  if (target !== null) text += ` ${preview(oneLine(target))}`;
  return text;
}

function describePush(response: Message, v: RespValue): string {
  const kind = response['kind'] as string;
  if (kind === 'monitor') return `monitor ${preview(oneLine(v.line))}`;
  const items = v.items ?? [];
  const named = (field: string): string => preview(oneLine(response[field] as string));
  if (MESSAGE_KINDS.has(kind)) {
    const payload = items[kind === 'pmessage' ? 3 : 2];
    const where = kind === 'pmessage' ? `${named('pattern')} ${named('channel')}` : named('channel');
    return `${kind} ${where}: ${payload === undefined ? '' : describeValue(payload)}`;
  }
  if (CONFIRMATION_KINDS.has(kind)) return `${kind}${response['channel'] === undefined ? '' : ` ${named('channel')}`} (${items[2]?.line ?? '?'})`;
  if (kind === 'invalidate') return response['key'] === undefined ? 'invalidate (every key)' : `invalidate ${named('key')}${(items[1]?.length ?? 0) > 1 ? ` (+${items[1]!.length - 1} more)` : ''}`;
  const rest = items.slice(1).map((i) => (i.items !== null ? `${typeName(i.type)} ${i.length}` : preview(oneLine(textOf(i)))));
  return [kind === '' ? 'push' : kind, ...rest].join(' ');
}

/** A value in a few words: a string quoted (its start, and its size when cut), an aggregate's type and size. */
export function describeValue(v: RespValue): string {
  switch (v.type) {
    case RespType.SIMPLE_STRING:
    case RespType.SIMPLE_ERROR:
      return preview(v.line);
    case RespType.INTEGER:
    case RespType.DOUBLE:
    case RespType.BIG_NUMBER:
      return preview(v.line);
    case RespType.BOOLEAN:
      return v.line === 't' ? 'true' : 'false';
    case RespType.NULL:
      return '(nil)';
    case RespType.BULK_ERROR:
      return preview(oneLine(textOf(v)));
    case RespType.BULK_STRING:
    case RespType.VERBATIM_STRING: {
      if (v.length < 0 || v.src === null) return '(nil)';
      const from = v.off + (v.type === RespType.VERBATIM_STRING ? Math.min(4, v.kept) : 0);
      const kept = v.off + v.kept - from;
      const size = v.type === RespType.VERBATIM_STRING ? Math.max(0, v.length - 4) : v.length;
      // At most PREVIEW characters take 4 octets each.
      const json = stringJson(v.src, kept > 4 * PREVIEW || v.cut, from, from + Math.min(kept, 4 * PREVIEW));
      if (typeof json !== 'string') return `(${size} B binary)`;
      const text = preview(json);
      const whole = !v.cut && text === json && kept <= 4 * PREVIEW;
      return whole ? JSON.stringify(text) : `${JSON.stringify(text.endsWith('...') ? text : `${text}...`)} (${size} B)`;
    }
    default:
      if (v.length < 0) return '(nil)';
      return v.length === 0 ? `(empty ${typeName(v.type)})` : `${typeName(v.type)} ${v.length}`;
  }
}

/** Line breaks and other control characters as single spaces: a summary is one line. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}
