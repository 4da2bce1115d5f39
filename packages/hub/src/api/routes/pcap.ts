import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { mergePcaps, PcapSource } from '../../pcap/pcap-merge.js';
import { describe, type WorkerLink } from '../../workers/worker-link.js';
import type { WorkerRegistry } from '../../workers/worker-registry.js';
import { ApiError, badRequest, ErrorCodes, timeParam } from '../http-util.js';
import { compileOrThrow } from './filter-param.js';

/** A worker's answer to the hub's /pcap request, before merging. */
interface Part {
  source: PcapSource;
  streams: number;
  skippedPackets: number;
}

function header(res: Response, name: string): number {
  const n = Number(res.headers.get(name) ?? 0);
  return Number.isFinite(n) ? n : 0;
}

/** Which workers to ask, and with what query: by the ids' first part, or all up workers for q=. */
function plan(registry: WorkerRegistry, query: URLSearchParams): { asks: [WorkerLink, URLSearchParams][]; missingIds: number; unavailable: string[] } {
  const unavailable: string[] = [];
  const ids = query.get('ids');
  if (ids !== null) {
    const list = ids.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (list.length === 0) throw badRequest('ids= needs one or more entry ids, comma-separated');
    const byWorker = new Map<string, string[]>();
    for (const id of list) {
      const name = id.split('/')[0]!;
      byWorker.set(name, [...(byWorker.get(name) ?? []), id]);
    }
    let missingIds = 0;
    const asks: [WorkerLink, URLSearchParams][] = [];
    for (const [name, wanted] of byWorker) {
      const link = registry.get(name);
      if (link === undefined) missingIds += wanted.length;
      else if (!link.up) {
        missingIds += wanted.length;
        unavailable.push(name);
      } else asks.push([link, new URLSearchParams({ ids: wanted.join(',') })]);
    }
    return { asks, missingIds, unavailable };
  }
  const q = query.get('q');
  if (q === null) throw badRequest('/pcap needs ids=<id>,<id>… or q=<filter> (with optional from= and to=, epoch ms)');
  compileOrThrow(q);
  const params = new URLSearchParams({ q });
  const from = timeParam(query, 'from', -Infinity);
  const to = timeParam(query, 'to', Infinity);
  if (from !== -Infinity) params.set('from', String(from));
  if (to !== Infinity) params.set('to', String(to));
  for (const link of registry.all()) if (!link.up) unavailable.push(link.name);
  return { asks: registry.up().map((link) => [link, params]), missingIds: 0, unavailable };
}

/**
 * A pcap holds one link type: the one of the most streams wins (the lowest number on a tie), as
 * on the worker; workers whose file has another are left out and named in a header.
 */
function chooseLinkType(parts: Part[]): number {
  const streams = new Map<number, number>();
  for (const p of parts) streams.set(p.source.linkType!, (streams.get(p.source.linkType!) ?? 0) + p.streams);
  let best = 1;
  let bestCount = -1;
  for (const [linkType, count] of [...streams].sort((a, b) => a[0] - b[0])) {
    if (count > bestCount) [best, bestCount] = [linkType, count];
  }
  return best;
}

/**
 * The download's file name: the client's `filename=` (a dashboard names the file after what it
 * holds; a browser takes Content-Disposition over its link's own name), kept to characters safe
 * in any file system and in the header, else one with the time.
 */
export function pcapFileName(query: URLSearchParams, now = Date.now()): string {
  const asked = (query.get('filename') ?? '').replace(/[^\w.-]+/g, '_').replace(/^[._]+/, '').slice(0, 200);
  if (asked === '') return `shoal-hub-${now}.pcap`;
  return asked.endsWith('.pcap') ? asked : `${asked}.pcap`;
}

/**
 * GET /pcap?ids=… or ?q=&from=&to=: each worker concerned exports its streams (its /pcap), and
 * the hub merges the files by packet time into one, streamed with backpressure (pcap-merge.ts),
 * writing a packet that two nodes captured once.
 */
export async function getPcap(registry: WorkerRegistry, query: URLSearchParams, res: ServerResponse, log: Logger): Promise<void> {
  const { asks, missingIds: missingBefore, unavailable } = plan(registry, query);
  let missingIds = missingBefore;
  const parts: Part[] = [];
  const failed: string[] = [];
  await Promise.all(
    asks.map(async ([link, params]) => {
      try {
        // No timeout on the body: a large export streams as fast as the client reads.
        const answer = await link.fetch(`/pcap?${params}`, {}, 24 * 3600_000);
        if (answer.status === 404 && params.has('ids')) {
          missingIds += params.get('ids')!.split(',').length;
          await answer.body?.cancel();
          return;
        }
        if (!answer.ok || answer.body === null) throw new Error(`/pcap answered ${answer.status}: ${(await answer.text()).slice(0, 200)}`);
        missingIds += header(answer, 'x-shoal-missing-ids');
        const part = { source: new PcapSource(link.name, answer.body), streams: header(answer, 'x-shoal-streams'), skippedPackets: header(answer, 'x-shoal-skipped-packets') };
        await part.source.advance();
        parts.push(part);
      } catch (err) {
        log.warn({ worker: link.name, err: describe(err) }, 'pcap export from a worker failed');
        failed.push(link.name);
      }
    }),
  );
  if (query.has('ids') && parts.length === 0) {
    if (failed.length > 0 || unavailable.length > 0) {
      throw new ApiError(502, ErrorCodes.HUB_ERR_WORKER, `the workers holding these ids did not answer: ${[...failed, ...unavailable].join(', ')}; GET /status says why`);
    }
    throw new ApiError(404, ErrorCodes.HUB_ERR_NOT_FOUND, 'none of the ids is in a worker\'s store (never seen, or evicted)');
  }
  const linkType = parts.length === 0 ? 1 : chooseLinkType(parts);
  const kept = parts.filter((p) => p.source.linkType === linkType);
  const otherLinkType = parts.filter((p) => p.source.linkType !== linkType);
  for (const p of otherLinkType) p.source.cancel();
  res.writeHead(200, {
    'content-type': 'application/vnd.tcpdump.pcap',
    'content-disposition': `attachment; filename="${pcapFileName(query)}"`,
    'x-shoal-streams': String(kept.reduce((n, p) => n + p.streams, 0)),
    'x-shoal-link-type': String(linkType),
    'x-shoal-skipped-packets': String(kept.reduce((n, p) => n + p.skippedPackets, 0)),
    'x-shoal-missing-ids': String(missingIds),
    'x-shoal-workers': kept.map((p) => p.source.worker).join(','),
    'x-shoal-unavailable-workers': [...unavailable, ...failed].join(','),
    'x-shoal-skipped-workers': otherLinkType.map((p) => p.source.worker).join(','),
  });
  const merged = await mergePcaps(kept.map((p) => p.source), linkType, res);
  // The headers went out before the merge: what it left out as cross-node copies is logged.
  if (merged.copies > 0) log.debug({ packets: merged.packets, copies: merged.copies }, 'pcap: packets captured on two nodes written once');
  res.end();
}
