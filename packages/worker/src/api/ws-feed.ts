import { compileFilter, isFilterError, type CompiledFilter } from '@shoal/filter';
import { FeedClose, parseSubscribeMessage, positionedErrorBody, sinceOf, type FeedNotice, type SubscribeMessage } from '@shoal/model';
import type { RawData, WebSocket } from 'ws';
import type { WorkerCore } from '../worker-core.js';

/** How long a client may take to send its filter when it did not pass `q`. */
const FILTER_WAIT_MS = 30_000;

/** A notice on the socket (model's FeedNotice: ready, lost, error). */
export function sendNotice(ws: WebSocket, notice: FeedNotice): void {
  ws.send(JSON.stringify(notice));
}

/**
 * One /ws connection: learn the filter (query `q`, else the first message), compile it
 * (errors go back positioned, then close 4400), replay stored entries from `since` if asked,
 * then stream live entries that match.
 */
export function serveFeed(core: WorkerCore, ws: WebSocket, query: URLSearchParams, peer: string): void {
  // A client breaking the protocol (bad frame, message over the size limit) loses its socket,
  // not the worker: `ws` has already closed it when this fires.
  ws.on('error', (err) => core.log.debug({ err: err.message }, 'feed client error'));
  const q = query.get('q');
  if (q !== null) {
    const since = sinceOf(query.get('since'));
    start(core, ws, peer, since === undefined ? { filter: q } : { filter: q, since });
    return;
  }
  const timer = setTimeout(() => ws.close(FeedClose.NO_FILTER, 'send the filter (or pass ?q=) within 30 s'), FILTER_WAIT_MS);
  ws.once('message', (data: RawData) => {
    clearTimeout(timer);
    const sub = parseSubscribeMessage(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
    const since = sub.since ?? sinceOf(query.get('since'));
    if (since !== undefined) sub.since = since;
    start(core, ws, peer, sub);
  });
  ws.once('close', () => clearTimeout(timer));
}

/** Runs a subscription; a failure (a bug, a store read error) closes this socket only. */
function start(core: WorkerCore, ws: WebSocket, peer: string, sub: SubscribeMessage): void {
  subscribe(core, ws, peer, sub).catch((err: unknown) => {
    core.log.error({ err: err instanceof Error ? err.stack : String(err) }, 'feed subscription failed');
    ws.close(1011, 'internal error; see the worker log');
  });
}

async function subscribe(core: WorkerCore, ws: WebSocket, peer: string, sub: SubscribeMessage): Promise<void> {
  let filter: CompiledFilter;
  try {
    filter = compileFilter(sub.filter);
  } catch (err) {
    if (!isFilterError(err)) throw err;
    sendNotice(ws, { error: positionedErrorBody(err) });
    ws.close(FeedClose.BAD_FILTER, err.code);
    return;
  }
  const client = core.pipeline.feed.add(ws, filter, peer);
  const { sent: replayed, last } = sub.since !== undefined ? await client.replay(core.store, sub.since) : { sent: 0, last: client.goLive() };
  if (client.open) sendNotice(ws, { ready: { filter: sub.filter, replayed, last } });
  core.log.debug({ filter: sub.filter, since: sub.since, replayed }, 'feed subscriber live');
}
