/**
 * The summary form the feed keeps of each entry: what a row shows and what click-to-filter needs,
 * nothing more. Request and response bodies stay in the workers; the detail is fetched on click
 * (`GET /api/entries/:id`), so 300,000 rows fit in a page.
 */

/** The fields of an entry (docs/entries.md) that a row reads; the rest is ignored. */
export interface EntryJson {
  id: string;
  stream: string;
  timestamp: number;
  elapsedMs: number;
  protocol: { name: string; abbr: string };
  src: EndpointJson;
  dst: EndpointJson;
  node: { name: string };
  summary: { method?: string; path?: string; status?: number; text: string };
  requestSize: number;
  responseSize: number;
  malformed?: { code: string };
}

export interface EndpointJson {
  ip: string;
  port: number;
  name?: string;
  namespace?: string;
  pod?: string;
  service?: string;
  node?: string;
}

export interface Side {
  /** Pod, else service, else IP: what the row prints. */
  label: string;
  ip: string;
  port: number;
  namespace?: string;
  pod?: string;
  service?: string;
}

export interface EntryRow {
  /** Tells a row from the feed's gap markers (FeedItem) without wrapping it in another object. */
  kind: 'entry';
  id: string;
  stream: string;
  timestamp: number;
  elapsedMs: number;
  protocol: string;
  abbr: string;
  method?: string;
  /** Path for HTTP-like protocols, else the summary text. */
  text: string;
  status?: number;
  src: Side;
  dst: Side;
  node: string;
  bytes: number;
  malformed: boolean;
}

function sideOf(e: EndpointJson): Side {
  const side: Side = { label: e.pod ?? e.service ?? e.name ?? e.ip, ip: e.ip, port: e.port };
  if (e.namespace !== undefined) side.namespace = e.namespace;
  if (e.pod !== undefined) side.pod = e.pod;
  if (e.service !== undefined) side.service = e.service;
  return side;
}

export function toRow(e: EntryJson): EntryRow {
  const row: EntryRow = {
    kind: 'entry',
    id: e.id,
    stream: e.stream,
    timestamp: e.timestamp,
    elapsedMs: e.elapsedMs,
    protocol: e.protocol.name,
    abbr: e.protocol.abbr,
    text: e.summary.path ?? e.summary.text,
    src: sideOf(e.src),
    dst: sideOf(e.dst),
    node: e.node.name,
    bytes: e.requestSize + e.responseSize,
    malformed: e.malformed !== undefined,
  };
  if (e.summary.method !== undefined) row.method = e.summary.method;
  if (e.summary.status !== undefined) row.status = e.summary.status;
  return row;
}
