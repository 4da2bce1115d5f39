/**
 * The MySQL dissector on scripted connections (packets built by helpers/my-wire.ts from the
 * grammar of packets.ts), each replayed from an empty flow through detection and cut at every
 * position (replayAllSplits): the handshake with an auth switch, result sets with EOF packets and
 * with CLIENT_DEPRECATE_EOF, several results of one query, prepared statements with binary values
 * and rows, LOCAL INFILE, pipelined commands, a connection joined mid-way, the response timeout,
 * losses on either side, a payload continued past 16 MiB, and the probe's verdicts.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Transaction } from '../dist/dissector.js';
import { mysql } from '../dist/protocols/mysql/index.js';
import { probe } from '../dist/protocols/mysql/probe.js';
import { postgresql } from '../dist/protocols/postgresql/index.js';
import { probe as pgProbe } from '../dist/protocols/postgresql/probe.js';
import * as w from './helpers/my-wire.js';
import { query as pgQuery, startup as pgStartup } from './helpers/pg-wire.js';
import { c, close, gap, replay, replayAllSplits, s, tick } from './helpers/split-replay.js';

const line = (t: Transaction): string => t.summary.text + (t.malformed !== undefined ? ` [${t.malformed.code}]` : '');
const lines = (ts: Transaction[]): string[] => ts.map(line);
const cat = Buffer.concat;

/** The connection phase, with the client asking for `extra` capabilities (the server offers DEPRECATE_EOF). */
const connect = (extra = 0) => [s(1, w.greeting()), c(2, w.handshakeResponse('app', 'shop', extra)), s(3, w.ok(2))];
const HANDSHAKE = 'handshake user=app database=shop -> ok (mysql_native_password)';

/** The answer to `SELECT id, name`: two rows, with EOF packets or (deprecated) without. */
function twoRows(deprecateEof: boolean): Buffer {
  const head = [w.columnCount(1, 2), w.column(2, 'id', w.TYPE.LONG), w.column(3, 'name', w.TYPE.VAR_STRING)];
  if (!deprecateEof) head.push(w.eof(4));
  const n = head.length + 1;
  return cat([...head, w.textRow(n, ['1', 'Ada']), w.textRow(n + 1, ['2', null]), deprecateEof ? w.ok(n + 2, 0, 0, 2, 0xfe) : w.eof(n + 2)]);
}

describe('MySQL commands and their answers', () => {
  it('the handshake and a query answered with EOF packets, an error, a ping and a quit', () => {
    const out = replayAllSplits(mysql, [
      ...connect(),
      c(4, w.query('SELECT id, name FROM users')),
      s(5, twoRows(false)),
      c(6, w.query('SELECT * FROM nope')),
      s(7, w.err(1, 1146, '42S02', "Table 'shop.nope' doesn't exist")),
      c(8, w.ping()),
      s(9, w.ok(1)),
      c(10, w.quit()),
      close(11),
    ]);
    assert.deepEqual(lines(out.transactions), [HANDSHAKE, 'SELECT id, name FROM users -> 2 rows', "SELECT * FROM nope -> ERROR 1146 (42S02): Table 'shop.nope' doesn't exist", 'COM_PING -> OK', 'COM_QUIT']);
    const [hs, select, failed] = out.transactions;
    assert.deepEqual(hs!.response, { status: 'ok', serverVersion: '8.0.36', connectionId: 42, authPlugin: 'mysql_native_password', authenticated: true });
    // The scramble is never kept.
    assert.ok(!JSON.stringify(hs).includes('UUUU'));
    assert.deepEqual(select!.response, { status: 'ok', columnCount: 2, rowCount: 2, columns: [{ name: 'id', type: 'INT' }, { name: 'name', type: 'VARCHAR' }], rows: [['1', 'Ada'], ['2', null]] });
    assert.deepEqual(failed!.response, { status: 'error', error: { code: 1146, sqlState: '42S02', message: "Table 'shop.nope' doesn't exist" } });
  });

  it('CLIENT_DEPRECATE_EOF: no EOF after the columns, an OK with the header 0xFE at the end; several results of one query', () => {
    const more = 2 | 8; // SERVER_STATUS_AUTOCOMMIT | SERVER_MORE_RESULTS_EXISTS
    const out = replayAllSplits(mysql, [
      ...connect(w.CAPS.DEPRECATE_EOF),
      c(4, w.query('SELECT id, name FROM users')),
      s(5, twoRows(true)),
      c(6, w.query('BEGIN; UPDATE users SET n = 1; SELECT 1; COMMIT')),
      s(7, cat([w.ok(1, 0, 0, more), w.ok(2, 4, 0, more), w.columnCount(3, 1), w.column(4, '1', w.TYPE.LONGLONG), w.textRow(5, ['1']), w.ok(6, 0, 0, more, 0xfe), w.ok(7, 0, 0, 2)])),
      close(8),
    ]);
    assert.deepEqual(lines(out.transactions).slice(1), ['SELECT id, name FROM users -> 2 rows', 'BEGIN; UPDATE users SET n = 1; SELECT 1; COMMIT -> OK, 0 rows affected; OK, 4 rows affected; 1 row; (+1 more)']);
    assert.deepEqual(out.transactions[2]!.response!['results'], [{ affectedRows: 0 }, { affectedRows: 4 }, { columns: 1, rows: 1 }, { affectedRows: 0 }]);
  });

  it('prepared statements: the text carried to executions, binary values and rows, statement -1, a close, an unknown statement', () => {
    const row = w.binaryRow(5, [w.int32(7), Buffer.from('\x03Ada', 'latin1'), w.datetime(2024, 5, 1, 12, 30, 0), w.double(1.5), null]);
    const answer = cat([w.columnCount(1, 5), w.column(2, 'id', w.TYPE.LONG), w.column(3, 'name', w.TYPE.VAR_STRING), w.column(4, 'at', w.TYPE.DATETIME), w.column(5, 'score', w.TYPE.DOUBLE), w.column(6, 'gone', w.TYPE.VAR_STRING), w.eof(7)]);
    const out = replayAllSplits(mysql, [
      ...connect(),
      c(4, w.prepare('SELECT id, name, at, score, gone FROM users WHERE id = ? AND name <> ?')),
      s(5, cat([w.prepareOk(9, 5, 2), w.column(2, '?', w.TYPE.VAR_STRING), w.column(3, '?', w.TYPE.VAR_STRING), w.eof(4), w.column(5, 'id', w.TYPE.LONG), w.column(6, 'name', w.TYPE.VAR_STRING), w.column(7, 'at', w.TYPE.DATETIME), w.column(8, 'score', w.TYPE.DOUBLE), w.column(9, 'gone', w.TYPE.VAR_STRING), w.eof(10)])),
      c(6, w.execute(0xffffffff, [[w.TYPE.LONG, w.int32(7)], null])),
      s(7, cat([answer, row.subarray(0, 3), Buffer.from([8]), row.subarray(4), w.eof(9)])),
      c(8, w.closeStmt(9)),
      c(9, w.execute(9, [])),
      s(10, w.err(1, 1243, 'HY000', 'Unknown prepared statement handler (9) given to mysqld_stmt_execute')),
      close(11),
    ]);
    assert.deepEqual(lines(out.transactions).slice(1), [
      'COM_STMT_PREPARE SELECT id, name, at, score, gone FROM users WHERE id = ? AND name <> ? -> statement 9 (2 parameters, 5 columns)',
      'SELECT id, name, at, score, gone FROM users WHERE id = ? AND name <> ? -> 1 row',
      'COM_STMT_CLOSE statement 9',
      '(statement 9) -> ERROR 1243 (HY000): Unknown prepared statement handler (9) given to mysqld_stmt_execute',
    ]);
    const executed = out.transactions[2]!;
    assert.deepEqual(executed.request, { method: 'SELECT', command: 'COM_STMT_EXECUTE', query: 'SELECT id, name, at, score, gone FROM users WHERE id = ? AND name <> ?', statementId: 9, parameters: ['7', null] });
    assert.deepEqual(executed.response!['rows'], [['7', 'Ada', '2024-05-01 12:30:00', '1.5', null]]);
    assert.equal(out.transactions[3]!.response, null);
  });

  it('LOCAL INFILE: the client sends the file after the 0xFB request, then the OK', () => {
    const out = replayAllSplits(mysql, [
      ...connect(),
      c(4, w.query("LOAD DATA LOCAL INFILE 'x.csv' INTO TABLE t")),
      s(5, w.packet(1, Buffer.from([0xfb]), Buffer.from('x.csv'))),
      c(6, cat([w.packet(2, Buffer.from('1,a\n2,b\n')), w.packet(3)])),
      s(7, w.ok(4, 2)),
      close(8),
    ]);
    assert.deepEqual(lines(out.transactions).slice(1), ["LOAD DATA LOCAL INFILE 'x.csv' INTO TABLE t -> OK, 2 rows affected"]);
    assert.equal(out.transactions[1]!.requestSize, 4 + 44 + 4 + 8 + 4);
  });

  it('pipelined commands are answered in order', () => {
    const out = replayAllSplits(mysql, [...connect(), c(4, cat([w.query('SELECT 1'), w.query('DO 1'), w.initDb('shop')])), s(5, cat([w.columnCount(1, 1), w.column(2, '1', w.TYPE.LONGLONG), w.eof(3), w.textRow(4, ['1']), w.eof(5), w.ok(1), w.ok(1)])), close(6)]);
    assert.deepEqual(lines(out.transactions).slice(1), ['SELECT 1 -> 1 row', 'DO 1 -> OK, 0 rows affected', 'COM_INIT_DB shop -> OK']);
  });

  it('a connection joined after its handshake: EOF packets or their absence are learnt from the lengths', () => {
    for (const deprecated of [false, true]) {
      const out = replayAllSplits(mysql, [c(1, w.query('SELECT id, name FROM users')), s(2, twoRows(deprecated)), c(3, w.query('SELECT 2')), s(4, w.err(1, 1054, '42S22', 'Unknown column')), close(5)]);
      assert.deepEqual(lines(out.transactions), ['SELECT id, name FROM users -> 2 rows', 'SELECT 2 -> ERROR 1054 (42S22): Unknown column'], `deprecated ${deprecated}`);
    }
    // The capture begins inside an answer: it is an entry without a request, then the next command pairs.
    const out = replayAllSplits(mysql, [s(1, w.err(1, 1146, '42S02', 'no table')), c(2, w.ping()), c(3, w.query('SELECT 1')), s(4, cat([w.ok(1), w.columnCount(1, 1), w.column(2, '1', w.TYPE.LONGLONG), w.eof(3), w.textRow(4, ['1']), w.eof(5)])), close(6)]);
    assert.deepEqual(lines(out.transactions), ['(request not seen) -> ERROR 1146 (42S02): no table [DIS_ERR_NO_REQUEST]', 'COM_PING -> OK', 'SELECT 1 -> 1 row']);
  });

  it('the response timeout: unanswered, then the late answer is read into it, not into the next command', () => {
    const out = replay(mysql, [...connect(), c(4, w.query('SELECT SLEEP(60)')), tick(40_000), c(60_000, w.query('SELECT 2')), s(60_001, w.ok(1, 9)), s(60_002, w.ok(1, 2)), close(60_003)]);
    assert.deepEqual(lines(out.transactions).slice(1), ['SELECT SLEEP(60) -> no response [DIS_ERR_NO_RESPONSE]', 'SELECT 2 -> OK, 2 rows affected']);
  });

  it('losses: inside a row (the length is known), across packets of either side (found again at the next answer)', () => {
    const rows = twoRows(false);
    const inside = replay(mysql, [...connect(), c(4, w.query('SELECT id, name FROM users')), s(5, rows.subarray(0, 75)), gap(1, 3, 6), s(7, rows.subarray(78)), close(8)]);
    assert.deepEqual(lines(inside.transactions).slice(1), ['SELECT id, name FROM users -> 2 rows [DIS_ERR_GAP]']);

    const server = replay(mysql, [...connect(), c(4, w.query('SELECT id, name FROM users')), s(5, rows.subarray(0, 20)), gap(1, rows.length - 20, 6), c(7, w.query('SELECT 2')), s(8, w.ok(1, 1)), close(9)]);
    assert.deepEqual(lines(server.transactions).slice(1), ['SELECT id, name FROM users -> 0 rows (incomplete) [DIS_ERR_GAP]', 'SELECT 2 -> OK, 1 row affected']);

    const lost = w.query('SELECT id, name FROM users');
    const client = replay(mysql, [...connect(), gap(0, lost.length, 4), s(5, rows), c(6, w.query('SELECT 2')), s(7, w.ok(1, 1)), close(8)]);
    assert.deepEqual(lines(client.transactions).slice(1), ['(request not seen) -> answered [DIS_ERR_GAP]', 'SELECT 2 -> OK, 1 row affected']);
  });

  it('a payload of 2^24-1 bytes continues in the next packet: one packet, its text cut at 64 KiB', () => {
    const sql = Buffer.concat([Buffer.from('INSERT INTO blobs VALUES ('), Buffer.alloc(0xffffff + 10 - 27, 0x61), Buffer.from(')')]);
    const payload = Buffer.concat([Buffer.from([0x03]), sql]);
    const first = Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0]), payload.subarray(0, 0xffffff)]);
    const rest = payload.subarray(0xffffff);
    const second = Buffer.concat([Buffer.from([rest.length, 0, 0, 1]), rest]);
    const out = replay(mysql, [...connect(), c(4, first), c(5, second), s(6, w.ok(2, 1)), close(7)]);
    assert.equal(out.transactions.length, 2);
    const insert = out.transactions[1]!;
    assert.equal(insert.request!['queryTruncated'], true);
    assert.equal(insert.requestSize, payload.length + 8);
    assert.equal(insert.response!['affectedRows'], 1);
  });
});

describe('MySQL probe', () => {
  it('claims a greeting only whole, whatever the cut; a handshake response, commands and answers by their grammar', () => {
    const g = w.greeting();
    for (let n = 1; n < g.length; n++) assert.equal(probe(g.subarray(0, n)), 'more', `${n} bytes`);
    assert.equal(probe(g), 'server');
    assert.equal(probe(w.handshakeResponse('app', null)), 'client');
    assert.equal(probe(w.sslRequest()), 'client');
    assert.equal(probe(w.query('SELECT 1')), 'client');
    assert.equal(probe(w.err(1, 1146, '42S02', 'no table')), 'server');
    assert.equal(probe(cat([w.columnCount(1, 2), w.column(2, 'id', w.TYPE.LONG)])), 'server');
    // A command of one byte is too little alone: the next command decides.
    assert.equal(probe(w.ping()), 'more');
    assert.equal(probe(cat([w.ping(), w.query('SELECT 1')])), 'client');
  });

  it('refuses other protocols, and PostgreSQL refuses MySQL: HTTP, TLS, Redis, PostgreSQL', () => {
    for (const other of ['GET / HTTP/1.1\r\n\r\n', '*1\r\n$4\r\nPING\r\n', 'SSH-2.0-OpenSSH_9.2\r\n']) assert.equal(probe(Buffer.from(other)), 'no', other);
    assert.equal(probe(Buffer.from('16030100c4010000c00303', 'hex')), 'no');
    assert.equal(probe(pgStartup({ user: 'u', database: 'd' })), 'no');
    assert.equal(probe(pgQuery('SELECT 1')), 'no');
    assert.equal(probe(Buffer.from('Query is not a message')), 'no');
    // PostgreSQL may wait for more (a MySQL length byte can look like a PostgreSQL letter), never claim.
    for (const my of [w.greeting(), w.handshakeResponse('app', 'shop'), w.query('SELECT 1'), w.err(1, 1146, '42S02', 'no table')]) assert.ok(['no', 'more'].includes(pgProbe(my)));
    const both = replay([postgresql, mysql], [...connect(), c(4, w.query('SELECT 1')), s(5, w.ok(1)), close(6)]);
    assert.deepEqual(both.transactions.map((t) => t.protocol.name), ['mysql', 'mysql']);
  });
});
