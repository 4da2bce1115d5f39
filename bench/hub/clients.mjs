#!/usr/bin/env node
// Dashboard stand-ins for bench/hub: many WebSocket clients in one process, on the hub's /ws or on
// the plain broadcast server (the same protocol: ?q=, `ready`, entries, `lost`). They count what
// they receive and how late it is: each entry's timestamp is the moment its stand-in worker sent
// it (workers.mjs), so receive time minus timestamp is the latency through the server between.
// They do not JSON.parse entries: a client that parsed 2 KB per message would be the bottleneck
// on this machine, not the server under test.
//
// Also one STALLED client on demand: it completes the WebSocket handshake on a raw TCP socket and
// then never reads again, so the kernel's buffers fill and the server's queue for it is what grows.
//
// Started by bench.mjs with child_process.fork; commands on the IPC channel:
//   {cmd: 'connect', url, count}  opens `count` clients, replies when all said `ready`
//   {cmd: 'stall', url}           opens the stalled client, replies once its handshake is done
//   {cmd: 'reset'}                zeroes the counters (start of a measured window)
//   {cmd: 'report'}               replies the counters and the latency histogram
//   {cmd: 'close'}                closes every client
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';

const now = () => performance.timeOrigin + performance.now();
// Latency histogram: 0.1 ms buckets up to 10 s (and one overflow bucket): exact enough for
// percentiles, fixed memory whatever the message count.
const BUCKET_MS = 0.1;
const BUCKETS = 100_000;
let histogram = new Uint32Array(BUCKETS + 1);
let latencyMax = 0;
const ID_PREFIX = Buffer.from('{"id"');
const TS_KEY = Buffer.from('"timestamp":');
const LOST_PREFIX = Buffer.from('{"lost"');
const BATCH_PREFIX = Buffer.from('{"entries":[');

let clients = [];
let stalled;
let counters = fresh();

function fresh() {
  return { entries: 0, bytes: 0, lostMessages: 0, lostEntries: 0, closed: 0, perClient: new Map() };
}

/** One entry whose JSON starts at `start` in `data`: counted, and its latency recorded. */
function recordEntry(ws, data, start) {
  counters.entries++;
  counters.perClient.set(ws, (counters.perClient.get(ws) ?? 0) + 1);
  // The timestamp is among the first fields (workers.mjs writes it third; the hub keeps the order).
  const at = data.indexOf(TS_KEY, start);
  if (at < 0 || at > start + 400) return;
  const ts = parseFloat(data.toString('latin1', at + TS_KEY.length, at + TS_KEY.length + 24));
  const ms = now() - ts;
  if (!(ms >= 0)) return;
  latencyMax = Math.max(latencyMax, ms);
  histogram[Math.min(BUCKETS, Math.floor(ms / BUCKET_MS))]++;
}

function record(ws, data) {
  counters.bytes += data.length;
  if (data.subarray(0, ID_PREFIX.length).equals(ID_PREFIX)) {
    recordEntry(ws, data, 0);
  } else if (data.subarray(0, BATCH_PREFIX.length).equals(BATCH_PREFIX)) {
    // A batch (BATCH=1): each entry starts with `{"id"` (the recorded entries have no nested `id`).
    for (let at = data.indexOf(ID_PREFIX, BATCH_PREFIX.length); at >= 0; at = data.indexOf(ID_PREFIX, at + ID_PREFIX.length)) recordEntry(ws, data, at);
  } else if (data.subarray(0, LOST_PREFIX.length).equals(LOST_PREFIX)) {
    counters.lostMessages++;
    counters.lostEntries += Number(JSON.parse(data.toString('utf8')).lost) || 0;
  }
}

function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    let ready = false;
    const timer = setTimeout(() => reject(new Error(`no ready from ${url} within 30 s`)), 30_000);
    ws.on('message', (data) => {
      if (!ready && data.subarray(0, 9).toString('latin1') === '{"ready":') {
        ready = true;
        clearTimeout(timer);
        resolve(ws);
        return;
      }
      record(ws, data);
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      if (!ready) reject(err);
    });
    ws.on('close', () => counters.closed++);
  });
}

/** A client that completes the handshake and then stops reading (the socket stays paused). */
function stall(url) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname, () => {
      socket.write(
        `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: c2hvYWwtYmVuY2gtc3RhbA==\r\n\r\n',
      );
    });
    socket.once('data', (chunk) => {
      socket.pause();
      if (!chunk.toString('latin1').startsWith('HTTP/1.1 101')) reject(new Error(`stalled client refused: ${chunk.toString('latin1').split('\r\n')[0]}`));
      else resolve(socket);
    });
    socket.on('error', reject);
  });
}

process.on('message', async (m) => {
  try {
    if (m.cmd === 'connect') {
      const opened = await Promise.all(Array.from({ length: m.count }, () => open(m.url)));
      clients.push(...opened);
      process.send({ reply: 'connect', clients: clients.length });
    } else if (m.cmd === 'stall') {
      stalled = await stall(m.url);
      process.send({ reply: 'stall' });
    } else if (m.cmd === 'reset') {
      counters = fresh();
      histogram = new Uint32Array(BUCKETS + 1);
      latencyMax = 0;
      process.send({ reply: 'reset' });
    } else if (m.cmd === 'report') {
      const per = clients.map((ws) => counters.perClient.get(ws) ?? 0);
      process.send({
        reply: 'report',
        entries: counters.entries, bytes: counters.bytes, lostMessages: counters.lostMessages, lostEntries: counters.lostEntries,
        closed: counters.closed, perClientMin: Math.min(...per), perClientMax: Math.max(...per),
        // Sparse [bucket, count] pairs: bench.mjs merges the histograms of every client process.
        latency: { bucketMs: BUCKET_MS, max: latencyMax, buckets: [...histogram.entries()].filter(([, n]) => n > 0) },
      });
    } else if (m.cmd === 'close') {
      for (const ws of clients) ws.terminate();
      stalled?.destroy();
      clients = [];
      stalled = undefined;
      process.send({ reply: 'close' });
    }
  } catch (err) {
    process.send({ reply: m.cmd, error: String(err instanceof Error ? err.message : err) });
  }
});
process.on('disconnect', () => process.exit(0));
