// The `monitor` client: subscribes to the events feed (ws://events:8080/feed, found by name
// through the lab's DNS), reads 20 updates, pings once on the way, closes (1000) and subscribes
// again a second later, so the feed shows upgrades, messages both ways, ping and pong, and
// closes. Bounded as the generator is: at most TOTAL updates and DURATION_S seconds
// (limits.mjs); on SIGTERM it closes with 1001 (going away) and exits.
import WebSocket from 'ws';
import { limitsFromEnv } from './limits.mjs';

const FEED = `ws://${process.env.EVENTS_HOST}:${process.env.APP_PORT}/feed`;
const PER_SESSION = 20;
const { total, durationMs } = limitsFromEnv();
const started = Date.now();
let received = 0;
let sessions = 0;
let current = null;

function subscribe() {
  if (received >= total || Date.now() - started >= durationMs) return finish();
  sessions++;
  let updates = 0;
  const ws = new WebSocket(FEED, { handshakeTimeout: 5000 });
  current = ws;
  ws.on('open', () => ws.send(JSON.stringify({ subscribe: ['stock'] })));
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data));
    if (msg.type !== 'stock') return;
    received++;
    updates++;
    if (updates === PER_SESSION / 2) ws.ping('monitor');
    if (updates >= PER_SESSION || received >= total || Date.now() - started >= durationMs) ws.close(1000, 'enough for now');
  });
  ws.on('error', (err) => console.error(`${FEED}: ${err.message}`));
  ws.on('close', () => {
    current = null;
    setTimeout(subscribe, 1000);
  });
}

function finish() {
  console.log(JSON.stringify({ sessions, received, seconds: (Date.now() - started) / 1000 }));
  process.exit(0);
}

// Every 30 s a line with the counts so far: the log shows the client is alive.
setInterval(() => console.log(JSON.stringify({ sessions, received })), 30_000).unref();
process.on('SIGTERM', () => {
  if (current === null) return finish();
  current.on('close', finish);
  current.close(1001, 'going away');
  setTimeout(finish, 1000).unref();
});
subscribe();
