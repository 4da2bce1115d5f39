/**
 * A poll that times out while the worker's feed keeps delivering does not mark the worker down
 * (the hub's own event loop may be what was slow); one that times out while the feed is silent
 * does. The stand-in worker is a small HTTP + WebSocket server that answers /health
 * deliberately slower than the link's timeout, standing in for an answer the hub read too late.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { WebSocketServer } from 'ws';
import { WorkerFeed } from '../dist/feed/worker-feed.js';
import { WorkerLink } from '../dist/workers/worker-link.js';
import { waitFor } from '@shoal/testkit';

const OPTIONS = { pollMs: 50, timeoutMs: 150, backoffBaseMs: 50, backoffMaxMs: 200 };
/** Far past the timeout: every /health once `slow` is set times out. */
const SLOW_HEALTH_MS = 1000;

interface StandIn {
  server: Server;
  port: number;
  slow: boolean;
  healthAsked: number;
  close(): Promise<void>;
}

/** A worker whose /health can be made slow, and whose /ws sends an entry every 20 ms when `chatty`. */
async function standIn(name: string, chatty: boolean): Promise<StandIn> {
  const timers = new Set<NodeJS.Timeout>();
  const s = { slow: false, healthAsked: 0 } as StandIn;
  const server = createServer((req, res) => {
    const json = (body: unknown): void => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    if (req.url === '/health') {
      s.healthAsked++;
      if (s.slow) {
        const t = setTimeout(() => json({ ok: true, worker: name }), SLOW_HEALTH_MS);
        timers.add(t);
        return;
      }
      json({ ok: true, worker: name });
    } else if (req.url === '/stats') {
      json({ run: 'r1', capture: {}, store: {} });
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  let n = 0;
  wss.on('connection', (ws) => {
    ws.send(JSON.stringify({ ready: true }));
    if (!chatty) return;
    const t = setInterval(() => ws.send(JSON.stringify({ id: `${name}-${n++}`, timestamp: Date.now() })), 20);
    timers.add(t);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  s.server = server;
  s.port = (server.address() as AddressInfo).port;
  s.close = async () => {
    for (const t of timers) clearTimeout(t);
    for (const c of wss.clients) c.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return s;
}

async function linked(chatty: boolean): Promise<{ worker: StandIn; link: WorkerLink; feed: WorkerFeed; downs: () => number }> {
  const log = pino({ level: 'silent' });
  const worker = await standIn('node-a', chatty);
  const link = new WorkerLink({ name: 'node-a', host: '127.0.0.1', port: worker.port }, undefined, OPTIONS, log);
  let downs = 0;
  link.on('down', () => downs++);
  const feed = new WorkerFeed(link, '', undefined, { entry: () => {}, settled: () => {}, lost: () => {} }, log, { heartbeatMs: 15_000, onSilent: () => {} });
  link.start();
  feed.start();
  return { worker, link, feed, downs: () => downs };
}

describe('worker link under a busy hub', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups) await c();
  });

  it('keeps a worker up while its /health times out but its /ws delivers entries', async () => {
    const { worker, link, feed, downs } = await linked(true);
    cleanups.push(async () => {
      feed.close();
      link.stop();
      await worker.close();
    });
    await waitFor('the worker to come up and its feed to deliver', () => link.up && feed.received > 0);
    worker.slow = true;
    const asked = worker.healthAsked;
    // Several timed-out polls in a row (each one aborts after timeoutMs).
    await waitFor(() => `4 more /health polls (${worker.healthAsked - asked} so far)`, () => worker.healthAsked >= asked + 4);
    assert.equal(downs(), 0, 'never marked down');
    assert.ok(link.up);
    assert.match(link.state().lastError ?? '', /no answer within the timeout; kept up/);
  });

  it('marks a worker down when its /health times out and its /ws is silent', async () => {
    const { worker, link, feed, downs } = await linked(false);
    cleanups.push(async () => {
      feed.close();
      link.stop();
      await worker.close();
    });
    await waitFor('the worker to come up', () => link.up);
    worker.slow = true;
    await waitFor('the worker to be marked down', () => !link.up);
    assert.equal(downs(), 1);
    assert.equal(link.state().lastError, 'no answer within the timeout');
  });
});
