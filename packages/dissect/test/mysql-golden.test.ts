/**
 * MySQL golden captures: every capture under test/fixtures/mysql/ (made by
 * fixtures/generate-mysql.sh: Debian's MariaDB server with the mariadb client, `mysql2` and the
 * MariaDB connector, on a 1500-MTU veth pair) is dissected with the default engine and compared
 * with `<name>.expected.json` beside it (`UPDATE_GOLDEN=1` rewrites them: read their diff). Then
 * independent checks: what a person read in the generator and its clients (REVIEWED, which a
 * wrong golden cannot satisfy), tshark's view of every connection (run here, on the same file),
 * detail `summary`, the segments cut into 100-byte pieces, the first kilobytes of each connection
 * cut at every position, and a capture joined after its handshake.
 */

import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Entry } from '@shoal/model';
import { mysql } from '../dist/protocols/mysql/index.js';
import { readCapture, tcpView } from './helpers/capture-rewrite.js';
import { dissectFile, dissectPackets } from './helpers/dissect-capture.js';
import { goldenCaptures } from './helpers/golden-captures.js';
import { reviewedLine, sqlGoldenCases } from './helpers/sql-golden.js';
import { ourFacts, tsharkFacts } from './helpers/tshark-mysql.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/mysql/', import.meta.url));

/** clients/mysql-script.sql through the mariadb client: one COM_QUERY per statement, `use` as COM_INIT_DB. */
const CLI_SCRIPT = [
  'handshake user=app database=shoal -> ok (mysql_native_password)',
  'DROP TABLE IF EXISTS shoal_orders -> OK, 0 rows affected',
  'CREATE TABLE shoal_orders (id INT AUTO_INCREMENT PRIMARY KEY, item VARCHAR(40) NOT NULL, qty INT NOT... -> OK, 0 rows affected',
  "INSERT INTO shoal_orders (item, qty) VALUES ('anchor', 1), ('buoy', 4), ('chain', 12) -> OK, 3 rows affected, id 1",
  'SELECT id, item, qty FROM shoal_orders ORDER BY id -> 3 rows',
  "SELECT item FROM no_such_table -> ERROR 1146 (42S02): Table 'shoal.no_such_table' doesn't exist",
  // The client asks which database `use` left it in, then sends COM_INIT_DB.
  'SELECT DATABASE() -> 1 row',
  'COM_INIT_DB shoal -> OK',
  'SELECT seq, MD5(seq) FROM seq_1_to_3000 -> 3000 rows',
  "BEGIN; UPDATE shoal_orders SET qty = qty + 1 WHERE item = 'buoy'; COMMIT -> OK, 0 rows affected; OK, 1 row affected; OK, 0 rows affected",
  'COM_QUIT',
];

/** clients/mysql2-client.mjs: query() is COM_QUERY; execute() prepares once, then executes. */
const BY_ID = 'SELECT id, name, joined FROM shoal_users WHERE id = ?';
const LARGE = "SELECT seq AS n, CONCAT(REPEAT('row of the large result ', 4), seq) AS filler FROM seq_1_to_2000 WHE...";
const MYSQL2 = [
  'handshake user=app database=shoal -> ok (mysql_native_password)',
  'SELECT DATABASE() AS db, 6 * 7 AS answer -> 1 row',
  "INSERT INTO shoal_users (name) VALUES ('Nodie Maria') -> OK, 1 row affected, id 3",
  "SELECT * FROM no_such_table -> ERROR 1146 (42S02): Table 'shoal.no_such_table' doesn't exist",
  `COM_STMT_PREPARE ${BY_ID} -> statement 1 (1 parameter, 3 columns)`,
  `${BY_ID} -> 1 row`,
  `${BY_ID} -> 1 row`,
  'COM_STMT_PREPARE INSERT INTO shoal_users (id, name) VALUES (?, ?) -> statement 2 (2 parameters, 0 columns)',
  "INSERT INTO shoal_users (id, name) VALUES (?, ?) -> ERROR 1062 (23000): Duplicate entry '1' for key 'PRIMARY'",
  `COM_STMT_PREPARE ${LARGE} -> statement 3 (1 parameter, 2 columns)`,
  `${LARGE} -> 2000 rows`,
  'COM_PING -> OK',
  // mysql2's unprepare sends COM_STMT_CLOSE twice (tshark sees both too).
  'COM_STMT_CLOSE statement 1',
  'COM_STMT_CLOSE statement 1',
  'SELECT COUNT(*) AS n FROM shoal_users -> 1 row',
  'COM_QUIT',
];

/** clients/mariadb-client.mjs: CLIENT_DEPRECATE_EOF; its first execute names statement -1, the one just prepared. */
const MARIADB = [
  'handshake user=app database=shoal -> ok (mysql_native_password)',
  'SET NAMES utf8mb4 -> OK, 0 rows affected',
  'SELECT id, name FROM shoal_users ORDER BY id -> 3 rows',
  "UPDATE shoal_users SET name = 'Bo Reef' WHERE id = 2 -> OK, 1 row affected",
  'SELECT 1 AS one -> 1 row',
  'SELECT 2 AS two -> 1 row',
  /^SELEC oops -> ERROR 1064 \(42000\): You have an error in your SQL syntax/,
  `COM_STMT_PREPARE ${BY_ID} -> statement 4 (1 parameter, 3 columns)`,
  `${BY_ID} -> 1 row`,
  `${BY_ID} -> 1 row`,
  'COM_STMT_PREPARE SELECT id FROM shoal_users WHERE id > ? -> statement 5 (1 parameter, 1 column)',
  'SELECT id FROM shoal_users WHERE id > ? -> 0 rows',
  'COM_QUIT',
];

/** What each capture holds, read from the generator and its clients: the entries' summaries in order. */
const REVIEWED: Record<string, Array<string | RegExp>> = {
  'cli-native': CLI_SCRIPT,
  'auth-switch': ['handshake user=switcher database=shoal -> ok (switched to client_ed25519)', 'SELECT CURRENT_USER() AS who -> 1 row', 'COM_QUIT'],
  'node-mysql2': MYSQL2,
  'node-mariadb': MARIADB,
  tls: ['handshake -> TLS follows', 'TLS 1.3 TLS_AES_256_GCM_SHA384'],
};

const my = (entries: Entry[]): Entry[] => entries.filter((e) => e.protocol.name === 'mysql');
const entriesOf = (name: string): Entry[] => my(dissectFile(path.join(FIXTURES, `${name}.pcap`)).entries);

describe('MySQL golden captures', () => {
  goldenCaptures(FIXTURES, REVIEWED, (name, file, result) =>
    sqlGoldenCases({ spec: mysql, reviewed: REVIEWED, facts: { what: 'users, commands, statements, error codes', min: 4, tshark: tsharkFacts, ours: ourFacts } }, name, file, result),
  );

  it('counts every row of the large results, text and binary, cut into many segments', () => {
    assert.ok(entriesOf('cli-native').some((e) => e.response?.['rowCount'] === 3000));
    assert.ok(entriesOf('node-mysql2').some((e) => e.response?.['rowCount'] === 2000));
    const segments = readCapture(path.join(FIXTURES, 'node-mysql2.pcap')).filter((p) => tcpView(p)?.payloadLength === 1448);
    assert.ok(segments.length >= 100, `${segments.length} full segments`);
  });

  it("carries a prepared statement's text to its executions, with their values and binary rows decoded", () => {
    for (const [capture, id] of [['node-mysql2', 1], ['node-mariadb', 4]] as const) {
      const executions = entriesOf(capture).filter((e) => e.request?.['command'] === 'COM_STMT_EXECUTE' && e.request['query'] === BY_ID);
      assert.deepEqual(
        executions.map((e) => [e.request!['statementId'], e.request!['parameters'], e.response!['rows']]),
        [
          [id, ['1'], [['1', 'Ada Shoal', '2024-05-01']]],
          [id, ['2'], [['2', 'Bo Reef', '2024-05-01']]],
        ],
        capture,
      );
    }
  });

  it('reads result sets without EOF packets under CLIENT_DEPRECATE_EOF, and the columns a prepare gave when the execute leaves them out', () => {
    const users = entriesOf('node-mariadb').find((e) => e.summary.text.startsWith('SELECT id, name FROM'))!;
    assert.deepEqual(users.response!['columns'], [{ name: 'id', type: 'INT' }, { name: 'name', type: 'VARCHAR' }]);
    assert.deepEqual((users.response!['rows'] as string[][]).map((r) => r[1]), ['Ada Shoal', 'Bo Reef', 'Nodie Maria']);
  });

  it('counts an error as an error', () => {
    const failed = entriesOf('node-mysql2').filter((e) => e.response?.['status'] === 'error').map((e) => (e.response!['error'] as { code: number }).code);
    assert.deepEqual(failed, [1146, 1062]);
  });
});

describe('MySQL joined after the handshake, from a real capture', () => {
  it('every command after the handshake, found by its packets', () => {
    const packets = readCapture(path.join(FIXTURES, 'node-mysql2.pcap'));
    // The packet that carries the handshake's OK (sequence 2 of the connection phase).
    const ok = packets.findIndex((p) => {
      const v = tcpView(p);
      return v !== null && v.payloadLength > 4 && p.data[v.payloadOffset + 3] === 2 && p.data[v.payloadOffset + 4] === 0;
    });
    const entries = dissectPackets(packets.slice(ok + 1)).entries;
    // Without the handshake the capabilities are guessed from the packets; the prepared
    // statements are known from their prepares, all seen.
    assert.deepEqual(entries.map(reviewedLine), MYSQL2.slice(1));
  });
});
