import type { IncomingMessage } from 'node:http';
import { isFilterError } from '@shoal/filter';
import { CLIENT_ID_HEADER, FeedClose, isShoalError, parseSubscribeMessage, positionedErrorBody, sinceOf, type SubscribeMessage } from '@shoal/model';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import { ClientFeed, type ClientLimits } from '../feed/client-feed.js';
import type { FeedClock } from '../feed/feed-environment.js';
import type { FeedHub } from '../feed/feed-hub.js';
import type { ViewScope } from '../access/view-scope.js';
import { Heartbeat } from '../feed/heartbeat.js';
import { SubscriptionRate } from '../feed/subscription-rate.js';

const FILTER_WAIT_MS = 30_000;

export interface FeedRouteOptions {
  limits: ClientLimits;
  /** Subscriptions one socket may send within a second (`--max-resubscribes`). */
  maxResubscribes: number;
  /** Ping period of each client socket (heartbeat.ts). */
  heartbeatMs: number;
  clock: FeedClock;
}

/** `?batch=1` (or `true`): the client takes `{"entries": [...]}` messages. */
function batchParam(value: string | null): boolean {
  return value === '1' || value === 'true';
}

function textOf(data: RawData): string {
  return Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
}

/** Who a socket is for the per-client bounds: the proxy's client id (the front's session), else the peer address. */
function clientKeyOf(req: IncomingMessage): string {
  const id = req.headers[CLIENT_ID_HEADER];
  const named = Array.isArray(id) ? id[0] : id;
  return named !== undefined && named !== '' ? `id:${named}` : `addr:${req.socket.remoteAddress ?? ''}`;
}

/**
 * The hub's /ws: the worker's protocol (query `q` and `since`, or a first message; then
 * entries, `ready`, `lost`, `error`), plus two additions: any later message is a new
 * subscription on the same socket, and a client may ask for its entries in batches
 * (`?batch=1`, or `"batch": true` in a subscription), one message per merge tick. A bad first
 * filter closes with 4400 as on the worker; a bad later one gets the `error` message and the
 * previous query stays in force. Bounds (docs/hub.md): a replay past the hub's or the client's
 * bound gets HUB_ERR_REPLAY_LIMIT (a first subscription then closes with 4429, try later); a
 * subscription past the socket's rate gets HUB_ERR_RESUBSCRIBE_RATE and is not applied (the
 * socket stays open). A heartbeat terminates a socket whose client went silent. Every
 * subscription, live and replayed, is narrowed to the caller's scope (view-scope.ts); `ready`
 * names the filter as the client sent it.
 */
export function serveHubFeed(hub: FeedHub, ws: WebSocket, req: IncomingMessage, query: URLSearchParams, options: FeedRouteOptions, sockets: Set<WebSocket>, log: Logger, scope: ViewScope): void {
  const client = new ClientFeed(ws, options.limits, hub.counters, batchParam(query.get('batch')));
  const clientKey = clientKeyOf(req);
  const rate = new SubscriptionRate(options.maxResubscribes, options.clock.now);
  const heartbeat = new Heartbeat(ws, options.heartbeatMs, () => {
    hub.guard.silent.clients++;
    log.info({ client: clientKey }, 'feed client silent for a heartbeat period: closing its socket');
  }, options.clock);
  sockets.add(ws);
  let subscribed = false;
  ws.on('error', (err) => log.debug({ err: err.message }, 'hub feed client error'));
  ws.on('close', () => {
    clearTimeout(timer);
    heartbeat.stop();
    sockets.delete(ws);
    hub.leave(client);
  });

  const subscribe = (sub: SubscribeMessage): void => {
    if (!rate.take()) {
      hub.guard.resubscribesRefused++;
      client.send({ error: { code: 'HUB_ERR_RESUBSCRIBE_RATE', message: `more than ${rate.max} subscriptions on this socket within a second (--max-resubscribes): this one was not applied, the previous query stays in force; send filter changes less often` } });
      return;
    }
    let filter;
    try {
      // The client's own text first: its errors point into what the client wrote.
      hub.compile(sub.filter);
      filter = hub.compile(scope.narrow(sub.filter));
    } catch (err) {
      if (!isFilterError(err)) throw err;
      client.send({ error: positionedErrorBody(err) });
      if (!subscribed) ws.close(FeedClose.BAD_FILTER, err.code);
      return;
    }
    if (sub.batch !== undefined) client.batched = sub.batch;
    try {
      hub.join(client, filter, sub.since, clientKey, sub.filter);
    } catch (err) {
      if (!isShoalError(err) || err.code !== 'HUB_ERR_REPLAY_LIMIT') throw err;
      client.send({ error: { code: err.code, message: err.message } });
      if (!subscribed) ws.close(FeedClose.TRY_LATER, err.code);
      return;
    }
    subscribed = true;
  };

  const q = query.get('q');
  const timer = q === null ? setTimeout(() => ws.close(FeedClose.NO_FILTER, 'send the filter (or pass ?q=) within 30 s'), FILTER_WAIT_MS) : undefined;
  const querySince = sinceOf(query.get('since'));
  if (q !== null) subscribe(querySince === undefined ? { filter: q } : { filter: q, since: querySince });
  ws.on('message', (data: RawData) => {
    clearTimeout(timer);
    const sub = parseSubscribeMessage(textOf(data));
    if (!subscribed && sub.since === undefined && querySince !== undefined) sub.since = querySince;
    subscribe(sub);
  });
}
