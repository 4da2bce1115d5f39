#!/usr/bin/env node
// The WebSocket load of bench/dissect/ws-icmp.sh: one `ws` client sends MESSAGES text messages
// (small JSON, as a feed or a chat sends) to the fixture echo server
// (packages/dissect/test/fixtures/servers/ws-server.mjs), keeping at most WINDOW unanswered,
// reads every echo, and closes with 1000. Exits 0 once all came back, 1 on an error or after
// --max-seconds.
//
// Usage: ws-load.mjs URL MESSAGES [--window N] [--max-seconds N] [--deflate on|off]

import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { window: { type: 'string', default: '64' }, 'max-seconds': { type: 'string', default: '120' }, deflate: { type: 'string', default: 'on' } },
});
const [url, countText] = positionals;
const total = Number(countText);
const window = Number(values.window);
if (url === undefined || !Number.isInteger(total) || total <= 0 || !Number.isInteger(window) || window <= 0) {
  console.error('usage: ws-load.mjs URL MESSAGES [--window N] [--max-seconds N] [--deflate on|off]');
  process.exit(2);
}
setTimeout(() => {
  console.error(`ws-load.mjs: not done within ${values['max-seconds']} s`);
  process.exit(1);
}, Number(values['max-seconds']) * 1000).unref();

const socket = new WebSocket(url, { perMessageDeflate: values.deflate === 'off' ? false : { threshold: 0 } });
let sent = 0;
let echoed = 0;
const send = () => {
  while (sent < total && sent - echoed < window) {
    socket.send(JSON.stringify({ seq: sent, symbol: 'SHOAL', price: 100 + (sent % 50) / 10, note: 'bench update' }));
    sent++;
  }
};
socket.on('error', (e) => {
  console.error(`ws-load.mjs: ${e.message}`);
  process.exit(1);
});
socket.on('open', send);
socket.on('message', () => {
  echoed++;
  if (echoed === total) socket.close(1000, 'done');
  else send();
});
socket.on('close', (code) => {
  console.log(`ws-load: ${echoed} of ${total} echoed, closed ${code}`);
  process.exit(echoed === total ? 0 : 1);
});
