/**
 * What the WebSocket section of an entry's detail shows, derived from the entry (docs/entries.md,
 * "WebSocket"): its messages in the order they were sent (a data message alone, a ping and its
 * pong, a close and its answer), each with its direction, opcode, frames, compression and size,
 * a close's code in words and reason, and the payload for the body viewer (text, JSON, or a hex
 * dump of a binary message). Values a filter variable holds carry their term (docs/filter.md,
 * "WebSocket"): the opcode (`ws_opcode ==`) and the close code (`ws_close_code ==`), only where the
 * variable holds that value for this entry.
 */
import type { BodyFields } from './body-format.js';
import type { DetailCell, DetailRow } from './detail-table.js';
import { variableTerm } from './filter-snippet.js';
import { formatBytes } from './format.js';

/** A WebSocket message as the dissector writes it. */
export interface WsMessageJson {
  opcode: string;
  frames: number;
  compressed: boolean;
  bodySize: number;
  decodedSize?: number;
  decodeError?: string;
  body?: string;
  bodyEncoding?: string;
  truncated?: boolean;
  closeCode?: number;
  closeCodeName?: string;
  closeReason?: string;
}

export interface WsMessageView {
  side: 'request' | 'response';
  /** `Client → server` or `Server → client`. */
  direction: string;
  rows: DetailRow[];
  /** The payload for the body viewer; null for a close (its code and reason are the rows). */
  body: BodyFields | null;
}

export interface WsDetailView {
  messages: WsMessageView[];
  /** What did not come: a pong, a close in answer. */
  notes: string[];
}

interface WsEntry {
  summary: { text: string };
  request: object | null;
  response: object | null;
}

const plain = (text: string): DetailCell => ({ text });

/** The opcode `ws_opcode` holds for the entry: `ping` for a ping and its pong, else its message's. */
function entryOpcode(req: WsMessageJson | null, res: WsMessageJson | null): string {
  if (req?.opcode === 'ping' || res?.opcode === 'ping') return 'ping';
  return req?.opcode ?? res?.opcode ?? '';
}

function messageView(side: 'request' | 'response', m: WsMessageJson, opcode: string, closeCode: number | undefined): WsMessageView {
  const rows: DetailRow[] = [{ label: 'opcode', value: m.opcode === opcode ? { text: m.opcode, term: variableTerm('ws_opcode', opcode) } : plain(m.opcode) }];
  if (m.frames > 1) rows.push({ label: 'frames', value: plain(`${m.frames} (fragmented)`) });
  const size = m.decodedSize ?? m.bodySize;
  rows.push({ label: 'payload', value: plain(m.compressed ? `${formatBytes(size)}, ${formatBytes(m.bodySize)} compressed (permessage-deflate)` : formatBytes(size)) });
  if (m.closeCode !== undefined) {
    const text = `${m.closeCode} ${m.closeCodeName ?? ''}`.trim();
    rows.push({ label: 'close code', value: m.closeCode === closeCode ? { text, term: variableTerm('ws_close_code', m.closeCode) } : plain(text) });
    if (m.closeReason !== undefined && m.closeReason !== '') rows.push({ label: 'reason', value: plain(m.closeReason) });
  }
  const body: BodyFields | null = m.opcode === 'close' ? null : { bodySize: size, ...pick(m) };
  return { side, direction: side === 'request' ? 'Client → server' : 'Server → client', rows, body };
}

/** The body fields of a message, as the body viewer reads them. */
function pick(m: WsMessageJson): BodyFields {
  const out: BodyFields = {};
  if (m.body !== undefined) out.body = m.body;
  if (m.bodyEncoding !== undefined) out.bodyEncoding = m.bodyEncoding;
  if (m.decodeError !== undefined) out.decodeError = m.decodeError;
  if (m.truncated === true) out.truncated = true;
  return out;
}

/** The WebSocket section of a `ws` entry: its `request` and `response` are messages (or null). */
export function wsDetail(entry: WsEntry): WsDetailView {
  // The one place the entry's messages are read as WebSocket: docs/entries.md, "WebSocket", is their shape.
  const req = entry.request as WsMessageJson | null;
  const res = entry.response as WsMessageJson | null;
  const opcode = entryOpcode(req, res);
  const closeCode = req?.closeCode ?? res?.closeCode;
  const views: WsMessageView[] = [];
  if (req !== null) views.push(messageView('request', req, opcode, closeCode));
  if (res !== null) views.push(messageView('response', res, opcode, closeCode));
  // The summary starts with the first message sent: `<-` when the server's came first.
  if (entry.summary.text.startsWith('<-')) views.reverse();
  const notes: string[] = [];
  const first = views[0];
  if (views.length === 1 && first !== undefined) {
    const m = (first.side === 'request' ? req : res)!;
    const other = first.side === 'request' ? 'server' : 'client';
    if (m.opcode === 'ping') notes.push(`No pong came from the ${other}.`);
    if (m.opcode === 'close') notes.push(`The ${other} sent no close in answer.`);
  }
  return { messages: views, notes };
}
