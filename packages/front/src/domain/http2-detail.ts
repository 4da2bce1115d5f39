/**
 * What an HTTP/2 entry's detail shows beyond what HTTP/1's does (docs/entries.md, "HTTP/2"): its
 * stream — the identifier, a request the server pushed (RFC 9113 §8.4), a request sent as
 * HTTP/1.1 before an h2c upgrade, and how the stream ended when it did not end well: RST_STREAM
 * (§6.4) or GOAWAY (§6.8) with its error code (§7) in words — and, per message, the pseudo-header
 * fields (§8.3) apart from the other fields. `:method`, `:path` and `:status` filter through
 * `method`, `path` and `status_code` where those hold the value; the other pseudo-header fields
 * through `request.headers` (which holds them); the stream's facts are in no variable.
 */
import { headerRows, type DetailCell, type DetailRow } from './detail-table.js';
import { variableTerm } from './filter-snippet.js';

/** A RST_STREAM or GOAWAY that ended the stream, on the message of the side that sent it. */
export interface Http2EndingJson {
  code: string;
  by: 'client' | 'server';
  /** GOAWAY only: the last stream the sender processed or may process. */
  lastStreamId?: number;
}

/** The HTTP/2 keys of a request or response, beside HTTP/1's. */
export interface Http2MessageJson {
  httpVersion?: string;
  headers?: Record<string, string>;
  streamId?: number;
  reset?: Http2EndingJson;
  goaway?: Http2EndingJson;
  pushed?: boolean;
}

interface Http2Entry {
  summary: { text: string; method?: string; path?: string; status?: number };
  request: object | null;
  response: object | null;
}

/** The error codes of RFC 9113 §7, in words. */
const ERROR_WORDS: Readonly<Record<string, string>> = {
  NO_ERROR: 'graceful',
  PROTOCOL_ERROR: 'a protocol error',
  INTERNAL_ERROR: 'an internal error',
  FLOW_CONTROL_ERROR: 'flow control broken',
  SETTINGS_TIMEOUT: 'SETTINGS not acknowledged in time',
  STREAM_CLOSED: 'a frame on a closed stream',
  FRAME_SIZE_ERROR: 'a frame of the wrong size',
  REFUSED_STREAM: 'not processed: may be retried',
  CANCEL: 'no longer needed',
  COMPRESSION_ERROR: 'the header compression state broke',
  CONNECT_ERROR: 'the CONNECT tunnel failed',
  ENHANCE_YOUR_CALM: 'the peer is sending too much',
  INADEQUATE_SECURITY: 'TLS too weak',
  HTTP_1_1_REQUIRED: 'use HTTP/1.1 instead',
};

const plain = (text: string): DetailCell => ({ text });

export const isHttp2 = (m: { httpVersion?: string } | null): boolean => m?.httpVersion === 'HTTP/2';

const isPseudo = (name: string): boolean => name.startsWith(':');

/** The header fields but the pseudo-header fields. */
export const withoutPseudo = (fields: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(fields).filter(([name]) => !isPseudo(name)));

/**
 * The pseudo-header rows of one side. `:method`, `:path` and `:status` filter through the
 * summary's variables when the summary holds that value (a stream joined mid-way may not have
 * decoded it); the rest through the header map.
 */
export function pseudoRows(side: 'request' | 'response', fields: Record<string, string>, summary: Http2Entry['summary']): DetailRow[] {
  const pseudo = Object.fromEntries(Object.entries(fields).filter(([name]) => isPseudo(name)));
  return headerRows(side, pseudo, true).map((row) => {
    const value = row.value.text;
    if (row.label === ':method' && summary.method === value) return { label: row.label, value: { text: value, term: variableTerm('method', value) } };
    if (row.label === ':path' && summary.path === value) return { label: row.label, value: { text: value, term: variableTerm('path', value) } };
    if (row.label === ':status' && summary.status === Number(value)) return { label: row.label, value: { text: value, term: variableTerm('status_code', summary.status) } };
    return row;
  });
}

/** `CANCEL (no longer needed), sent by the client`. */
function endingText(e: Http2EndingJson): string {
  const words = Object.hasOwn(ERROR_WORDS, e.code) ? ` (${ERROR_WORDS[e.code]!})` : '';
  return `${e.code}${words}, sent by the ${e.by}`;
}

/** The facts of the stream of an HTTP/2 entry, as label/value rows. */
export function http2StreamRows(entry: Http2Entry): DetailRow[] {
  // The one place the entry's messages are read for their HTTP/2 keys: docs/entries.md, "HTTP/2".
  const req = entry.request as Http2MessageJson | null;
  const res = entry.response as Http2MessageJson | null;
  const rows: DetailRow[] = [];
  const id = req?.streamId ?? res?.streamId;
  if (id !== undefined) rows.push({ label: 'stream id', value: plain(String(id)) });
  if (req?.pushed === true) rows.push({ label: 'pushed', value: plain('the server promised this request (PUSH_PROMISE) and answered it unasked') });
  if (req === null && entry.summary.text.startsWith('(upgraded request)')) {
    rows.push({ label: 'request', value: plain('sent as HTTP/1.1 with Upgrade: h2c: the entry before this one on the connection') });
  }
  const reset = req?.reset ?? res?.reset;
  if (reset !== undefined) rows.push({ label: 'reset', value: plain(`RST_STREAM ${endingText(reset)}`) });
  const goaway = req?.goaway ?? res?.goaway;
  if (goaway !== undefined) {
    const fate = id !== undefined && goaway.lastStreamId !== undefined && id > goaway.lastStreamId ? 'not processed' : 'the connection ended with it open';
    rows.push({ label: 'goaway', value: plain(`GOAWAY ${endingText(goaway)}; last stream ${goaway.lastStreamId ?? '?'}: this one ${fate}`) });
  }
  return rows;
}
