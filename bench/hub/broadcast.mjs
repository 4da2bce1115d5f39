#!/usr/bin/env node
// The reference for bench/hub, as tcpdump is for bench/capture: the least a server can do to get
// the same messages from the same workers to the same clients. It subscribes once to each
// worker's /ws and sends every message it receives, as it came (no parse, no filter, no merge,
// no re-serialisation), to every connected client: the idiomatic `ws` broadcast
// (`for (const c of clients) c.send(data)`). It applies the same bounded queue per client as the
// hub (skip above 4 MiB queued), so neither side wins by buffering without bound.
//
//   node broadcast.mjs PORT TOKEN NAME=HOST:PORT,...
import { createServer } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';

const [port, token, list] = process.argv.slice(2);
const HIGH_WATER = 4 << 20;
const clients = new Set();
const READY = JSON.stringify({ ready: { filter: '', replayed: 0 } });

const server = createServer((_req, res) => {
  res.writeHead(404);
  res.end();
});
const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false });
wss.on('connection', (ws) => {
  clients.add(ws);
  ws.on('close', () => clients.delete(ws));
  ws.on('error', () => clients.delete(ws));
  ws.send(READY);
});

for (const item of list.split(',')) {
  const [, address] = item.split('=');
  const upstream = new WebSocket(`ws://${address}/ws?q=`, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false });
  upstream.on('message', (data, isBinary) => {
    if (isBinary || data[0] !== 0x7b || data[2] === 0x72) return; // '{', and not '{"ready"'
    for (const c of clients) if (c.bufferedAmount <= HIGH_WATER) c.send(data, { binary: false });
  });
  upstream.on('error', (err) => process.stderr.write(`broadcast: ${address}: ${err.message}\n`));
}

server.listen(Number(port), '127.0.0.1');
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
