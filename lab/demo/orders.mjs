// The `orders` JSON service, backed by Redis (found by name through the lab's DNS): POST /orders
// stores an order under an id from INCR; GET /orders/:id reads it back (404 when absent).
import { readJson, reply, serve } from './cluster-http.mjs';
import { RedisClient } from './redis-client.mjs';

const redis = new RedisClient(process.env.REDIS_HOST, 6379);

serve(async (req, res) => {
  const url = new URL(req.url, 'http://orders');
  if (req.method === 'POST' && url.pathname === '/orders') {
    const body = await readJson(req);
    if (body === null || typeof body.item !== 'string') return reply(res, 400, { error: 'an order needs {"item": string}' });
    const id = await redis.command('INCR', 'orders:seq');
    await redis.command('SET', `orders:${id}`, JSON.stringify({ id, item: body.item, user: body.user ?? null }), 'EX', '3600');
    return reply(res, 201, { id });
  }
  const m = /^\/orders\/(\d+)$/.exec(url.pathname);
  if (req.method === 'GET' && m) {
    const text = await redis.command('GET', `orders:${m[1]}`);
    return text === null ? reply(res, 404, { error: 'no such order', id: Number(m[1]) }) : reply(res, 200, JSON.parse(text));
  }
  if (url.pathname === '/healthz') return reply(res, 200, { ok: (await redis.command('PING')) === 'PONG' });
  reply(res, 404, { error: 'not found' });
});
