#!/usr/bin/env node
// The PostgreSQL load of bench/dissect/postgresql.sh: CLIENTS node-postgres connections to the
// fixture cluster (packages/dissect/test/fixtures/servers/postgres-cluster.sh) share QUERIES
// statements, each connection one at a time as an application's pool does: of every five, one
// by the simple protocol (a row of functions), one named statement by the extended protocol (a
// user by id: Bind, Describe, Execute, Sync after its first Parse), two unnamed (Parse, Bind,
// Describe, Execute, Sync: a sum, and a page of 20 rows as a list view asks for), and one that
// fails (a missing table, SQLSTATE 42P01).
// Exits 0 once all were answered, 1 on an unexpected answer or after --max-seconds.
//
// Usage: pg-load.mjs --host ADDR --port PORT QUERIES [--clients N] [--max-seconds N]

import { parseArgs } from 'node:util';
import pg from 'pg';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { host: { type: 'string' }, port: { type: 'string' }, clients: { type: 'string', default: '4' }, 'max-seconds': { type: 'string', default: '300' } },
});
const total = Number(positionals[0]);
const clients = Number(values.clients);
if (values.host === undefined || !Number.isInteger(total) || total <= 0 || !Number.isInteger(clients) || clients <= 0) {
  console.error('usage: pg-load.mjs --host ADDR --port PORT QUERIES [--clients N] [--max-seconds N]');
  process.exit(2);
}
setTimeout(() => {
  console.error(`pg-load.mjs: not done within ${values['max-seconds']} s`);
  process.exit(1);
}, Number(values['max-seconds']) * 1000).unref();

const STATEMENTS = [
  () => 'SELECT current_database() AS db, current_user AS who, now() AS at',
  (i) => ({ name: 'user-by-id', text: 'SELECT id, name, joined FROM shoal_users WHERE id = $1', values: [1 + (i % 2)] }),
  (i) => ({ text: 'SELECT $1::int + $2::int AS sum', values: [i, 1] }),
  (i) => ({ text: 'SELECT g AS id, md5(g::text) AS digest FROM generate_series($1::int, $1::int + 19) g', values: [i] }),
  () => 'SELECT * FROM no_such_table',
];
const FAILS = STATEMENTS.length - 1;

let next = 0;
async function run() {
  const client = new pg.Client({ host: values.host, port: Number(values.port), user: 'legacy', password: 'legacy-secret', database: 'shoal' });
  await client.connect();
  for (let i = next++; i < total; i = next++) {
    const kind = i % STATEMENTS.length;
    try {
      await client.query(STATEMENTS[kind](i));
      if (kind === FAILS) throw new Error('the missing table was found');
    } catch (e) {
      if (kind !== FAILS || e.code !== '42P01') throw e;
    }
  }
  await client.end();
}

await Promise.all(Array.from({ length: clients }, run));
