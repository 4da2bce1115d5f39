import type { ServerResponse } from 'node:http';
import { PcapHeaders } from '@shoal/model';
import { celString } from '@shoal/filter';
import type { Logger } from 'pino';
import type { ViewScope } from '../../access/view-scope.js';
import { mergePcaps, PcapSource } from '../../pcap/pcap-merge.js';
import { HeadersTimeoutError, type PcapTimeouts } from '../../pcap/pcap-timeouts.js';
import { runningTimer } from '../../workers/loop-stall.js';
import { describe, type WorkerLink } from '../../workers/worker-link.js';
import type { WorkerRegistry } from '../../workers/worker-registry.js';
import { ApiError, badRequest, ErrorCodes, timeParam } from '../http-util.js';
import { compileOrThrow } from './filter-param.js';

/** A worker's answer to the hub's /pcap request, before merging. */
interface Part {
  source: PcapSource;
  streams: number;
  skippedPackets: number;
  missingIds: number;
}

function header(res: Response, name: string): number {
  const n = Number(res.headers.get(name) ?? 0);
  return Number.isFinite(n) ? n : 0;
}

/**
 * What a worker is asked for some of its ids: the ids themselves, or, for a caller who does not
 * see every namespace, a filter picking those of them in scope (the worker then exports only
 * their streams, and an id outside the scope is left out as an unknown one is).
 */
function idsParams(wanted: string[], scope: ViewScope): URLSearchParams {
  if (scope.all) return new URLSearchParams({ ids: wanted.join(',') });
  return new URLSearchParams({ q: scope.narrow(`id in [${wanted.map(celString).join(', ')}]`) });
}

/**
 * Which workers to ask, and with what query: by the ids' first part, or all up workers for q=;
 * in either case only the streams of entries in the caller's scope (view-scope.ts).
 */
function plan(registry: WorkerRegistry, query: URLSearchParams, scope: ViewScope): { asks: [WorkerLink, URLSearchParams][]; missingIds: number; unavailable: string[] } {
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
      } else asks.push([link, idsParams(wanted, scope)]);
    }
    return { asks, missingIds, unavailable };
  }
  const q = query.get('q');
  if (q === null) throw badRequest('/pcap needs ids=<id>,<id>… or q=<filter> (with optional from= and to=, epoch ms)');
  compileOrThrow(q);
  const params = new URLSearchParams({ q: scope.narrow(q) });
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
 * A worker's /pcap answer up to its headers, within `headersMs`; the timer goes once they came.
 * `request` stays the request's: aborting it later closes the body too.
 */
async function pcapHeaders(link: WorkerLink, params: URLSearchParams, request: AbortController, headersMs: number): Promise<Response> {
  const stop = runningTimer(headersMs, () => request.abort(new HeadersTimeoutError(link.name, headersMs)));
  try {
    return await link.fetch(`/pcap?${params}`, { signal: request.signal });
  } finally {
    stop();
  }
}

/** The start of an error answer's body, for the log, read within the body timeout. */
async function errorText(answer: Response, request: AbortController, bodyMs: number): Promise<string> {
  const stop = runningTimer(bodyMs, () => request.abort());
  try {
    return (await answer.text()).slice(0, 200);
  } catch {
    return '(its body did not come)';
  } finally {
    stop();
  }
}

/**
 * Asks one worker for its part: its headers (within the headers timeout), then its file header
 * and first record (each read within the body timeout), so the hub's own headers can name every
 * worker that did not answer. Resolves "not-found" for ids it does not hold; throws when it failed,
 * with its request aborted.
 */
async function askWorker(link: WorkerLink, params: URLSearchParams, timeouts: PcapTimeouts): Promise<Part | 'not-found'> {
  const request = new AbortController();
  let source: PcapSource | undefined;
  try {
    const answer = await pcapHeaders(link, params, request, timeouts.headersMs);
    if (answer.status === 404 && params.has('ids')) {
      request.abort();
      return 'not-found';
    }
    if (!answer.ok || answer.body === null) throw new Error(`/pcap answered ${answer.status}: ${await errorText(answer, request, timeouts.bodyMs)}`);
    source = new PcapSource(link.name, answer.body, { bodyTimeoutMs: timeouts.bodyMs, request });
    const part = { source, streams: header(answer, PcapHeaders.STREAMS), skippedPackets: header(answer, PcapHeaders.SKIPPED_PACKETS), missingIds: header(answer, PcapHeaders.MISSING_IDS) };
    await source.advance();
    return part;
  } catch (err) {
    source?.cancel();
    request.abort();
    throw err;
  }
}

/**
 * GET /pcap?ids=… or ?q=&from=&to=: each worker concerned exports its streams (its /pcap), and
 * the hub merges the files by packet time into one, streamed with backpressure (pcap-merge.ts),
 * writing a packet that two nodes captured once. A worker that does not answer within the
 * timeouts (pcap-timeouts.ts), or fails, is left out rather than stalling the export: named in
 * the X-Shoal-Unavailable-Workers header when that happens before the file starts, else in the
 * X-Shoal-Failed-Workers trailer (docs/hub.md, GET /pcap). `scope`: the streams the caller may
 * download (caller.ts, pcapScope).
 */
export async function getPcap(registry: WorkerRegistry, query: URLSearchParams, res: ServerResponse, log: Logger, timeouts: PcapTimeouts, scope: ViewScope): Promise<void> {
  const { asks, missingIds: missingBefore, unavailable } = plan(registry, query, scope);
  let missingIds = missingBefore;
  const parts: Part[] = [];
  const failed: string[] = [];
  try {
    await Promise.all(
      asks.map(async ([link, params]) => {
        try {
          const part = await askWorker(link, params, timeouts);
          if (part === 'not-found') missingIds += params.get('ids')!.split(',').length;
          else {
            missingIds += part.missingIds;
            parts.push(part);
          }
        } catch (err) {
          log.warn({ worker: link.name, err: describe(err) }, 'pcap export from a worker failed or timed out; left out');
          failed.push(link.name);
        }
      }),
    );
    // The client left while the workers were asked: nothing to merge for.
    if (res.destroyed) return;
    if (query.has('ids') && parts.every((p) => p.streams === 0)) {
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
      [PcapHeaders.STREAMS]: String(kept.reduce((n, p) => n + p.streams, 0)),
      [PcapHeaders.LINK_TYPE]: String(linkType),
      [PcapHeaders.SKIPPED_PACKETS]: String(kept.reduce((n, p) => n + p.skippedPackets, 0)),
      [PcapHeaders.MISSING_IDS]: String(missingIds),
      [PcapHeaders.WORKERS]: kept.map((p) => p.source.worker).join(','),
      [PcapHeaders.UNAVAILABLE_WORKERS]: [...unavailable, ...failed].join(','),
      [PcapHeaders.SKIPPED_WORKERS]: otherLinkType.map((p) => p.source.worker).join(','),
      // RFC 9110 §6.6.2: the trailer field to come, after the file.
      trailer: PcapHeaders.FAILED_WORKERS,
    });
    const failedLater: string[] = [];
    const merged = await mergePcaps(kept.map((p) => p.source), linkType, res, (source, err) => {
      log.warn({ worker: source.worker, err: describe(err) }, 'pcap export from a worker failed or stalled after the file started; the rest of its packets are left out');
      failedLater.push(source.worker);
    });
    // The headers went out before the merge: what it left out as cross-node copies is logged.
    if (merged.copies > 0) log.debug({ packets: merged.packets, copies: merged.copies }, 'pcap: packets captured on two nodes written once');
    res.addTrailers({ [PcapHeaders.FAILED_WORKERS]: failedLater.join(',') });
    res.end();
  } finally {
    // Whatever happened, no worker's body stays open (cancelling a finished one does nothing).
    for (const p of parts) p.source.cancel();
  }
}
