import type { ServerResponse } from 'node:http';
import { LinkType, PcapHeaders } from '@shoal/model';
import { drained } from '@shoal/model/http';
import { PcapWriter } from '@shoal/capture';
import type { EntryStore } from '../store/entry-store.js';
import { ApiError, ApiErrorCodes } from './http-util.js';
import { filterParam, timeParam } from './query-params.js';

/** The streams a /pcap request asks for: by entry ids, or by a filter over a time range. */
export function streamsOf(store: EntryStore, query: URLSearchParams): { streams: Set<string>; missingIds: number } {
  const ids = query.get('ids');
  const streams = new Set<string>();
  if (ids !== null) {
    const list = ids.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (list.length === 0) throw new ApiError(400, ApiErrorCodes.WRK_ERR_BAD_REQUEST, 'ids= needs one or more entry ids, comma-separated');
    let missing = 0;
    for (const id of list) {
      const entry = store.get(id);
      if (entry === undefined) missing++;
      else streams.add(entry.stream);
    }
    if (streams.size === 0) throw new ApiError(404, ApiErrorCodes.WRK_ERR_NOT_FOUND, 'none of the ids is in this worker\'s store (never seen, or evicted)');
    return { streams, missingIds: missing };
  }
  if (!query.has('q')) throw new ApiError(400, ApiErrorCodes.WRK_ERR_BAD_REQUEST, '/pcap needs ids=<id>,<id>… or q=<filter> (with optional from= and to=, epoch ms)');
  const filter = filterParam(query);
  const from = timeParam(query, 'from', -Infinity);
  const to = timeParam(query, 'to', Infinity);
  for (const entry of store.entriesBetween(from, to)) if (filter.matches(entry)) streams.add(entry.stream);
  return { streams, missingIds: 0 };
}

/**
 * A pcap holds one link type. Captures on different interfaces can store different ones
 * (Ethernet on a bridge, Linux cooked on `any`), so the most common one of the export is
 * written and the others are skipped and counted in a response header.
 */
function chooseLinkType(counts: Map<number, number>): { linkType: number; skipped: number } {
  let best = LinkType.ETHERNET as number;
  let bestCount = -1;
  let total = 0;
  for (const [linkType, count] of [...counts].sort((a, b) => a[0] - b[0])) {
    total += count;
    if (count > bestCount) {
      best = linkType;
      bestCount = count;
    }
  }
  return { linkType: best, skipped: total - Math.max(0, bestCount) };
}

/** GET /pcap: streams the packets of the chosen streams, waiting for the client as it reads. */
export async function exportPcap(store: EntryStore, worker: string, query: URLSearchParams, res: ServerResponse): Promise<void> {
  const { streams, missingIds } = streamsOf(store, query);
  const { linkType, skipped } = chooseLinkType(store.linkTypesOf(streams));
  res.writeHead(200, {
    'content-type': 'application/vnd.tcpdump.pcap',
    'content-disposition': `attachment; filename="shoal-${worker.replace(/[^A-Za-z0-9._-]/g, '_')}-${Date.now()}.pcap"`,
    [PcapHeaders.STREAMS]: String(streams.size),
    [PcapHeaders.LINK_TYPE]: String(linkType),
    [PcapHeaders.SKIPPED_PACKETS]: String(skipped),
    [PcapHeaders.MISSING_IDS]: String(missingIds),
  });
  let blocked = false;
  let gone = false;
  const writer = PcapWriter.toChunks(
    (chunk) => {
      if (!res.write(chunk)) blocked = true;
    },
    { linkType, bufferBytes: 256 * 1024 },
  );
  for (const p of store.packetsOf(streams)) {
    if (gone) return;
    if (p.linkType !== linkType) continue;
    writer.writeRecord(p.timestampMs, p.data, 0, p.data.length, p.wireLength);
    if (blocked) {
      blocked = false;
      gone = !(await drained(res));
    }
  }
  writer.close();
  res.end();
}
