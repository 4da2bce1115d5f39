/**
 * tshark's view of the Redis commands and replies in a capture, and ours in the same terms, so a
 * test can compare them connection by connection. tshark is an independent dissector (Wireshark's
 * RESP dissector, which reassembles messages across segments); it runs at test time.
 *
 * tshark 4.0 reads RESP2 only (no RESP3 type, no inline command), and loses its way in deeply
 * nested replies (COMMAND DOCS): commands are compared on every connection where they are arrays,
 * replies and pushes where tshark read them all. Each is one line:
 *
 *   command  `<NAME> <argument count> <first octets of each argument, hex>` (8 arguments, 32 octets)
 *   reply    `string OK`, `error <text>`, `integer 1`, `bulk <length> <first 32 octets, hex>`,
 *            `null`, `array <count>`
 */

import type { Entry } from '@shoal/model';
import { tshark } from './tshark-summary.js';

export interface ConnectionLines {
  commands: string[];
  replies: string[];
}

const ARGS_SHOWN = 8;
const OCTETS_SHOWN = 32;

const attr = (line: string, name: string): string => new RegExp(`${name}="([^"]*)"`).exec(line)?.[1] ?? '';
const unescape = (s: string): string => s.replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function commandLine(name: string, args: readonly string[]): string {
  return [name.toUpperCase(), String(args.length), ...args.slice(0, ARGS_SHOWN).map((hex) => hex.slice(0, 2 * OCTETS_SHOWN))].join(' ');
}

/** Per client port: the commands tshark read (arrays only), and its top-level server values. */
export function tsharkRedis(capture: string): Map<string, ConnectionLines> {
  const pdml = tshark(['-2', '-r', capture, '-o', 'tcp.reassemble_out_of_order:TRUE', '-Y', 'resp', '-T', 'pdml']);
  const out = new Map<string, ConnectionLines>();
  let src = '';
  let dst = '';
  let inResp = false;
  /** The top-level array the client is sending: its values (hex). */
  let command: string[] | null = null;
  const finishCommand = (): void => {
    if (command !== null && command.length > 0) conn(src).commands.push(commandLine(Buffer.from(command[0]!, 'hex').toString('latin1'), command.slice(1)));
    command = null;
  };
  const conn = (port: string): ConnectionLines => {
    let c = out.get(port);
    if (c === undefined) out.set(port, (c = { commands: [], replies: [] }));
    return c;
  };
  for (const line of pdml.split('\n')) {
    if (line.includes('<field name="tcp.srcport"')) src = attr(line, 'show');
    else if (line.includes('<field name="tcp.dstport"')) dst = attr(line, 'show');
    else if (line.startsWith('  <proto name="resp"')) inResp = true;
    else if (line.startsWith('  </proto>')) {
      if (inResp) finishCommand();
      inResp = false;
    }
    if (!inResp) continue;
    const fromClient = dst === '6379';
    if (line.startsWith('    <field name="resp.')) {
      finishCommand();
      const name = attr(line, 'name');
      if (fromClient) {
        if (name === 'resp.array') command = [];
        continue;
      }
      const shown = unescape(attr(line, 'showname'));
      if (name === 'resp.string') conn(dst).replies.push(`string ${shown.replace(/^String: /, '')}`);
      else if (name === 'resp.error') conn(dst).replies.push(`error ${shown.replace(/^Error: /, '')}`);
      else if (name === 'resp.integer') conn(dst).replies.push(`integer ${shown.replace(/^Integer: /, '')}`);
      else if (name === 'resp.array') conn(dst).replies.push(`array ${shown.replace(/^Array: Length /, '')}`);
      else if (name === 'resp.bulk_string') conn(dst).replies.push(shown === 'Bulk String: [NULL]' ? 'null' : 'bulk');
      else conn(dst).replies.push(name);
      continue;
    }
    if (fromClient && command !== null && line.startsWith('        <field name="resp.bulk_string.value"')) command.push(attr(line, 'value'));
    // A top-level bulk string's length and octets complete its line.
    if (!fromClient && line.startsWith('      <field name="resp.bulk_string.')) {
      const replies = conn(dst).replies;
      const last = replies[replies.length - 1];
      if (last === undefined || !last.startsWith('bulk')) continue;
      if (line.includes('resp.bulk_string.length')) replies[replies.length - 1] = `bulk ${attr(line, 'show')}`;
      else replies[replies.length - 1] = `${last} ${attr(line, 'value').slice(0, 2 * OCTETS_SHOWN)}`.trimEnd();
    }
  }
  return out;
}

/** A string or `{ base64 }` value of an entry as hex. */
function hexOf(v: unknown): string {
  if (typeof v === 'string') return Buffer.from(v, 'utf8').toString('hex');
  if (v !== null && typeof v === 'object' && typeof (v as { base64?: unknown }).base64 === 'string') return Buffer.from((v as { base64: string }).base64, 'base64').toString('hex');
  return '';
}

/** Our commands sent as arrays (not inline), and replies and pushes, per client port, as the same lines. */
export function ourRedis(entries: readonly Entry[]): Map<string, ConnectionLines> {
  const out = new Map<string, ConnectionLines>();
  for (const e of entries) {
    if (e.protocol.name !== 'redis') continue;
    const port = String(e.src.port);
    let c = out.get(port);
    if (c === undefined) out.set(port, (c = { commands: [], replies: [] }));
    const req = e.request;
    if (req !== null && req['inline'] !== true) {
      const name = (req['command'] as string).toUpperCase();
      const args = (req['args'] as unknown[]).map(hexOf);
      c.commands.push([name, String(req['argCount']), ...args.slice(0, ARGS_SHOWN).map((hex) => hex.slice(0, 2 * OCTETS_SHOWN))].join(' '));
    }
    const res = e.response;
    if (res === null) continue;
    if (res['kind'] === 'monitor') c.replies.push(`string ${res['message'] as string}`);
    else if (res['kind'] !== undefined) c.replies.push(`${res['type'] as string} ${res['length'] as number}`);
    else for (const line of replyLines(res)) c.replies.push(line);
  }
  return out;
}

function replyLines(res: Record<string, unknown>): string[] {
  const confirmations = res['confirmations'] as { kind: string; channel: string | null; count: number }[] | undefined;
  if (confirmations !== undefined) return confirmations.map(() => 'array 3');
  switch (res['type']) {
    case 'simple string':
      return [`string ${res['value'] as string}`];
    case 'error':
      return [`error ${res['error'] as string}`];
    case 'integer':
      return [`integer ${String(res['value'])}`];
    case 'bulk string':
      if (res['value'] === null) return ['null'];
      return [`bulk ${res['length'] as number} ${hexOf(res['value']).slice(0, 2 * OCTETS_SHOWN)}`.trimEnd()];
    case 'array':
      return [res['length'] === undefined ? 'array -1' : `array ${res['length'] as number}`];
    default:
      return [`${res['type'] as string}`];
  }
}
