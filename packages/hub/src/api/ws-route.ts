import { isFilterError } from '@shoal/filter';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import { ClientFeed, type ClientLimits } from '../feed/client-feed.js';
import type { FeedHub } from '../feed/feed-hub.js';

/** Close codes, as the worker's (docs/api.md): a client handles both the same way. */
export const CLOSE_BAD_FILTER = 4400;
export const CLOSE_NO_FILTER = 4408;
const FILTER_WAIT_MS = 30_000;

interface Subscription {
  filter: string;
  since: number | undefined;
  /** Entries in batches (docs/hub.md); absent: as the socket was. */
  batch?: boolean;
}

/** `?batch=1` (or `true`): the client takes `{"entries": [...]}` messages. */
function batchParam(value: string | null): boolean {
  return value === '1' || value === 'true';
}

function sinceOf(value: unknown): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** A client message: `{"filter": "...", "since": ms, "batch": bool}` (also `q`), or the bare filter text. */
function parseSubscription(text: string): Subscription {
  try {
    const json = JSON.parse(text) as unknown;
    if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
      const o = json as Record<string, unknown>;
      const sub: Subscription = { filter: String(o['filter'] ?? o['q'] ?? ''), since: sinceOf(o['since']) };
      if (typeof o['batch'] === 'boolean') sub.batch = o['batch'];
      return sub;
    }
  } catch {
    // Not JSON: the message is the filter itself.
  }
  return { filter: text, since: undefined };
}

function textOf(data: RawData): string {
  return Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
}

/**
 * The hub's /ws: the worker's protocol (query `q` and `since`, or a first message; then
 * entries, `ready`, `lost`, `error`), plus two additions: any later message is a new
 * subscription on the same socket, and a client may ask for its entries in batches
 * (`?batch=1`, or `"batch": true` in a subscription), one message per merge tick. A bad first filter closes with 4400 as on the worker; a bad
 * later one gets the `error` message and the previous query stays in force.
 */
export function serveHubFeed(hub: FeedHub, ws: WebSocket, query: URLSearchParams, limits: ClientLimits, sockets: Set<WebSocket>, log: Logger): void {
  const client = new ClientFeed(ws, limits, hub.counters, batchParam(query.get('batch')));
  sockets.add(ws);
  let subscribed = false;
  ws.on('error', (err) => log.debug({ err: err.message }, 'hub feed client error'));
  ws.on('close', () => {
    clearTimeout(timer);
    sockets.delete(ws);
    hub.leave(client);
  });

  const subscribe = (sub: Subscription): void => {
    let filter;
    try {
      filter = hub.compile(sub.filter);
    } catch (err) {
      if (!isFilterError(err)) throw err;
      client.send({ error: { code: err.code, message: err.reason, position: err.position, excerpt: err.excerpt } });
      if (!subscribed) ws.close(CLOSE_BAD_FILTER, err.code);
      return;
    }
    subscribed = true;
    if (sub.batch !== undefined) client.batched = sub.batch;
    hub.join(client, filter, sub.since);
  };

  const q = query.get('q');
  const timer = q === null ? setTimeout(() => ws.close(CLOSE_NO_FILTER, 'send the filter (or pass ?q=) within 30 s'), FILTER_WAIT_MS) : undefined;
  if (q !== null) subscribe({ filter: q, since: sinceOf(query.get('since')) });
  ws.on('message', (data: RawData) => {
    clearTimeout(timer);
    const sub = parseSubscription(textOf(data));
    if (!subscribed) sub.since ??= sinceOf(query.get('since'));
    subscribe(sub);
  });
}
