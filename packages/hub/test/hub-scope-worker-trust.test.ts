/**
 * The hub does not trust a worker with a caller's scope: a stand-in worker of an "older version"
 * that ignores the filter it is given (its /entries and /ws send every entry it has) still shows
 * a user whose assertion names `shop` only the entries with a side in `shop`, because the hub
 * checks each entry against the narrowed filter again (group-intake.ts, history-merge.ts). The
 * stand-in is a small HTTP + WebSocket server speaking the worker API's shapes (docs/api.md).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { WebSocketServer } from 'ws';
import { IDENTITY_HEADER, signIdentity } from '@shoal/model/http';
import type { Entry } from '@shoal/model';
import { startHub, type RunningHub } from '../dist/index.js';
import { callEntry } from './helpers/call-entry.js';
import { getJson, type Json } from './helpers/cluster.js';
import { FeedSocket } from './helpers/feed-socket.js';
import { waitFor } from '@shoal/testkit';

function entryIn(namespace: string, ts: number): Entry {
  const e = callEntry('node-a', ts, ['node-a', 'node-a'], `/${namespace}`);
  e.src.namespace = namespace;
  e.dst.namespace = 'data';
  return e;
}

describe('a worker that ignores the filter cannot widen a scope', () => {
  const now = Date.now();
  // Newest first, as a worker's history pages are.
  const stored = [entryIn('bank', now - 1000), entryIn('shop', now - 2000), entryIn('bank', now - 3000), entryIn('shop', now - 4000)];
  const key = randomBytes(32);
  const shopUser = () => ({ [IDENTITY_HEADER]: signIdentity(key, { subject: 'alice', groups: [], namespaces: ['shop'], admin: false }) });
  let server: Server;
  let wss: WebSocketServer;
  let hub: RunningHub;
  let base: string;

  before(async () => {
    server = createServer((req, res) => {
      const json = (body: unknown): void => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      };
      const path = (req.url ?? '').split('?')[0];
      if (path === '/health') json({ ok: true, worker: 'node-a' });
      else if (path === '/stats') json({ run: 'r', capture: {}, store: {} });
      else if (path === '/entries') json({ entries: stored, next: null, examined: stored.length });
      else {
        res.statusCode = 404;
        res.end();
      }
    });
    wss = new WebSocketServer({ server, path: '/ws' });
    wss.on('connection', (ws) => {
      ws.send(JSON.stringify({ ready: true }));
      for (const e of [...stored].reverse()) ws.send(JSON.stringify({ ...e, timestamp: Date.now() }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    hub = await startHub({
      port: 0, host: '127.0.0.1', identityKey: key, logger: pino({ level: 'silent' }),
      workers: [{ name: 'node-a', host: '127.0.0.1', port }],
      link: { pollMs: 200, backoffBaseMs: 50, backoffMaxMs: 500, timeoutMs: 2000 },
      feed: { windowMs: 0 },
    });
    base = `http://127.0.0.1:${hub.port}`;
    await waitFor('the stand-in worker up', () => hub.registry.up().length === 1);
  });
  after(async () => {
    await hub?.close();
    for (const c of wss.clients) c.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('history, stats and the map hold only shop', async () => {
    const page = await getJson(base, '/entries', shopUser());
    assert.equal(page.status, 200);
    assert.deepEqual(page.body.entries.map((e: Json) => e.src.namespace), ['shop', 'shop']);
    const stats = await getJson(base, '/stats', shopUser());
    assert.equal(stats.body.buckets.reduce((n: number, b: Json) => n + (b.protocols.http?.count ?? 0), 0), 2);
    const map = await getJson(base, '/servicemap', shopUser());
    assert.ok(map.body.nodes.every((n: Json) => n.namespace !== 'bank'));
  });

  it('the live feed holds only shop', async () => {
    const feed = new FeedSocket(hub.port, '?q=', shopUser());
    try {
      await feed.ready();
      await waitFor(() => `the hub to turn down the stand-in's bank entries (${hub.feeds.counters.rejected} so far)`, () => hub.feeds.counters.rejected >= 2);
      await feed.until((m) => m.filter((x) => typeof x.id === 'string').length >= 2, 'the shop entries');
      assert.deepEqual(feed.entries.map((e) => e.src.namespace), ['shop', 'shop']);
    } finally {
      await feed.close();
    }
  });
});
