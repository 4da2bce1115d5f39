/**
 * The full entry the detail shows (`GET /api/entries/:id`, docs/entries.md), and what the detail
 * derives from it: the stream's query, the PCAP download, the fields as label/value pairs.
 */
import type { EntryJson } from './entry-row.js';
import type { BodyFields } from './body-format.js';
import { termText, variableTerm } from './filter-snippet.js';

/** An HTTP request or response as the dissector writes it; flows have packets, bytes and flags instead. */
export interface MessageJson extends BodyFields {
  method?: string;
  url?: string;
  path?: string;
  httpVersion?: string;
  status?: number;
  statusText?: string;
  headersSize?: number;
  trailers?: Record<string, string>;
  interim?: number[];
  packets?: number;
  bytes?: number;
  flags?: string[];
}

export interface EntryDetailJson extends EntryJson {
  protocol: { name: string; abbr: string; version?: string; layer4: string };
  capture: string;
  node: { name: string; ip: string };
  worker: string;
  request: MessageJson | null;
  response: MessageJson | null;
  malformed?: { code: string; at: string };
}

/** The hub route of one entry; ids hold slashes, which the hub takes encoded or not (docs/hub.md). */
export const entryPath = (id: string): string => `/entries/${id.split('/').map(encodeURIComponent).join('/')}`;

/** The query for every entry of `stream`: the `stream` variable of the filter catalog. */
export const streamQuery = (stream: string): string => termText(variableTerm('stream', stream));

/**
 * The hub's `/pcap` for the stream of entry `id` (the hub exports whole streams), named
 * `filename`: the hub's Content-Disposition names a browser's download, not the link.
 */
export const pcapPath = (id: string, filename: string): string => `/pcap?${new URLSearchParams({ ids: id, filename }).toString()}`;

/**
 * `shoal-http-10.0.0.1.34494-10.0.0.9.80-20261126T054028Z.pcap`: what, between whom, and when, so
 * a folder of downloads sorts and reads well; only characters every file system takes.
 */
export function pcapFilename(e: Pick<EntryDetailJson, 'protocol' | 'src' | 'dst' | 'timestamp'>): string {
  const end = (s: { ip: string; port: number; name?: string; pod?: string; service?: string }) => `${s.pod ?? s.service ?? s.name ?? s.ip}.${s.port}`;
  const when = new Date(e.timestamp).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const name = `shoal-${e.protocol.name}-${end(e.src)}-${end(e.dst)}-${when}`;
  return `${name.replace(/[^\w.-]+/g, '_')}.pcap`;
}

/** The entry as pretty JSON, for "copy as JSON". */
export const entryJsonText = (e: EntryDetailJson): string => `${JSON.stringify(e, null, 2)}\n`;
