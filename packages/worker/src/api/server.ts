import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WorkerCore } from '../worker-core.js';
import { BearerCheck, OriginCheck } from '@shoal/model/http';
import { ApiError, ApiErrorCodes, fail, refuseUpgrade } from './http-util.js';
import { listEntries } from './entry-history.js';
import { exportPcap } from './pcap-export.js';
import { getEntry, health, metrics, patchResolution, putResolution, putTargets, stats } from './routes.js';
import { serveFeed } from './ws-feed.js';

/** Largest WebSocket message a client may send (a filter is at most a few KiB). */
const MAX_WS_MESSAGE_BYTES = 64 * 1024;

const UNAUTHORIZED = new ApiError(401, ApiErrorCodes.WRK_ERR_UNAUTHORIZED, 'missing or wrong token: send Authorization: Bearer <token> (the content of the worker\'s --token-file)');

function notFound(path: string): ApiError {
  return new ApiError(404, ApiErrorCodes.WRK_ERR_NOT_FOUND, `no route ${path}; see docs/api.md`);
}

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;
/** A route's handlers by method; HEAD is served by GET's. */
type Methods = Partial<Record<string, Handler>>;

function handlerFor(req: IncomingMessage, methods: Methods): Handler {
  const name = req.method === 'HEAD' && !Object.hasOwn(methods, 'HEAD') ? 'GET' : (req.method ?? '');
  const handler = Object.hasOwn(methods, name) ? methods[name] : undefined;
  if (handler === undefined) {
    throw new ApiError(405, ApiErrorCodes.WRK_ERR_METHOD, `${req.url?.split('?')[0]} takes ${Object.keys(methods).join(' or ')}, not ${req.method}`);
  }
  return handler;
}

function decodePath(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ApiError(400, ApiErrorCodes.WRK_ERR_BAD_REQUEST, `'${text}' is not a well-formed URL path (bad % escape)`);
  }
}

/** Methods that change nothing: a page of another origin may send them (it cannot read the answer). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The worker's HTTP + WebSocket API. Only GET /health and GET /metrics are open (probes and
 * Prometheus); everything else, the WebSocket upgrade included, needs the bearer token: the
 * worker listens on the node's own network, which NetworkPolicies do not cover for
 * hostNetwork pods. Upgrades and changes from a browser page of another origin are refused
 * first (docs/security.md).
 */
export function createApiServer(core: WorkerCore, token: string, allowedOrigins: readonly string[] = []): Server {
  const auth = new BearerCheck(token);
  const origins = new OriginCheck(allowedOrigins);
  const originError = (req: IncomingMessage): ApiError | undefined => {
    const why = origins.refusal(req.headers);
    return why === undefined ? undefined : new ApiError(403, ApiErrorCodes.WRK_ERR_ORIGIN, why);
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES });

  const open: Record<string, Methods> = {
    '/health': { GET: (_req, res) => health(core, res) },
    '/metrics': { GET: (_req, res) => metrics(core, res) },
  };
  const guarded: Record<string, Methods> = {
    '/stats': { GET: (_req, res) => stats(core, res) },
    '/targets': { PUT: (req, res) => putTargets(core, req, res) },
    '/resolution': { PUT: (req, res) => putResolution(core, req, res), PATCH: (req, res) => patchResolution(core, req, res) },
    '/entries': { GET: (_req, res, url) => listEntries(core, url.searchParams, res) },
    '/pcap': { GET: (_req, res, url) => exportPcap(core.store, core.name, url.searchParams, res) },
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!SAFE_METHODS.has(req.method ?? '')) {
      const refused = originError(req);
      if (refused !== undefined) throw refused;
    }
    const url = new URL(req.url ?? '/', 'http://worker');
    const path = url.pathname;
    const free = open[path];
    if (free !== undefined) return handlerFor(req, free)(req, res, url);
    // Nothing past this point, not even a 404, is served without the token.
    if (!auth.allows(req.headers)) throw UNAUTHORIZED;
    const known = guarded[path];
    if (known !== undefined) return handlerFor(req, known)(req, res, url);
    if (path.startsWith('/entries/') && path.length > '/entries/'.length) {
      return handlerFor(req, { GET: (_req, res) => getEntry(core, decodePath(path.slice('/entries/'.length)), res) })(req, res, url);
    }
    if (path === '/ws') throw new ApiError(400, ApiErrorCodes.WRK_ERR_BAD_REQUEST, '/ws is a WebSocket: connect with an Upgrade request');
    throw notFound(path);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => fail(req, res, err, core.log));
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://worker');
    const refused = originError(req);
    if (refused !== undefined) return refuseUpgrade(socket, refused);
    if (!auth.allows(req.headers)) return refuseUpgrade(socket, UNAUTHORIZED);
    if (url.pathname !== '/ws') return refuseUpgrade(socket, notFound(url.pathname));
    const peer = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
    wss.handleUpgrade(req, socket, head, (ws) => serveFeed(core, ws, url.searchParams, peer));
  });
  server.on('close', () => wss.close());
  return server;
}
