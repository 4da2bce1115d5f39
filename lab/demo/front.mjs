// The demo's HTTP front-end: each page calls the two JSON services by their cluster names over
// keep-alive connections, so one request to the front makes more requests between pods.
//   GET  /api/users/:id   → users     (404 past the table)
//   GET  /api/profile/:id → users + orders
//   POST /api/orders      → orders (→ Redis)
//   GET  /api/orders/:id  → orders
//   GET  /api/slow        → users with a delay
//   GET  /api/fail        → users' 500, answered as 502
import { call, readJson, reply, serve } from './cluster-http.mjs';

const USERS = `http://${process.env.USERS_HOST}:${process.env.APP_PORT}`;
const ORDERS = `http://${process.env.ORDERS_HOST}:${process.env.APP_PORT}`;

serve(async (req, res) => {
  const url = new URL(req.url, 'http://front');
  let m;
  if (req.method === 'GET' && (m = /^\/api\/users\/(\d+)$/.exec(url.pathname))) {
    const r = await call('GET', `${USERS}/users/${m[1]}`);
    return reply(res, r.status === 0 ? 502 : r.status, r.body);
  }
  if (req.method === 'GET' && (m = /^\/api\/profile\/(\d+)$/.exec(url.pathname))) {
    const [user, order] = await Promise.all([call('GET', `${USERS}/users/${m[1]}`), call('GET', `${ORDERS}/orders/${m[1]}`)]);
    return reply(res, user.status === 200 ? 200 : user.status || 502, { user: user.body, lastOrder: order.status === 200 ? order.body : null });
  }
  if (req.method === 'POST' && url.pathname === '/api/orders') {
    const r = await call('POST', `${ORDERS}/orders`, (await readJson(req)) ?? {});
    return reply(res, r.status === 0 ? 502 : r.status, r.body);
  }
  if (req.method === 'GET' && (m = /^\/api\/orders\/(\d+)$/.exec(url.pathname))) {
    const r = await call('GET', `${ORDERS}/orders/${m[1]}`);
    return reply(res, r.status === 0 ? 502 : r.status, r.body);
  }
  if (url.pathname === '/api/slow') {
    const r = await call('GET', `${USERS}/users/1?delay=${300 + Math.floor(Math.random() * 500)}`);
    return reply(res, r.status || 502, r.body);
  }
  if (url.pathname === '/api/fail') {
    const r = await call('GET', `${USERS}/fail`);
    return reply(res, r.status >= 500 || r.status === 0 ? 502 : r.status, { error: 'upstream failed', upstream: r.body });
  }
  if (url.pathname === '/healthz') return reply(res, 200, { ok: true });
  reply(res, 404, { error: 'not found', path: url.pathname });
});
