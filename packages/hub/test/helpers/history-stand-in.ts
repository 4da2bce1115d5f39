/**
 * A stand-in for a worker's history route, `GET /entries?q=&before=&limit=` answering
 * `{"entries": [...newest first], "next": ms | null}`, which is being added to the worker on
 * another branch. It serves entries recorded from real workers (through the hub's /ws), with
 * the real filter package, plus the /health and /stats the hub polls. Once the worker has the
 * route, these tests can run against real workers instead.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compileFilter } from '@shoal/filter';
import type { Json } from './cluster.js';

export async function startHistoryStandIn(name: string, entries: Json[], token: string): Promise<{ port: number; close(): Promise<void> }> {
  const newestFirst = [...entries].sort((a, b) => b.timestamp - a.timestamp);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/health') return send(200, { ok: true, worker: name, capture: { requested: 'pcap_file', backends: [], open: 0 }, targets: 0 });
    if (req.headers.authorization !== `Bearer ${token}`) return send(401, { error: { code: 'WRK_ERR_UNAUTHORIZED', message: 'token' } });
    if (url.pathname === '/stats') return send(200, { worker: name, run: 'standin', capture: { requested: 'pcap_file', backends: [], totals: { received: 0, dropped: 0 } }, store: { bytes: 0, entries: entries.length } });
    if (url.pathname === '/entries') {
      const filter = compileFilter(url.searchParams.get('q') ?? '');
      const before = Number(url.searchParams.get('before') ?? Infinity);
      const limit = Number(url.searchParams.get('limit') ?? 100);
      const matching = newestFirst.filter((e) => e.timestamp < before && filter.matches(e));
      const page = matching.slice(0, limit);
      return send(200, { entries: page, next: matching.length > limit ? page[page.length - 1].timestamp : null });
    }
    send(404, { error: { code: 'WRK_ERR_NOT_FOUND', message: url.pathname } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
