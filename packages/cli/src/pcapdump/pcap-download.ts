import type { IncomingHttpHeaders } from 'node:http';
import { PcapHeaders, ShoalError } from '@shoal/model';
import type { AtomicFile } from '../output/atomic-file.js';
import type { TransferProgress } from '../output/transfer-progress.js';
import type { InstalledHub } from '../tap/installed-hub.js';

/**
 * One download of the hub's merged pcap (`GET /pcap?q=&from=&to=`, docs/hub.md) into a file:
 * the body streamed to disk with backpressure (the hub reads its workers only as fast as this
 * takes the file), the hub's headers and its trailer read for what the file lacks. A body cut
 * before its end (the hub's merge failed, the connection dropped) is an error: the caller
 * discards the file rather than keep a pcap that ends in the middle of a record.
 */
export interface PcapQuery {
  /** The filter (docs/filter.md); '' is every entry. */
  q: string;
  /** Epoch ms; undefined: from the oldest the workers hold. */
  fromMs?: number;
  toMs: number;
  /** The name the hub gives the file in Content-Disposition. */
  filename: string;
}

export interface PcapDownload {
  bytes: number;
  /** Streams in the file (X-Shoal-Streams). */
  streams: number;
  /** Workers whose packets are in the file. */
  workers: string[];
  /** Down, failed or timed out before the file started: their packets are missing. */
  unavailable: string[];
  /** Left out for another link type. */
  skipped: string[];
  /** Failed or stalled after the file started (the trailer): their later packets are missing. */
  failed: string[];
}

function names(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(',') : value ?? '';
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export function pcapPath(query: PcapQuery): string {
  const params = new URLSearchParams({ q: query.q, to: String(Math.floor(query.toMs)), filename: query.filename });
  if (query.fromMs !== undefined) params.set('from', String(Math.floor(query.fromMs)));
  return `/pcap?${params}`;
}

export async function downloadPcap(hub: InstalledHub, query: PcapQuery, file: AtomicFile, progress: TransferProgress, signal?: AbortSignal): Promise<PcapDownload> {
  const res = await hub.get(pcapPath(query), signal);
  if (res.statusCode !== 200) throw await hub.refusal(res, 'GET /pcap');
  const headers: IncomingHttpHeaders = res.headers;
  try {
    for await (const chunk of res) {
      await file.write(chunk as Buffer);
      progress.add((chunk as Buffer).length);
    }
  } catch (err) {
    if (signal?.aborted === true) throw signal.reason;
    throw cut(file.bytes, err as Error);
  }
  if (!res.complete) throw cut(file.bytes, new Error('the connection closed before the end of the file'));
  return {
    bytes: file.bytes,
    streams: Number(headers[PcapHeaders.STREAMS] ?? 0),
    workers: names(headers[PcapHeaders.WORKERS]),
    unavailable: names(headers[PcapHeaders.UNAVAILABLE_WORKERS]),
    skipped: names(headers[PcapHeaders.SKIPPED_WORKERS]),
    failed: names(res.trailers[PcapHeaders.FAILED_WORKERS]),
  };
}

function cut(bytes: number, err: Error): ShoalError {
  if (err instanceof ShoalError) return err;
  return new ShoalError('CLI_ERR_SERVER', `the hub's pcap was cut after ${bytes} bytes (${err.message}): the hub's log says why (shoal logs); nothing was written`, { cause: err });
}
