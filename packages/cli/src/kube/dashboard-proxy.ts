import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { ShoalError } from '@shoal/model';
import { FrontNames } from '../front/front-names.js';
import { endToEndHeaders } from '../front/hop-by-hop.js';
import { spliceUpgrade } from '../upgrade-splice.js';
import type { Progress } from './apply-objects.js';
import type { DashboardUpstream } from './dashboard-upstream.js';
import type { KubeClient } from './kube-client.js';
import { chooseUpstream, probe } from './service-upstream.js';

/**
 * The dashboard of a cluster's Shoal on this machine (`shoal tap`, `shoal proxy`): a local HTTP
 * server on `host:port` (127.0.0.1:8899 by default) that passes every request and WebSocket to
 * the front in the cluster through the API server — its service proxy, or a port-forward to a
 * front pod when the service proxy is refused — and says so only once the dashboard answers
 * through it.
 *
 * Names: the local server answers only to its own names (Host) and pages of its own origin
 * (Origin), the front's defences against DNS rebinding and other sites, done here on the user's
 * machine. It then presents each request as the front's own page in its pod
 * (`Host: 127.0.0.1:8899`, the same Origin), because the front answers to its own names only and
 * the API server's proxy passes the Host it was sent.
 */
export interface DashboardProxyOptions {
  /** Where to listen on this machine (`--proxy-host`, `--proxy-front-port`). */
  host: string;
  port: number;
  namespace: string;
  /** The front's Service and its port; the port is also the front's own in its pod. */
  service: string;
  servicePort: number;
  /** The label selector of the front's pods, for a port-forward. */
  podSelector: string;
}

export interface RunningDashboardProxy {
  /** `http://127.0.0.1:8899`. */
  url: string;
  /** How it reaches the dashboard: the service proxy, or a port-forward to a pod. */
  via: string;
  close(): Promise<void>;
}

function frontHeaders(front: string, headers: OutgoingHttpHeaders, origin: string | undefined): OutgoingHttpHeaders {
  return { ...headers, host: front, ...(origin !== undefined ? { origin: `http://${front}` } : {}) };
}

/**
 * The browser's Host is replaced by the front's own; its Authorization, if any, would replace
 * the kubeconfig's credentials towards the API server, which consumes that header anyway.
 */
const NOT_PASSED = ['host', 'authorization'];

/**
 * A request target the proxy passes on: a path (origin-form, RFC 9112 §3.2.1) whose segments
 * are no `.` or `..`, however encoded, so it stays under the service proxy's prefix.
 */
function plainPath(target: string): boolean {
  if (!target.startsWith('/')) return false;
  const path = target.split('?')[0]!;
  return path.split('/').every((segment) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return false;
    }
    return decoded !== '.' && decoded !== '..';
  });
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`${message}\n`);
}

function refuseSocket(socket: Duplex, status: number, message: string): void {
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n\r\n${message}\n`);
}

export async function startDashboardProxy(client: KubeClient, o: DashboardProxyOptions, progress: Progress): Promise<RunningDashboardProxy> {
  const front = `127.0.0.1:${o.servicePort}`;
  const upstream = await chooseUpstream(client, {
    namespace: o.namespace, service: o.service, servicePort: o.servicePort, podSelector: o.podSelector,
    what: 'the dashboard', pods: 'front', probe: { path: '/', headers: { host: front, accept: 'text/html' } },
  }, progress);
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'the port is in use: choose another with --proxy-front-port' : err.message;
      reject(new ShoalError('CLI_ERR_PROXY', `cannot serve the dashboard on ${o.host}:${o.port}: ${why}`, { cause: err }));
    });
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  // The names it answers to carry the port it got (0 asks for a free one).
  const names = new FrontNames({ host: o.host, port });
  const allowed = (req: IncomingMessage): string | undefined => {
    if (!names.hostAllowed(req.headers.host)) return `this proxy does not answer to the name '${req.headers.host ?? ''}': open it by the address it printed`;
    if (!plainPath(req.url ?? '')) return 'the dashboard\'s paths are plain paths (no `.` or `..` segments, no other host)';
    const origin = req.headers.origin;
    if (origin !== undefined && !names.originAllowed(origin, req.headers.host)) return `a page of ${origin} may not use this dashboard`;
    return undefined;
  };
  const unreachable = (err: Error): string => `the dashboard cannot be reached through ${upstream.via}: ${err.message}`;

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const refusal = allowed(req);
    if (refusal !== undefined) return refuse(res, !names.hostAllowed(req.headers.host) ? 421 : plainPath(req.url ?? '') ? 403 : 400, refusal);
    const headers = frontHeaders(front, endToEndHeaders(req.headers, NOT_PASSED), req.headers.origin);
    upstream.request(req.url ?? '/', req.method ?? 'GET', headers).then((up) => {
      up.on('response', (answer) => {
        res.writeHead(answer.statusCode ?? 502, endToEndHeaders(answer.headers));
        answer.pipe(res);
      });
      up.on('error', (err) => (res.headersSent ? res.destroy() : refuse(res, 502, unreachable(err))));
      res.on('close', () => up.destroy());
      req.pipe(up);
    }, (err: Error) => refuse(res, 502, unreachable(err)));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = allowed(req);
    if (refusal !== undefined) return refuseSocket(socket, 403, refusal);
    const headers = frontHeaders(front, endToEndHeaders(req.headers, NOT_PASSED), req.headers.origin);
    headers['connection'] = 'Upgrade';
    headers['upgrade'] = req.headers.upgrade ?? 'websocket';
    upstream.request(req.url ?? '/', req.method ?? 'GET', headers).then((up) => {
      spliceUpgrade(up, socket, head, (err) => refuseSocket(socket, 502, unreachable(err)));
      up.end();
    }, (err: Error) => refuseSocket(socket, 502, unreachable(err)));
  });

  const listenName = o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host.includes(':') ? `[${o.host}]` : o.host;
  const url = `http://${listenName}:${port}`;
  const close = async (): Promise<void> => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  // Said only once the dashboard answers through the local server itself.
  const self: DashboardUpstream = { via: url, request: async (path, method, h) => http.request(`${url}${path}`, { method, headers: { ...h, host: `${listenName}:${port}` } }) };
  const answer = await probe(self, '/', { host: `${listenName}:${port}`, accept: 'text/html' });
  if (!answer.ok) {
    await close();
    throw new ShoalError('CLI_ERR_ROLLOUT', `the dashboard does not answer through ${url}: ${answer.why}`);
  }
  return { url, via: upstream.via, close };
}
