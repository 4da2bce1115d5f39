/**
 * A worker's (or a hub's) address with a fault on the way: a small HTTP proxy in front of a real
 * worker that passes every request through (so the hub's polls find the worker up), except
 * GET /pcap, which it can leave unanswered, answer with headers only, or cut after the file
 * header and the first record, and then hold open (a worker that hangs, or a link that stalls,
 * in the middle of an export) or close (`cut`: a connection that drops). The hub's tests put it
 * before a worker, the CLI's `shoal pcapdump` tests before a worker or the hub. It counts the
 * held requests the client gave up (closed).
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A classic pcap's file header, and each record's header (draft-ietf-opsawg-pcap §4, §5). */
const FILE_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;

export type PcapFault = 'none' | 'no-answer' | 'headers-only' | 'first-record' | 'cut';

/** The credentials either service takes (a bearer token, or the hub's X-Shoal-Token). */
const CREDENTIALS = ['authorization', 'x-shoal-token'];

export class StallingProxy {
  fault: PcapFault = 'none';
  /** Held /pcap requests the hub closed. */
  closedByHub = 0;
  private readonly held = new Set<ServerResponse>();
  private readonly server: Server;
  port = 0;

  constructor(private readonly upstreamPort: () => number) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const res of this.held) res.destroy();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.fault === 'none' || !req.url?.startsWith('/pcap')) return this.pass(req, res);
    this.held.add(res);
    res.on('close', () => {
      this.held.delete(res);
      this.closedByHub++;
    });
    if (this.fault === 'no-answer') return;
    const credentials = Object.fromEntries(CREDENTIALS.flatMap((h) => (typeof req.headers[h] === 'string' ? [[h, req.headers[h]]] : [])));
    const upstream = await fetch(`http://127.0.0.1:${this.upstreamPort()}${req.url}`, { headers: credentials });
    const file = Buffer.from(await upstream.arrayBuffer());
    const headers: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (name === 'content-type' || name.startsWith('x-shoal-')) headers[name] = value;
    });
    res.writeHead(upstream.status, headers);
    if (this.fault === 'headers-only') {
      res.flushHeaders();
      return;
    }
    // The file header and the first record (its captured length at +8), then silence, or the end
    // of the connection ('cut').
    const first = FILE_HEADER_BYTES + RECORD_HEADER_BYTES + file.readUInt32LE(FILE_HEADER_BYTES + 8);
    res.write(file.subarray(0, first), () => {
      if (this.fault === 'cut') res.destroy();
    });
  }

  private pass(req: IncomingMessage, res: ServerResponse): void {
    const upstream = request({ host: '127.0.0.1', port: this.upstreamPort(), path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }
}
