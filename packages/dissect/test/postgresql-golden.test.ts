/**
 * PostgreSQL golden captures: every capture under test/fixtures/postgresql/ (made by
 * fixtures/generate-postgresql.sh: Debian's PostgreSQL server with psql and node-postgres, on a
 * 1500-MTU veth pair) is dissected with the default engine and compared with
 * `<name>.expected.json` beside it (`UPDATE_GOLDEN=1` rewrites them: read their diff). Then
 * independent checks: what a person read in the generator and its clients (REVIEWED, which a
 * wrong golden cannot satisfy), tshark's view of every connection (run here, on the same file),
 * detail `summary`, the segments cut into 100-byte pieces, the first kilobytes of each connection
 * cut at every position, and the captures joined after their start-up.
 */

import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Entry } from '@shoal/model';
import { postgresql } from '../dist/protocols/postgresql/index.js';
import { readCapture, tcpView } from './helpers/capture-rewrite.js';
import { dissectFile, dissectPackets } from './helpers/dissect-capture.js';
import { goldenCaptures } from './helpers/golden-captures.js';
import { reviewedLine, sqlGoldenCases } from './helpers/sql-golden.js';
import { ourFacts, tsharkFacts } from './helpers/tshark-pgsql.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/postgresql/', import.meta.url));

/** clients/psql-script.sql, one Query per statement, answered as PostgreSQL answers them. */
const PSQL_SCRIPT = [
  'DROP TABLE IF EXISTS shoal_orders; -> DROP TABLE',
  'CREATE TABLE shoal_orders (id serial PRIMARY KEY, item text NOT NULL, qty int NOT NULL); -> CREATE TABLE',
  "INSERT INTO shoal_orders (item, qty) VALUES ('anchor', 1), ('buoy', 4), ('chain', 12); -> INSERT 0 3",
  'SELECT id, item, qty FROM shoal_orders ORDER BY id; -> SELECT 3',
  'DROP TABLE IF EXISTS no_such_table_either; -> DROP TABLE',
  `SELECT item FROM shoal_orders WHERE qty > 'many'; -> ERROR 22P02 invalid input syntax for type integer: "many"`,
  'COPY shoal_orders (item, qty) FROM STDIN; -> COPY 2',
  'COPY (SELECT item, qty FROM shoal_orders ORDER BY id) TO STDOUT; -> COPY 5',
  'SELECT g, md5(g::text) FROM generate_series(1, 3000) g; -> SELECT 3000',
  "BEGIN; UPDATE shoal_orders SET qty = qty + 1 WHERE item = 'buoy'; COMMIT; -> BEGIN; UPDATE 1; COMMIT",
];

/** clients/pg-client.mjs: the extended protocol for statements with values or a name, the simple one for the others. */
const BY_ID = 'SELECT id, name, joined FROM shoal_users WHERE id = $1 -> SELECT 1';
const NODE_CLIENT = [
  'SELECT $1::int + $2::int AS sum -> SELECT 1',
  'INSERT INTO shoal_users (name) VALUES ($1) RETURNING id -> INSERT 0 1',
  BY_ID,
  BY_ID,
  'SELECT 10 / $1::int AS q -> ERROR 22012 division by zero',
  "SELECT g AS n, repeat('row of the large result ', 4) || g AS filler FROM generate_series(1, $1::int)... -> SELECT 2000",
  'SELECT current_database() AS db, current_user AS who, version() LIKE $$PostgreSQL%$$ AS pg -> SELECT 1',
  '(empty) -> empty query',
  "DO $$ BEGIN RAISE NOTICE 'hello from plpgsql'; END $$ -> DO",
  'LISTEN shoal_events -> LISTEN',
  "NOTIFY shoal_events, 'stock changed' -> NOTIFY",
  'SELECT * FROM no_such_table -> ERROR 42P01 relation "no_such_table" does not exist',
  "BEGIN; UPDATE shoal_users SET name = 'Bo Reef' WHERE id = 2; COMMIT -> BEGIN; UPDATE 1; COMMIT",
];

/** What each capture holds, read from the generator and its clients: the entries' summaries in order. */
const REVIEWED: Record<string, Array<string | RegExp>> = {
  'psql-scram': ['SSLRequest -> N (in clear)', 'startup user=app database=shoal -> ok (SCRAM-SHA-256)', ...PSQL_SCRIPT, 'Terminate'],
  'node-md5': ['startup user=legacy database=shoal -> ok (MD5)', ...NODE_CLIENT, 'Terminate'],
  // The cancel's connection is opened while the query runs: its entry comes first (no answer).
  cancel: ['startup user=reader database=shoal -> ok', /^CancelRequest process \d+$/, 'SELECT pg_sleep(20) -> ERROR 57014 canceling statement due to user request', 'Terminate'],
  tls: ['SSLRequest -> S (TLS follows)', 'TLS 1.3 TLS_AES_256_GCM_SHA384'],
};

const pg = (entries: Entry[]): Entry[] => entries.filter((e) => e.protocol.name === 'postgresql');

describe('PostgreSQL golden captures', () => {
  goldenCaptures(FIXTURES, REVIEWED, (name, file, result) =>
    sqlGoldenCases({ spec: postgresql, reviewed: REVIEWED, facts: { what: 'users, statements, tags, SQLSTATEs, rows', min: 6, tshark: tsharkFacts, ours: ourFacts } }, name, file, result),
  );

  it('counts every row of the large results, cut into many segments', () => {
    const rows = (name: string): number[] => pg(dissectFile(path.join(FIXTURES, `${name}.pcap`)).entries).map((e) => (e.response?.['rowCount'] as number | undefined) ?? 0);
    assert.ok(rows('psql-scram').includes(3000));
    assert.ok(rows('node-md5').includes(2000));
    const segments = readCapture(path.join(FIXTURES, 'node-md5.pcap')).filter((p) => tcpView(p)?.payloadLength === 1448);
    assert.ok(segments.length >= 100, `${segments.length} full segments`);
  });

  it("carries a named statement's text to the execution that has no Parse, and the values to each", () => {
    const byId = pg(dissectFile(path.join(FIXTURES, 'node-md5.pcap')).entries).filter((e) => e.request?.['statement'] === 'user-by-id');
    assert.deepEqual(
      byId.map((e) => [e.request!['messages'], e.request!['parameters'], (e.response!['rows'] as string[][])[0]![1]]),
      [
        [['Parse', 'Bind', 'Describe', 'Execute', 'Sync'], ['1'], 'Ada Shoal'],
        [['Bind', 'Describe', 'Execute', 'Sync'], ['2'], 'Bo Reef'],
      ],
    );
  });

  it('counts an error as an error, and a notice and a notification where they came', () => {
    const entries = pg(dissectFile(path.join(FIXTURES, 'node-md5.pcap')).entries);
    const failed = entries.filter((e) => e.response?.['status'] === 'error').map((e) => (e.response!['error'] as Record<string, string>)['code']);
    assert.deepEqual(failed, ['22012', '42P01']);
    const notify = entries.find((e) => e.summary.method === 'NOTIFY')!;
    assert.deepEqual((notify.response!['notifications'] as Array<{ channel: string; payload: string }>).map((n) => [n.channel, n.payload]), [['shoal_events', 'stock changed']]);
    const notice = entries.find((e) => e.summary.method === 'DO')!;
    assert.deepEqual(notice.response!['notices'], [{ severity: 'NOTICE', code: '00000', message: 'hello from plpgsql' }]);
  });
});

describe('PostgreSQL joined after the start-up, from a real capture', () => {
  it('every operation after the first ReadyForQuery, found by its messages', () => {
    const packets = readCapture(path.join(FIXTURES, 'node-md5.pcap'));
    // The packet that carries the start-up's ReadyForQuery ('Z', length 5, 'I').
    const ready = packets.findIndex((p) => {
      const v = tcpView(p);
      return v !== null && v.payloadLength > 0 && p.data.subarray(v.payloadOffset, v.payloadOffset + v.payloadLength).includes(Buffer.from('5a0000000549', 'hex'));
    });
    const entries = dissectPackets(packets.slice(ready + 1)).entries;
    assert.deepEqual(entries.map(reviewedLine), [...NODE_CLIENT, 'Terminate']);
  });
});
