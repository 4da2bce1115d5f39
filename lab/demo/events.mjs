// The `events` WebSocket feed (the `ws` package, RFC 6455) at ws://events:8080/feed: a client
// sends {"subscribe": ["stock"]}, gets a snapshot of every item's stock (long enough to be
// compressed: permessage-deflate, RFC 7692, without context takeover so each message inflates
// alone), then a stock update every second. The orders `orders` announces on MQTT
// (shop/orders/created, QoS 1) take their item's stock down; a level that falls to 2 or less is
// announced in turn as an alert (shop/alerts/stock, QoS 2: the broker's four-step exchange). Heartbeat: a ping every 15 s, and a client that
// missed the last pong is cut off. At most 8 clients (more get 503 at the upgrade), so the feed
// sends at most 8 messages a second whoever connects.
import { WebSocketServer } from 'ws';
import { ITEMS } from './catalog-data.mjs';
import { connectBroker } from './mqtt-link.mjs';

const MAX_CLIENTS = 8;
const UPDATE_MS = 1000;
const HEARTBEAT_MS = 15_000;

const stock = new Map(ITEMS.map((i) => [i.sku, i.stock]));
let seq = 0;

const broker = connectBroker('events');
broker.on('connect', () => broker.subscribe('shop/orders/created', { qos: 1 }));
// The feed's subscriber count, at most once a minute and fire-and-forget (QoS 0).
const census = setInterval(() => broker.publish('shop/events/subscribers', String(wss.clients.size), { qos: 0 }), 60_000);
broker.on('message', (_topic, payload) => {
  let order = null;
  try {
    order = JSON.parse(String(payload));
  } catch {
    return;
  }
  if (!stock.has(order?.item)) return;
  const level = Math.max(0, stock.get(order.item) - 1);
  stock.set(order.item, level);
  if (level <= 2) broker.publish('shop/alerts/stock', JSON.stringify({ sku: order.item, stock: level }), { qos: 2 });
});

/** A sale or a delivery of one random item: the next update. */
function nextUpdate() {
  const item = ITEMS[Math.floor(Math.random() * ITEMS.length)];
  const level = Math.max(0, stock.get(item.sku) + (Math.random() < 0.7 ? -1 : 5));
  stock.set(item.sku, level);
  return { type: 'stock', sku: item.sku, stock: level, seq: ++seq };
}

const wss = new WebSocketServer({
  host: process.env.HOST,
  port: Number(process.env.PORT),
  path: '/feed',
  maxPayload: 64 * 1024,
  perMessageDeflate: { threshold: 256, serverNoContextTakeover: true, clientNoContextTakeover: true },
  verifyClient: (_info, done) => (wss.clients.size < MAX_CLIENTS ? done(true) : done(false, 503, 'too many subscribers')),
});

wss.on('connection', (ws) => {
  ws.alive = true;
  ws.on('pong', () => (ws.alive = true));
  ws.on('error', (err) => console.error(`events: ${err.message}`));
  let timer = null;
  ws.on('message', (data, binary) => {
    let msg = null;
    try {
      msg = binary ? null : JSON.parse(String(data));
    } catch {
      // not JSON: answered below
    }
    if (!Array.isArray(msg?.subscribe) || !msg.subscribe.includes('stock')) return ws.close(1003, 'expected {"subscribe": ["stock"]}');
    if (timer !== null) return;
    ws.send(JSON.stringify({ type: 'snapshot', items: ITEMS.map((i) => ({ sku: i.sku, name: i.name, stock: stock.get(i.sku) })) }));
    timer = setInterval(() => ws.send(JSON.stringify(nextUpdate())), UPDATE_MS);
  });
  ws.on('close', () => clearInterval(timer));
});

const heartbeat = setInterval(() => {
  for (const ws of wss.clients) {
    if (!ws.alive) ws.terminate();
    ws.alive = false;
    ws.ping();
  }
}, HEARTBEAT_MS);

wss.on('listening', () => console.log(`listening on ${process.env.HOST}:${process.env.PORT}`));
process.on('SIGTERM', () => {
  clearInterval(heartbeat);
  clearInterval(census);
  broker.end(true);
  for (const ws of wss.clients) ws.close(1001, 'going away');
  setTimeout(() => process.exit(0), 200);
});
