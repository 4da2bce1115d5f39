import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FeedHub } from '../feed/feed-hub.js';
import type { NameLookup } from '../names.js';
import type { ResolutionPusher } from '../workers/resolution-pusher.js';
import type { TargetPusher } from '../targets/target-pusher.js';
import type { WorkerRegistry } from '../workers/worker-registry.js';
import { ClientAuth } from './auth.js';
import { ApiError, ErrorCodes, fail, refuseUpgrade, sendJson } from './http-util.js';
import { getEntryById, getHistory } from './routes/entries.js';
import { getPcap } from './routes/pcap.js';
import { getServiceMap } from './routes/servicemap.js';
import { getStats } from './routes/stats.js';
import { getStatus } from './routes/status.js';
import { getTargets, putTargets } from './routes/targets.js';
import { validateQuery } from './routes/validate.js';
import { serveHubFeed, type FeedRouteOptions } from './ws-route.js';

/** Largest WebSocket message a client may send (a filter is at most 16 KiB). */
const MAX_WS_MESSAGE_BYTES = 64 * 1024;

const UNAUTHORIZED = new ApiError(401, ErrorCodes.HUB_ERR_UNAUTHORIZED, 'missing or wrong token: send Authorization: Bearer <token> (the content of the hub\'s --token-file)');

export interface ApiContext {
  registry: WorkerRegistry;
  feeds: FeedHub;
  metrics: Registry;
  sockets: Set<WebSocket>;
  feedRoute: FeedRouteOptions;
  /** The live merge's reorder window (ms), shown in /status. */
  windowMs: number;
  token: string | undefined;
  /** Present when the hub has a pod source; /targets answers 409 without one. */
  targets: TargetPusher | undefined;
  names: NameLookup | undefined;
  resolution: ResolutionPusher | undefined;
  log: Logger;
}

function notFound(path: string): ApiError {
  return new ApiError(404, ErrorCodes.HUB_ERR_NOT_FOUND, `no route ${path}; see docs/hub.md`);
}

/** `allowed`: one method, or several as `GET|PUT`. */
function method(req: IncomingMessage, allowed: string): void {
  const list = allowed.split('|');
  if (!list.includes(req.method ?? '') && !(list.includes('GET') && req.method === 'HEAD')) {
    throw new ApiError(405, ErrorCodes.HUB_ERR_METHOD, `${req.url?.split('?')[0]} takes ${list.join(' or ')}, not ${req.method}`);
  }
}

function decodePath(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ApiError(400, ErrorCodes.HUB_ERR_BAD_REQUEST, `'${text}' is not a well-formed URL path (bad % escape)`);
  }
}

/**
 * The hub's HTTP + WebSocket API (docs/hub.md). /health and /metrics are always open; the rest
 * needs the bearer token when the hub has one (--token-file), the WebSocket upgrade included.
 */
export function createHubServer(ctx: ApiContext): Server {
  const auth = new ClientAuth(ctx.token);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES });
  const { registry, feeds, log } = ctx;

  type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;
  const open: Record<string, [string, Handler]> = {
    '/health': ['GET', (_req, res) => sendJson(res, 200, { ok: true, workers: registry.all().length, up: registry.up().length })],
    '/metrics': ['GET', async (_req, res) => {
      const text = await ctx.metrics.metrics();
      res.writeHead(200, { 'content-type': ctx.metrics.contentType });
      res.end(text);
    }],
  };
  const guarded: Record<string, [string, Handler]> = {
    '/status': ['GET', (_req, res) => getStatus(ctx, res)],
    '/entries': ['GET', (_req, res, url) => getHistory(registry, ctx.names, url.searchParams, res)],
    '/pcap': ['GET', (_req, res, url) => getPcap(registry, url.searchParams, res, log)],
    '/stats': ['GET', (_req, res, url) => getStats(registry, url.searchParams, res)],
    '/servicemap': ['GET', (_req, res, url) => getServiceMap(registry, url.searchParams, res)],
    '/query/validate': ['POST', (req, res) => validateQuery(req, res)],
    '/targets': ['GET|PUT', (req, res) => (req.method === 'PUT' ? putTargets(ctx.targets, req, res) : getTargets(ctx.targets, res))],
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://hub');
    const path = url.pathname;
    const free = open[path];
    if (free !== undefined) {
      method(req, free[0]);
      return free[1](req, res, url);
    }
    if (!auth.allows(req.headers.authorization)) throw UNAUTHORIZED;
    const known = guarded[path];
    if (known !== undefined) {
      method(req, known[0]);
      return known[1](req, res, url);
    }
    if (path.startsWith('/entries/') && path.length > '/entries/'.length) {
      method(req, 'GET');
      return getEntryById(registry, decodePath(path.slice('/entries/'.length)), res);
    }
    if (path === '/ws') throw new ApiError(400, ErrorCodes.HUB_ERR_BAD_REQUEST, '/ws is a WebSocket: connect with an Upgrade request');
    throw notFound(path);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => fail(req, res, err, log));
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://hub');
    if (!auth.allows(req.headers.authorization)) return refuseUpgrade(socket, UNAUTHORIZED);
    if (url.pathname !== '/ws') return refuseUpgrade(socket, notFound(url.pathname));
    wss.handleUpgrade(req, socket, head, (ws) => serveHubFeed(feeds, ws, req, url.searchParams, ctx.feedRoute, ctx.sockets, log));
  });
  server.on('close', () => wss.close());
  return server;
}
