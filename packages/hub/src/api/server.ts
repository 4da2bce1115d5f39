import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { OriginCheck } from '@shoal/model/http';
import type { ApiContext } from './api-context.js';
import { audit, identityFields } from './audit.js';
import { CallerCheck, pcapScope, type Caller } from './caller.js';
import { ApiError, ErrorCodes, fail, refuseUpgrade, sendJson } from './http-util.js';
import { getEntryById, getHistory } from './routes/entries.js';
import { getPcap } from './routes/pcap.js';
import { getServiceMap } from './routes/servicemap.js';
import { getStats } from './routes/stats.js';
import { getStatus } from './routes/status.js';
import { getTargets, putTargets } from './routes/targets.js';
import { validateQuery } from './routes/validate.js';
import { serveHubFeed } from './ws-route.js';

/** Largest WebSocket message a client may send (a filter is at most 16 KiB). */
const MAX_WS_MESSAGE_BYTES = 64 * 1024;

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

/** Methods that change nothing: a page of another origin may send them (it cannot read the answer). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The hub's HTTP + WebSocket API (docs/hub.md). /health and /metrics are always open; the rest
 * needs the bearer token when the hub has one (--token-file), or a signed-in user's identity
 * assertion (--identity-key-file), the WebSocket upgrade included (caller.ts). Each route answers
 * within its caller's scope (access/view-scope.ts).
 * Upgrades and changes from a browser page of another origin are refused before anything else
 * (docs/security.md): a page the user visits must not reach a hub on localhost.
 */
export function createHubServer(ctx: ApiContext): Server {
  const callers = new CallerCheck(ctx.token, ctx.identityKey, ctx.log);
  const origins = new OriginCheck(ctx.allowedOrigins);
  const originError = (req: IncomingMessage): ApiError | undefined => {
    const why = origins.refusal(req.headers);
    return why === undefined ? undefined : new ApiError(403, ErrorCodes.HUB_ERR_ORIGIN, why);
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES });
  const { registry, feeds, log } = ctx;

  type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;
  type GuardedHandler = (req: IncomingMessage, res: ServerResponse, url: URL, caller: Caller) => void | Promise<void>;
  const open: Record<string, [string, Handler]> = {
    '/health': ['GET', (_req, res) => sendJson(res, 200, { ok: true, workers: registry.all().length, up: registry.up().length })],
    '/metrics': ['GET', async (_req, res) => {
      const text = await ctx.metrics.metrics();
      res.writeHead(200, { 'content-type': ctx.metrics.contentType });
      res.end(text);
    }],
  };
  const guarded: Record<string, [string, GuardedHandler]> = {
    '/status': ['GET', (_req, res, _url, caller) => getStatus(ctx, res, caller.scope)],
    '/entries': ['GET', (_req, res, url, caller) => getHistory(ctx.history, url.searchParams, res, caller.scope)],
    '/pcap': ['GET', (_req, res, url, caller) => getPcap(registry, url.searchParams, res, log, ctx.pcap, pcapScope(caller))],
    '/stats': ['GET', (_req, res, url, caller) => getStats(ctx.history, url.searchParams, res, caller.scope)],
    '/servicemap': ['GET', (_req, res, url, caller) => getServiceMap(ctx.history, url.searchParams, res, caller.scope)],
    '/query/validate': ['POST', (req, res) => validateQuery(req, res)],
    '/targets': ['GET|PUT', (req, res, _url, caller) => {
      if (req.method !== 'PUT') return getTargets(ctx.targets, res, caller.scope);
      callers.requireAdmin(req, caller, 'PUT /targets');
      return putTargets(ctx.targets, req, res, caller.scope, (change) => audit(log, 'targets-changed', { ...identityFields(caller.identity), ...change }));
    }],
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!SAFE_METHODS.has(req.method ?? '')) {
      const refused = originError(req);
      if (refused !== undefined) throw refused;
    }
    const url = new URL(req.url ?? '/', 'http://hub');
    const path = url.pathname;
    const free = open[path];
    if (free !== undefined) {
      method(req, free[0]);
      return free[1](req, res, url);
    }
    const caller = callers.callerOf(req);
    const known = guarded[path];
    if (known !== undefined) {
      method(req, known[0]);
      return known[1](req, res, url, caller);
    }
    if (path.startsWith('/entries/') && path.length > '/entries/'.length) {
      method(req, 'GET');
      return getEntryById(registry, decodePath(path.slice('/entries/'.length)), res, caller.scope);
    }
    if (path === '/ws') throw new ApiError(400, ErrorCodes.HUB_ERR_BAD_REQUEST, '/ws is a WebSocket: connect with an Upgrade request');
    throw notFound(path);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => fail(req, res, err, log));
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://hub');
    const refused = originError(req);
    if (refused !== undefined) return refuseUpgrade(socket, refused);
    let caller: Caller;
    try {
      caller = callers.callerOf(req);
    } catch (err) {
      if (err instanceof ApiError) return refuseUpgrade(socket, err);
      throw err;
    }
    if (url.pathname !== '/ws') return refuseUpgrade(socket, notFound(url.pathname));
    wss.handleUpgrade(req, socket, head, (ws) => serveHubFeed(feeds, ws, req, url.searchParams, ctx.feedRoute, ctx.sockets, log, caller.scope));
  });
  server.on('close', () => wss.close());
  return server;
}
