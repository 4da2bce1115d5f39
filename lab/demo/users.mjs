// The `users` JSON service over PostgreSQL (the `postgres` pod; the table the lab made, the
// `pg` client, SCRAM-SHA-256 with PGUSER/PGPASSWORD/PGDATABASE from the lab): /users/:id is a
// prepared statement (the extended protocol: Parse, Bind, Execute) and 404 past the table;
// /users a simple query; /fail a statement on a table that does not exist, so PostgreSQL answers
// with an error (SQLSTATE 42P01) and the call with 500; ?delay=MS answers late (a slow call for
// the dashboard's latency figures). Two connections at most.
import pg from 'pg';
import { reply, serve } from './cluster-http.mjs';

const db = new pg.Pool({ host: process.env.POSTGRES_HOST, port: 5432, max: 2, idleTimeoutMillis: 20_000 });
db.on('error', (err) => console.error(`users: ${err.message}`));

serve(async (req, res) => {
  const url = new URL(req.url, 'http://users');
  const delay = Math.min(Number(url.searchParams.get('delay') ?? 0) || 0, 2000);
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  try {
    const m = /^\/users\/(\d+)$/.exec(url.pathname);
    if (m) {
      const { rows } = await db.query({ name: 'user-by-id', text: 'SELECT id, name FROM users WHERE id = $1', values: [Number(m[1])] });
      return rows.length === 0 ? reply(res, 404, { error: 'no such user', id: Number(m[1]) }) : reply(res, 200, rows[0]);
    }
    if (url.pathname === '/users') return reply(res, 200, (await db.query('SELECT id, name FROM users ORDER BY id')).rows);
    if (url.pathname === '/fail') {
      await db.query('SELECT * FROM user_audit');
      return reply(res, 200, { ok: true });
    }
    if (url.pathname === '/healthz') return reply(res, 200, { ok: (await db.query('SELECT 1 AS ok')).rows[0].ok === 1 });
  } catch (err) {
    return reply(res, 500, { error: `users failed: ${err.message}`, code: err.code });
  }
  reply(res, 404, { error: 'not found' });
});
