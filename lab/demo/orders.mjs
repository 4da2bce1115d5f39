// The `orders` JSON service, backed by Redis and charging through `payments` (both found by
// name through the lab's DNS): POST /orders stores an order under an id from INCR and charges
// its price over HTTP/2 (402 when the card is declined, 504 when the payment review outlasts
// the call's second), then announces it on MQTT (shop/orders/created, QoS 1, acknowledged by the
// broker); GET /orders/:id reads it back (404 when absent).
import { ITEMS } from './catalog-data.mjs';
import { readJson, reply, serve } from './cluster-http.mjs';
import { Http2Client } from './http2-client.mjs';
import { connectBroker } from './mqtt-link.mjs';
import { RedisClient } from './redis-client.mjs';

const redis = new RedisClient(process.env.REDIS_HOST, 6379);
const payments = new Http2Client(`http://${process.env.PAYMENTS_HOST}:${process.env.APP_PORT}`);
const broker = connectBroker('orders');

serve(async (req, res) => {
  const url = new URL(req.url, 'http://orders');
  if (req.method === 'POST' && url.pathname === '/orders') {
    const body = await readJson(req);
    const item = ITEMS.find((i) => i.sku === body?.item);
    if (item === undefined) return reply(res, 400, { error: 'an order needs {"item": a SKU of the catalog}' });
    const id = await redis.command('INCR', 'orders:seq');
    const order = { id, item: item.sku, user: body.user ?? null, amount: item.priceCents };
    await redis.command('SET', `orders:${id}`, JSON.stringify(order), 'EX', '3600');
    const charge = await payments.call('POST', '/charges', { order: id, user: order.user, amount: order.amount });
    if (charge.status === 201) {
      broker.publish('shop/orders/created', JSON.stringify({ id, item: item.sku }), { qos: 1 });
      return reply(res, 201, { id, charge: charge.body.id });
    }
    if (charge.status === 0) return reply(res, 504, { error: 'the payment did not answer in time', id });
    return reply(res, charge.status, { error: 'payment refused', id, payment: charge.body });
  }
  const m = /^\/orders\/(\d+)$/.exec(url.pathname);
  if (req.method === 'GET' && m) {
    const text = await redis.command('GET', `orders:${m[1]}`);
    return text === null ? reply(res, 404, { error: 'no such order', id: Number(m[1]) }) : reply(res, 200, JSON.parse(text));
  }
  if (url.pathname === '/healthz') return reply(res, 200, { ok: (await redis.command('PING')) === 'PONG' });
  reply(res, 404, { error: 'not found' });
});
