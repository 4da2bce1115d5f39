import { request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Address } from './service-backends.js';

/**
 * The service proxy subresource (`/api/v1/namespaces/NS/services/NAME:PORT/proxy/PATH`) as the
 * API server's upgrade-aware proxy forwards it (k8s.io/apimachinery/pkg/util/proxy): the request
 * goes to the backend with PATH and the query, the caller's credentials are not passed on, the
 * answer's trailers are (Go's httputil.ReverseProxy announces and copies them), a body the
 * backend cuts is cut for the caller too, the Host header is left as the caller sent it (the
 * service proxy does not set UseLocationHost), a WebSocket upgrade is spliced through, and
 * absolute links in HTML answers and in redirects are rewritten under the proxy's prefix
 * (proxy/transport.go), so a page served this way finds its files through the proxy.
 */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

function forwardedHeaders(headers: IncomingHttpHeaders, keepUpgrade: boolean): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || k === 'authorization') continue;
    if (!keepUpgrade && HOP_BY_HOP.includes(k)) continue;
    out[k] = v;
  }
  return out;
}

/** Absolute paths in the attributes proxy/transport.go rewrites (href, src, action…). */
const LINK_ATTRIBUTE = /(\s(?:href|src|action|formaction|poster|cite|background|codebase|data|longdesc|usemap|manifest|icon|profile)\s*=\s*["'])(\/(?!\/))/gi;

export function rewriteHtml(html: string, prefix: string): string {
  return html.replace(LINK_ATTRIBUTE, (_m, attribute: string, slash: string) => `${attribute}${prefix}${slash}`);
}

export function proxyHttp(req: IncomingMessage, res: ServerResponse, target: Address, path: string, prefix: string): void {
  const upstream = request({ host: target.host, port: target.port, method: req.method, path, headers: forwardedHeaders(req.headers, false) }, (answer) => {
    const headers = forwardedHeaders(answer.headers, false);
    const location = answer.headers.location;
    if (location !== undefined && location.startsWith('/') && !location.startsWith('//')) headers['location'] = `${prefix}${location}`;
    const html = (answer.headers['content-type'] ?? '').startsWith('text/html') && (answer.headers['content-encoding'] ?? 'identity') === 'identity';
    if (!html) {
      // Trailers pass on as Go's ReverseProxy passes them: announced, then sent after the body
      // (RFC 9110 §6.5); a body the backend cut stays cut.
      if (answer.headers.trailer !== undefined) headers['trailer'] = answer.headers.trailer;
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res, { end: false });
      answer.on('end', () => {
        res.addTrailers(answer.trailers);
        res.end();
      });
      answer.on('close', () => {
        if (!answer.complete) res.destroy();
      });
      return;
    }
    const chunks: Buffer[] = [];
    answer.on('data', (c: Buffer) => chunks.push(c));
    answer.on('end', () => {
      const body = Buffer.from(rewriteHtml(Buffer.concat(chunks).toString('utf8'), prefix), 'utf8');
      headers['content-length'] = String(body.length);
      res.writeHead(answer.statusCode ?? 502, headers);
      res.end(body);
    });
  });
  upstream.on('error', (err) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `error trying to reach service: ${err.message}`, reason: 'ServiceUnavailable', code: 503 });
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end(body);
  });
  req.pipe(upstream);
}

/** Splices a WebSocket (or any) upgrade through to the backend. */
export function proxyUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: Address, path: string): void {
  let connected = false;
  const upstream = connect(target.port, target.host, () => {
    connected = true;
    const lines = [`${req.method} ${path} HTTP/1.1`];
    for (const [k, v] of Object.entries(forwardedHeaders(req.headers, true))) for (const value of Array.isArray(v) ? v : [v]) lines.push(`${k}: ${value}`);
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length > 0) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  const end = (): void => {
    upstream.destroy();
    socket.destroy();
  };
  upstream.on('error', (err) => {
    if (!connected) socket.end(`HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nerror trying to reach service: ${err.message}`);
    else end();
  });
  socket.on('error', end);
  upstream.on('close', () => {
    if (connected) end();
  });
  socket.on('close', end);
}
