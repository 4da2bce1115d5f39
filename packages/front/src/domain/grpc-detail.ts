/**
 * What the gRPC section of an entry's detail shows, derived from the entry (docs/entries.md,
 * "gRPC"): the call (service, method, status and its message, timeout) and, per side, the
 * metadata, the messages as protobuf field trees (no schema: field numbers and wire types), and
 * the response's trailers. Values that a filter variable holds carry their term (`grpc_service`,
 * `grpc_method`, `grpc_status`, header values); the rest is shown, not clickable.
 */
import type { GrpcMessageJson, GrpcRequestJson, GrpcResponseJson, GrpcSideJson, ProtoFieldJson } from '@shoal/model';
import { headerRows, type DetailCell, type DetailRow } from './detail-table.js';
import { withoutPseudo } from './http2-detail.js';
import { variableTerm } from './filter-snippet.js';
import { formatBytes } from './format.js';

/** One line of a field tree: indented by depth. */
export interface FieldLine {
  depth: number;
  /** `1`, `6.2` for field 2 inside field 6. */
  path: string;
  wireType: ProtoFieldJson['wireType'];
  value: string;
}

export interface GrpcMessageView {
  /** `+1.514 ms`: after the entry's start. */
  at: string;
  /** `116 bytes`, `36 bytes, gzip → 19`, `truncated`, a decoding error. */
  meta: string;
  /** Protobuf fields as lines, or the message as text, or its bytes in hex. */
  lines?: FieldLine[];
  text?: string;
  hex?: string;
  /** Lines past the display bound. */
  more?: number;
}

export interface GrpcSideView {
  side: 'request' | 'response';
  /** `3 messages`, `64 of 100 messages shown (36 dropped, 252 bytes)`. */
  count: string;
  /** Custom metadata: header fields other than pseudo-header fields. */
  metadata: DetailRow[];
  messages: GrpcMessageView[];
  /** The response's trailers (grpc-status and the rest). */
  trailers: DetailRow[];
  /** What was not seen or is not whole. */
  notes: string[];
}

export interface GrpcDetailView {
  call: DetailRow[];
  sides: GrpcSideView[];
}

/** Field lines shown per message; the rest are counted. */
export const MAX_LINES = 400;
/** Characters of a string value shown. */
const MAX_STRING = 300;
/** Bytes of a bytes value shown in hex. */
const MAX_HEX = 48;

interface SideJson {
  headers?: Record<string, string>;
  trailers?: Record<string, string>;
  httpVersion?: string;
  status?: number;
  grpc?: GrpcSideJson;
}

const plain = (text: string | number): DetailCell => ({ text: String(text) });

function hexOf(base64: string, limit: number): string {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const shown = [...bytes.subarray(0, limit)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > limit ? `${shown} …` : shown;
}

function fieldValue(f: ProtoFieldJson): string {
  switch (f.wireType) {
    case 'varint':
      return String(f.value);
    case 'i32':
      return f.float !== undefined ? `${f.value} (float ${f.float})` : String(f.value);
    case 'i64':
      return f.double !== undefined ? `${f.value} (double ${f.double})` : String(f.value);
    case 'group':
      return `group, ${f.fields?.length ?? 0} fields`;
    case 'len':
      if (f.fields !== undefined) return `message, ${f.fields.length} field${f.fields.length === 1 ? '' : 's'}`;
      if (f.string !== undefined) return JSON.stringify(f.string.length > MAX_STRING ? `${f.string.slice(0, MAX_STRING)}…` : f.string);
      return `${f.length ?? 0} bytes: ${hexOf(f.bytes ?? '', MAX_HEX)}`;
  }
}

/** A field tree as lines, depth first, at most `limit` of them. */
export function fieldLines(fields: readonly ProtoFieldJson[], limit = MAX_LINES): { lines: FieldLine[]; more: number } {
  const lines: FieldLine[] = [];
  let more = 0;
  const walk = (list: readonly ProtoFieldJson[], depth: number, prefix: string) => {
    for (const f of list) {
      if (lines.length >= limit) {
        more++;
        if (f.fields !== undefined) walk(f.fields, depth + 1, '');
        continue;
      }
      const path = `${prefix}${f.number}`;
      lines.push({ depth, path, wireType: f.wireType, value: fieldValue(f) });
      if (f.fields !== undefined) walk(f.fields, depth + 1, `${path}.`);
    }
  };
  walk(fields, 0, '');
  return { lines, more };
}

function messageView(m: GrpcMessageJson, encoding: string | undefined): GrpcMessageView {
  const meta = [formatBytes(m.length)];
  if (m.compressed) meta.push(m.decodedLength !== undefined ? `${encoding ?? 'compressed'} → ${formatBytes(m.decodedLength)}` : `${encoding ?? 'compressed'}`);
  if (m.truncated === true) meta.push('truncated');
  if (m.decodeError !== undefined) meta.push(m.decodeError);
  const view: GrpcMessageView = { at: `+${m.at.toFixed(3)} ms`, meta: meta.join(', ') };
  if (m.fields !== undefined) {
    const { lines, more } = fieldLines(m.fields);
    view.lines = lines;
    if (more > 0) view.more = more;
  } else if (m.text !== undefined) view.text = m.text;
  else if (m.data !== undefined) view.hex = hexOf(m.data, 4096);
  return view;
}

function countText(g: GrpcSideJson): string {
  const n = g.messageCount;
  const shown = g.messages?.length ?? 0;
  const total = `${n} message${n === 1 ? '' : 's'}`;
  if (g.dropped === undefined) return total;
  return `${shown} of ${total} shown (${g.dropped.count} dropped, ${formatBytes(g.dropped.bytes)})`;
}

/** Metadata and trailers: the header fields but the pseudo-header fields (RFC 9113 §8.3). */
const metadataRows = (side: 'request' | 'response', fields: Record<string, string>, clickable: boolean): DetailRow[] => headerRows(side, withoutPseudo(fields), clickable);

function sideView(side: 'request' | 'response', m: SideJson | null): GrpcSideView {
  const g = m?.grpc;
  const view: GrpcSideView = {
    side,
    count: g === undefined ? '' : countText(g),
    metadata: metadataRows(side, m?.headers ?? {}, true),
    messages: (g?.messages ?? []).map((x) => messageView(x, g?.encoding)),
    trailers: metadataRows(side, m?.trailers ?? {}, false),
    notes: [],
  };
  if (m === null) view.notes.push(side === 'request' ? 'The request was not seen (the capture began after it, or it was lost).' : 'No response was seen.');
  else if (g !== undefined && g.messageCount > 0 && g.messages === undefined) view.notes.push('Messages are not recorded in this detail.');
  if (g?.incomplete === true) view.notes.push('Bytes were lost where the messages could not be followed: there may be more than counted.');
  return view;
}

/** The gRPC section of a `grpc` entry. */
export function grpcDetail(entry: { request: object | null; response: object | null }): GrpcDetailView {
  // The one place the entry's messages are read as gRPC: docs/entries.md, "gRPC", is their shape.
  const request = entry.request as (SideJson & { grpc?: GrpcRequestJson }) | null;
  const response = entry.response as (SideJson & { grpc?: GrpcResponseJson }) | null;
  const call: DetailRow[] = [];
  const req = request?.grpc;
  const res = response?.grpc;
  if (req !== undefined) {
    call.push({ label: 'service', value: { text: req.service, term: variableTerm('grpc_service', req.service) } });
    call.push({ label: 'method', value: { text: req.method, term: variableTerm('grpc_method', req.method) } });
    if (req.timeout !== undefined) call.push({ label: 'timeout', value: plain(req.timeout) });
  }
  if (res?.status !== undefined) {
    call.push({ label: 'status', value: { text: `${res.status} ${res.statusName ?? ''}`.trim(), term: variableTerm('grpc_status', res.status) } });
  } else call.push({ label: 'status', value: plain(response === null ? 'no response' : 'no grpc-status') });
  if (res?.message !== undefined) call.push({ label: 'message', value: plain(res.message) });
  if (res?.trailersOnly === true) call.push({ label: 'answer', value: plain('Trailers-Only (no messages, status in the one header block)') });
  return { call, sides: [sideView('request', request), sideView('response', response)] };
}
