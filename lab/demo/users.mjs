// The `users` JSON service: a fixed table, plus the failures a real service has. /users/:id
// answers 404 past the table; /fail answers 500; ?delay=MS answers late (a slow call for the
// dashboard's latency figures).
import { reply, serve } from './cluster-http.mjs';

const NAMES = ['ada', 'grace', 'edsger', 'barbara', 'ken', 'dennis', 'margaret', 'alan', 'donald', 'radia'];

serve(async (req, res) => {
  const url = new URL(req.url, 'http://users');
  const delay = Math.min(Number(url.searchParams.get('delay') ?? 0) || 0, 2000);
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  const m = /^\/users\/(\d+)$/.exec(url.pathname);
  if (m) {
    const id = Number(m[1]);
    if (id < 1 || id > NAMES.length) return reply(res, 404, { error: 'no such user', id });
    return reply(res, 200, { id, name: NAMES[id - 1] });
  }
  if (url.pathname === '/users') return reply(res, 200, NAMES.map((name, i) => ({ id: i + 1, name })));
  if (url.pathname === '/fail') return reply(res, 500, { error: 'users failed on purpose' });
  if (url.pathname === '/healthz') return reply(res, 200, { ok: true });
  reply(res, 404, { error: 'not found' });
});
