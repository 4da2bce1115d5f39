/**
 * tshark's view of the WebSocket messages in a capture, and ours in the same terms, so that a
 * test can compare the two message by message. tshark is an independent dissector (Wireshark's
 * WebSocket code follows the HTTP upgrade, unmasks, and inflates permessage-deflate with each
 * side's window); it runs at test time.
 *
 * tshark lists frames: they are gathered into messages here as RFC 6455 §5.4 says (a text or
 * binary frame and the continuation frames up to FIN; each control frame alone). Each message is
 * one line: the client's port and the sender (a client's frames are masked), the opcode, the
 * frames, the payload octets on the wire, RSV1, a close's code and reason, and for a text message
 * of one frame the length and the first 200 characters of its text (unmasked, inflated).
 */

import type { Entry } from '@shoal/model';
import { tshark } from './tshark-summary.js';

const FIELDS = [
  'tcp.srcport', 'tcp.dstport', 'websocket.fin', 'websocket.rsv', 'websocket.opcode', 'websocket.mask', 'websocket.payload_length',
  'websocket.payload_length_ext_16', 'websocket.payload_length_ext_64', 'websocket.payload.close.status_code',
  'websocket.payload.close.reason', 'websocket.payload.text',
] as const;

const OPCODES: Readonly<Record<number, string>> = { 1: 'text', 2: 'binary', 8: 'close', 9: 'ping', 10: 'pong' };
/** Characters of a text message compared. */
const TEXT_SHOWN = 200;

export type MessageLine = string;

interface Message {
  client: string;
  from: 'client' | 'server';
  opcode: string;
  frames: number;
  size: number;
  rsv1: boolean;
  close?: string;
  /** A text message of one frame: its length in octets and its text (or the start of it). */
  text?: { length: number; start: string };
}

function line(m: Message): MessageLine {
  const parts = [`client=${m.client}`, `from=${m.from}`, m.opcode, `frames=${m.frames}`, `size=${m.size}`, `rsv1=${m.rsv1 ? 1 : 0}`];
  if (m.close !== undefined) parts.push(`close=${m.close}`);
  if (m.text !== undefined) parts.push(`text=${m.text.length}:${m.text.start.slice(0, TEXT_SHOWN)}`);
  return parts.join(' ');
}

/** The values of one field in a row of `-T fields` output, one per occurrence, taken in order. */
class Column {
  private next = 0;
  constructor(private readonly values: string[]) {}
  at(i: number): string {
    return this.values[i] ?? '';
  }
  /** The next value of a field that only some frames of the row have. */
  take(): string {
    return this.values[this.next++] ?? '';
  }
}

const yes = (v: string): boolean => v === '1' || v === 'True';

/** Every WebSocket message tshark finds in `capture`, as lines. */
export function tsharkMessages(capture: string): MessageLine[] {
  const out = tshark([
    '-r', capture, '-o', 'tcp.reassemble_out_of_order:TRUE', '-Y', 'websocket', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a',
    '-E', 'aggregator=\u0001', ...FIELDS.flatMap((f) => ['-e', f]),
  ]);
  const lines: MessageLine[] = [];
  /** The data message being gathered, per client port and sender. */
  const open = new Map<string, Message>();
  for (const row of out.split('\n')) {
    if (row === '') continue;
    const cells = row.split('\t');
    // A TCP segment may end several frames: each field lists one value per frame that has it.
    const col = Object.fromEntries(FIELDS.map((f, i) => [f, new Column((cells[i] ?? '').split('\u0001'))])) as Record<(typeof FIELDS)[number], Column>;
    const [sport, dport] = [col['tcp.srcport'].at(0), col['tcp.dstport'].at(0)];
    const frames = (cells[FIELDS.indexOf('websocket.opcode')] ?? '').split('\u0001').length;
    for (let i = 0; i < frames; i++) {
      const from = yes(col['websocket.mask'].at(i)) ? 'client' : 'server';
      const client = from === 'client' ? sport : dport;
      const len7 = Number(col['websocket.payload_length'].at(i));
      const size = len7 === 126 ? Number(col['websocket.payload_length_ext_16'].take()) : len7 === 127 ? Number(col['websocket.payload_length_ext_64'].take()) : len7;
      const fin = yes(col['websocket.fin'].at(i));
      const rsv1 = (Number(col['websocket.rsv'].at(i)) & 0x4) !== 0;
      const opcode = Number(col['websocket.opcode'].at(i));
      const key = `${client} ${from}`;
      if (opcode >= 8) {
        const m: Message = { client, from, opcode: OPCODES[opcode]!, frames: 1, size, rsv1 };
        if (opcode === 8 && size > 0) m.close = `${col['websocket.payload.close.status_code'].take()}:${col['websocket.payload.close.reason'].take()}`;
        lines.push(line(m));
        continue;
      }
      const text = opcode === 1 ? col['websocket.payload.text'].take() : undefined;
      let m = open.get(key);
      if (opcode !== 0 || m === undefined) {
        m = { client, from, opcode: OPCODES[opcode] ?? `reserved-${opcode}`, frames: 0, size: 0, rsv1 };
        if (text !== undefined && fin) m.text = { length: Buffer.byteLength(text), start: text };
        open.set(key, m);
      }
      m.frames++;
      m.size += size;
      if (fin) {
        lines.push(line(m));
        open.delete(key);
      }
    }
  }
  return lines;
}

/** The messages of our WebSocket entries as the same lines. */
export function ourMessages(entries: readonly Entry[]): MessageLine[] {
  const lines: MessageLine[] = [];
  for (const e of entries) {
    if (e.protocol.name !== 'ws') continue;
    for (const [m, from] of [[e.request, 'client'], [e.response, 'server']] as const) {
      if (m === null) continue;
      const msg: Message = { client: String(e.src.port), from, opcode: m['opcode'] as string, frames: m['frames'] as number, size: m['bodySize'] as number, rsv1: m['compressed'] as boolean };
      if (m['closeCode'] !== undefined) msg.close = `${m['closeCode'] as number}:${m['closeReason'] as string}`;
      if (msg.opcode === 'text' && msg.frames === 1) {
        // The body may be cut at the cap: its whole length is the size once inflated.
        msg.text = { length: (m['decodedSize'] as number | undefined) ?? msg.size, start: (m['body'] as string | undefined) ?? '' };
      }
      lines.push(line(msg));
    }
  }
  return lines;
}
