import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ErrorCodes } from '@shoal/model';
import { contentType, fileFor } from './dashboard-files.js';

export interface FrontOptions {
  port: number;
  host: string;
  /** The hub every `/api/*` request and the WebSocket go to, e.g. `http://127.0.0.1:8898`. */
  hubUrl: string;
  /** Sent to the hub as `Authorization: Bearer`, so the page itself never holds it. */
  hubToken?: string;
  /** The built dashboard (dashboardDir()). */
  dir: string;
}

export interface RunningFront {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const API_PREFIX = '/api/';

/** Headers that describe one hop and must not be forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'authorization'];

function forwardedHeaders(req: IncomingMessage, token: string | undefined): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = { ...req.headers };
  for (const h of HOP_BY_HOP) delete headers[h];
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  return headers;
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function hubUnreachable(hubUrl: string, err: Error): string {
  return `cannot reach the hub at ${hubUrl} (${(err as NodeJS.ErrnoException).code ?? err.message}): is it running? shoal front --hub URL names it`;
}

/**
 * The dashboard's server (`shoal front`, and `lab up`, `local`, `view`): the built files, and
 * `/api/*` passed to the hub with the prefix removed, the `/api/ws` WebSocket included. Bodies
 * are streamed both ways with backpressure (a PCAP download is not held in memory). Unknown
 * paths without a file extension get index.html: they are the app's own views.
 */
export function startFront(options: FrontOptions): Promise<RunningFront> {
  const hub = new URL(options.hubUrl);
  const target = (req: IncomingMessage) => ({
    hostname: hub.hostname,
    port: hub.port === '' ? 80 : Number(hub.port),
    path: (req.url ?? '/').slice(API_PREFIX.length - 1),
    method: req.method ?? 'GET',
    headers: forwardedHeaders(req, options.hubToken),
  });

  const proxy = (req: IncomingMessage, res: ServerResponse): void => {
    const upstream = http.request(target(req), (hubRes) => {
      res.writeHead(hubRes.statusCode ?? 502, hubRes.headers);
      hubRes.pipe(res);
    });
    upstream.on('error', (err) => {
      if (!res.headersSent) sendError(res, 502, ErrorCodes.FRONT_ERR_HUB, hubUnreachable(options.hubUrl, err));
      else res.destroy();
    });
    // The page went away (a download cancelled): stop asking the hub.
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  };

  const serveFile = (req: IncomingMessage, res: ServerResponse): void => {
    const urlPath = new URL(req.url ?? '/', 'http://front').pathname;
    let file = fileFor(options.dir, urlPath);
    if (file === undefined && !/\.[a-z0-9]+$/i.test(urlPath)) file = fileFor(options.dir, '/index.html');
    if (file === undefined) return sendError(res, 404, ErrorCodes.FRONT_ERR_NOT_FOUND, `no dashboard file ${urlPath}`);
    // Vite names assets by content hash: they never change. index.html must always be fresh.
    const cache = urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    res.writeHead(200, { 'content-type': contentType(file), 'content-length': fs.statSync(file).size, 'cache-control': cache });
    if (req.method === 'HEAD') return void res.end();
    fs.createReadStream(file).pipe(res);
  };

  const server = http.createServer((req, res) => {
    if ((req.url ?? '').startsWith(API_PREFIX)) return proxy(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, ErrorCodes.FRONT_ERR_NOT_FOUND, `the dashboard's files take GET, not ${req.method}`);
    serveFile(req, res);
  });

  // Upgraded sockets leave the server's bookkeeping: closing the front ends them here.
  const tunnels = new Set<Duplex>();
  // WebSocket: the upgrade goes to the hub as it came; once the hub answers 101 the two
  // sockets are joined byte for byte.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!(req.url ?? '').startsWith(API_PREFIX)) return void socket.destroy();
    tunnels.add(socket);
    socket.on('close', () => tunnels.delete(socket));
    const headers = forwardedHeaders(req, options.hubToken);
    headers['connection'] = 'Upgrade';
    headers['upgrade'] = req.headers['upgrade'] ?? 'websocket';
    const upstream = http.request({ ...target(req), headers });
    upstream.on('upgrade', (hubRes, hubSocket, hubHead) => {
      const lines = [`HTTP/1.1 ${hubRes.statusCode ?? 101} ${hubRes.statusMessage ?? 'Switching Protocols'}`];
      for (let i = 0; i < hubRes.rawHeaders.length; i += 2) lines.push(`${hubRes.rawHeaders[i]}: ${hubRes.rawHeaders[i + 1]}`);
      socket.write(lines.join('\r\n') + '\r\n\r\n');
      if (hubHead.length > 0) socket.write(hubHead);
      if (head.length > 0) hubSocket.write(head);
      hubSocket.pipe(socket).pipe(hubSocket);
      hubSocket.on('error', () => socket.destroy());
      socket.on('error', () => hubSocket.destroy());
      hubSocket.on('close', () => socket.destroy());
      socket.on('close', () => hubSocket.destroy());
    });
    // The hub answered without upgrading (401, 404): pass its answer on and close.
    upstream.on('response', (hubRes) => {
      const lines = [`HTTP/1.1 ${hubRes.statusCode ?? 502} ${hubRes.statusMessage ?? ''}`, 'connection: close'];
      for (let i = 0; i < hubRes.rawHeaders.length; i += 2) {
        if (!/^(connection|transfer-encoding)$/i.test(hubRes.rawHeaders[i]!)) lines.push(`${hubRes.rawHeaders[i]}: ${hubRes.rawHeaders[i + 1]}`);
      }
      socket.write(lines.join('\r\n') + '\r\n\r\n');
      hubRes.pipe(socket);
    });
    upstream.on('error', (err) => {
      const body = JSON.stringify({ error: { code: ErrorCodes.FRONT_ERR_HUB, message: hubUnreachable(options.hubUrl, err) } });
      socket.end(`HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
    socket.on('error', () => upstream.destroy());
    upstream.end();
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : options.port;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      resolve({
        url: `http://${host}:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of tunnels) socket.destroy();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
