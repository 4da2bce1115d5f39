#!/usr/bin/env node
// Many stand-in workers in one process, for bench/hub. Each listens on its own port on 127.0.0.1
// and speaks what the hub uses of the worker API (docs/api.md): GET /health, GET /stats and the
// /ws feed (q and since → replay, `ready`, entries, `lost`), with the bearer token. The entries
// are RECORDED ones (made by `shoal dissect` from the repo's fixture pcaps); each worker rewrites
// the id, stream, worker, node and timestamp of each one, so ids are unique per worker and
// timestamps increase. The timestamp is the moment of the send: a client's receive time minus it
// is the latency through whatever sits between (the hub's merge, or the plain broadcast).
//
// Why one process for many workers: 50+ Node processes would cost more memory and scheduler time
// on this 2-core machine than the hub itself; a real worker's work (capture, dissection) is not
// what is measured here, only the hub's fan-in.
//
// Started by bench.mjs with child_process.fork; commands arrive on the IPC channel:
//   {cmd: 'rate', perWorker}  entries/s each worker sends to each of its subscribers
//   {cmd: 'counters'}         replies {sent, lost, subscribers}
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { WebSocketServer } from 'ws';

const [entriesFile, firstIndex, count, token] = process.argv.slice(2);
const TICK_MS = 5;
// The worker's own slow-reader rule (docs/api.md, Slow clients), so a hub that falls behind sees
// what it would see from a real worker: skipped entries and then {"lost": n}.
const HIGH_WATER = 4 << 20;
const LOW_WATER = 1 << 20;
// Entries each worker keeps for a `since` replay (the hub asks after a reconnect). Small: memory
// of the stand-ins must not crowd the hub on this machine.
const RING = 256;

/**
 * Each recorded entry as the JSON text after the fields a worker rewrites, so a send is a string
 * concatenation, not a JSON.stringify: the stand-ins must cost little CPU next to the hub.
 */
const bodies = readFileSync(entriesFile, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((line) => {
    const e = JSON.parse(line);
    for (const k of ['id', 'stream', 'timestamp', 'worker', 'node']) delete e[k];
    return JSON.stringify(e).slice(1); // without the leading '{'
  });
if (bodies.length === 0) throw new Error(`no entries in ${entriesFile}`);

const now = () => performance.timeOrigin + performance.now();
const auth = `Bearer ${token}`;
let perWorker = 0;
let sent = 0;
let lost = 0;
const workers = [];

class Subscriber {
  constructor(ws) {
    this.ws = ws;
    this.skipping = false;
    this.lost = 0;
    this.live = false;
  }

  offer(text) {
    if (!this.live || this.ws.readyState !== 1) return;
    if (this.skipping) {
      if (this.ws.bufferedAmount > LOW_WATER) return this.skip();
      this.ws.send(JSON.stringify({ lost: this.lost }));
      this.lost = 0;
      this.skipping = false;
    } else if (this.ws.bufferedAmount > HIGH_WATER) {
      this.skipping = true;
      return this.skip();
    }
    sent++;
    this.ws.send(text);
  }

  skip() {
    this.lost++;
    lost++;
  }
}

class StandInWorker {
  constructor(index) {
    this.name = `bw${String(index).padStart(3, '0')}`;
    this.run = Date.now().toString(36);
    this.started = Date.now();
    this.seq = 0;
    this.lastTs = 0;
    this.credit = 0;
    this.ring = [];
    this.subscribers = new Set();
    this.prefixNode = `"worker":"${this.name}","node":{"name":"${this.name}","ip":"127.0.0.1"},`;
  }

  /** The next entry: recorded content, this worker's id and stream, the send time as timestamp. */
  next() {
    const seq = ++this.seq;
    const ts = Math.max(Math.round(now() * 1000) / 1000, this.lastTs + 0.001);
    this.lastTs = ts;
    const body = bodies[seq % bodies.length];
    const text = `{"id":"${this.name}/${this.run}/${seq}","stream":"${this.name}/${this.run}/tcp/${seq}","timestamp":${ts},${this.prefixNode}${body}`;
    this.ring.push({ ts, text });
    if (this.ring.length > RING) this.ring.shift();
    return text;
  }

  tick(dtMs) {
    if (this.subscribers.size === 0 || perWorker <= 0) {
      this.credit = 0;
      return;
    }
    this.credit += (perWorker * dtMs) / 1000;
    for (; this.credit >= 1; this.credit--) {
      const text = this.next();
      for (const s of this.subscribers) s.offer(text);
    }
  }

  health() {
    return { ok: true, worker: this.name, capture: { requested: 'pcap_file', backends: ['pcap_file'], open: 1 }, targets: 0 };
  }

  stats() {
    return {
      worker: this.name, node: { name: this.name, ip: '127.0.0.1' }, run: this.run, uptimeMs: Date.now() - this.started,
      targets: 0, resolution: 0, engine: null,
      capture: { requested: 'pcap_file', backends: ['pcap_file'], totals: { received: 0, dropped: 0, delivered: 0, queued: 0, discarded: 0 }, duplicates: 0, liveStreams: 0, captures: [] },
      store: { bytes: 0, segments: 0, entries: this.ring.length, evictedSegments: 0, evictedEntries: 0, recoveredCutBytes: 0 },
      feed: { clients: this.subscribers.size, lost },
    };
  }

  listen() {
    const wss = new WebSocketServer({ noServer: true });
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const json = (status, body) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(body));
      };
      if (path === '/health') return json(200, this.health());
      if (req.headers.authorization !== auth) return json(401, { error: { code: 'WRK_ERR_UNAUTHORIZED', message: 'missing or wrong token' } });
      if (path === '/stats') return json(200, this.stats());
      return json(404, { error: { code: 'WRK_ERR_NOT_FOUND', message: `bench stand-in worker has no ${path}` } });
    });
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://worker');
      if (req.headers.authorization !== auth || url.pathname !== '/ws') {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.serve(ws, url.searchParams));
    });
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
  }

  /**
   * One /ws subscriber. The bench uses the empty filter (every entry matches), so the stand-in
   * does not evaluate CEL; `since` replays from the small ring, then `ready`, then live.
   */
  serve(ws, query) {
    const sub = new Subscriber(ws);
    this.subscribers.add(sub);
    ws.on('close', () => this.subscribers.delete(sub));
    ws.on('error', () => this.subscribers.delete(sub));
    const since = query.get('since');
    let replayed = 0;
    if (since !== null && since !== '') {
      for (const r of this.ring) {
        if (r.ts >= Number(since)) {
          ws.send(r.text);
          replayed++;
        }
      }
    }
    ws.send(JSON.stringify({ ready: { filter: query.get('q') ?? '', replayed } }));
    sub.live = true;
  }
}

const first = Number(firstIndex);
for (let i = 0; i < Number(count); i++) workers.push(new StandInWorker(first + i));
const ports = [];
for (const w of workers) ports.push(await w.listen());

let last = performance.now();
setInterval(() => {
  const t = performance.now();
  for (const w of workers) w.tick(t - last);
  last = t;
}, TICK_MS);

process.on('message', (m) => {
  if (m.cmd === 'rate') perWorker = m.perWorker;
  else if (m.cmd === 'counters') {
    let subscribers = 0;
    for (const w of workers) subscribers += w.subscribers.size;
    process.send({ reply: 'counters', sent, lost, subscribers });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ reply: 'listening', workers: workers.map((w, i) => ({ name: w.name, port: ports[i] })) });
