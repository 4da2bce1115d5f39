/**
 * The PostgreSQL dissector on scripted connections (messages built by helpers/pg-wire.ts from the
 * grammar of §55.7), each replayed from an empty flow through detection and cut at every position
 * (replayAllSplits): the start-up with a refused SSLRequest and a cleartext password, GSSAPI
 * encryption handed over, pipelined statements after an error (skipped up to the Sync), Flush,
 * PortalSuspended and a second Execute of the portal, a statement only prepared, a Close, what the
 * backend sends unasked, a connection joined mid-way, the response timeout, losses on either side,
 * and the probe's verdicts.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Transaction } from '../dist/dissector.js';
import { http1 } from '../dist/protocols/http1/index.js';
import { postgresql } from '../dist/protocols/postgresql/index.js';
import { probe } from '../dist/protocols/postgresql/probe.js';
import { tls } from '../dist/protocols/tls/index.js';
import * as w from './helpers/pg-wire.js';
import { c, close, gap, replay, replayAllSplits, s, tick } from './helpers/split-replay.js';

const line = (t: Transaction): string => t.summary.text + (t.malformed !== undefined ? ` [${t.malformed.code}]` : '');
const lines = (ts: Transaction[]): string[] => ts.map(line);
const cat = Buffer.concat;

/** A start-up in clear with trust: the backend's answer up to ReadyForQuery. */
const STARTUP = w.startup({ user: 'app', database: 'shop' });
const STARTED = cat([w.authOk(), w.parameterStatus('server_version', '15.18'), w.backendKey(4242, 7), w.ready()]);

describe('PostgreSQL operations and their answers', () => {
  it('the start-up: SSLRequest refused, a cleartext password, the backend ready', () => {
    const out = replayAllSplits(postgresql, [
      c(1, w.sslRequest()),
      s(2, 'N'),
      c(3, STARTUP),
      s(4, w.authCleartext()),
      c(5, w.password('hunter2')),
      s(6, STARTED),
      c(7, w.query('SELECT 1')),
      s(8, cat([w.rowDescription([['?column?', 23]]), w.dataRow(['1']), w.commandComplete('SELECT 1'), w.ready()])),
      close(9),
    ]);
    assert.deepEqual(lines(out.transactions), ['SSLRequest -> N (in clear)', 'startup user=app database=shop -> ok (cleartext password)', 'SELECT 1 -> SELECT 1']);
    const [, startup, select] = out.transactions;
    assert.deepEqual(startup!.request!['messages'], ['StartupMessage', 'PasswordMessage']);
    // The password is never kept.
    assert.ok(!JSON.stringify(startup).includes('hunter2'));
    assert.deepEqual(startup!.response, { status: 'ok', authentication: 'cleartext password', authenticated: true, processId: 4242, transactionStatus: 'idle', serverParameters: { server_version: '15.18' } });
    assert.deepEqual(select!.response, { status: 'ok', commands: ['SELECT 1'], rowCount: 1, columns: [{ name: '?column?', type: 'int4' }], rows: [['1']], transactionStatus: 'idle' });
    assert.equal(select!.summary.method, 'SELECT');
  });

  it('an SSLRequest answered S hands the rest to TLS; G hands it to GSSAPI, which no dissector reads', () => {
    for (const [answer, protocol] of [['S', 'tls'], ['G', 'gssapi']] as const) {
      const hello = Buffer.from('160301002a010000260303', 'hex');
      const out = replay([postgresql], [c(1, answer === 'S' ? w.sslRequest() : w.gssencRequest()), s(2, `${answer}more`), c(3, hello), close(4)]);
      assert.deepEqual(lines(out.transactions), [`${answer === 'S' ? 'SSLRequest -> S (TLS follows)' : 'GSSENCRequest -> G (GSSAPI encryption follows)'}`]);
      assert.deepEqual(out.upgrades, [{ protocol, pending: [hello.toString('latin1'), 'more'] }]);
    }
  });

  it('pipelined statements after a failed Execute are skipped up to the Sync', () => {
    const out = replayAllSplits(postgresql, [
      c(1, STARTUP),
      s(2, STARTED),
      c(3, cat([w.parse('', 'SELECT 1/0'), w.bind('', '', []), w.execute(''), w.parse('', 'SELECT 2'), w.bind('', '', []), w.execute(''), w.sync()])),
      s(4, cat([w.parseComplete(), w.bindComplete(), w.error('22012', 'division by zero'), w.ready()])),
      c(5, cat([w.parse('', 'SELECT 3'), w.bind('', '', []), w.execute(''), w.sync()])),
      s(6, cat([w.parseComplete(), w.bindComplete(), w.dataRow(['3']), w.commandComplete('SELECT 1'), w.ready()])),
      close(7),
    ]);
    assert.deepEqual(lines(out.transactions).slice(1), ['SELECT 1/0 -> ERROR 22012 division by zero', 'SELECT 2 -> skipped (an earlier error)', 'SELECT 3 -> SELECT 1']);
    assert.equal(out.transactions[1]!.response!['status'], 'error');
    assert.equal(out.transactions[2]!.response!['skipped'], true);
  });

  it('a Flush, a row limit (PortalSuspended) and a second Execute of the portal, which knows its statement', () => {
    const out = replayAllSplits(postgresql, [
      c(1, STARTUP),
      s(2, STARTED),
      c(3, cat([w.parse('s1', 'SELECT n FROM t'), w.bind('p1', 's1', []), w.describe('P', 'p1'), w.execute('p1', 2), w.flush()])),
      s(4, cat([w.parseComplete(), w.bindComplete(), w.rowDescription([['n', 20]]), w.dataRow(['1']), w.dataRow(['2']), w.portalSuspended()])),
      c(5, cat([w.execute('p1', 2), w.sync()])),
      s(6, cat([w.dataRow(['3']), w.commandComplete('SELECT 1'), w.ready('T')])),
      close(7),
    ]);
    assert.deepEqual(lines(out.transactions).slice(1), ['SELECT n FROM t -> 2 rows, suspended', 'SELECT n FROM t -> SELECT 1']);
    const [, first, second] = out.transactions;
    assert.deepEqual(first!.request!['messages'], ['Parse', 'Bind', 'Describe', 'Execute', 'Flush']);
    assert.deepEqual([first!.request!['statement'], first!.request!['portal'], second!.request!['portal']], ['s1', 'p1', 'p1']);
    assert.deepEqual(second!.response!['transactionStatus'], 'in transaction');
  });

  it('a statement only prepared, and closed: the message names the operation', () => {
    const out = replayAllSplits(postgresql, [
      c(1, STARTUP),
      s(2, STARTED),
      c(3, cat([w.parse('q', 'SELECT $1::int'), w.describe('S', 'q'), w.sync()])),
      s(4, cat([w.parseComplete(), w.msg('t', Buffer.from('00010000 0017'.replace(/ /g, ''), 'hex')), w.noData(), w.ready()])),
      c(5, cat([w.closeTarget('S', 'q'), w.sync()])),
      s(6, cat([w.closeComplete(), w.ready()])),
      c(7, cat([w.bind('', 'q', ['1']), w.execute(''), w.sync()])),
      s(8, cat([w.error('26000', 'prepared statement "q" does not exist'), w.ready()])),
      close(9),
    ]);
    assert.deepEqual(lines(out.transactions).slice(1), [
      'Parse: SELECT $1::int -> ok',
      'Close: SELECT $1::int -> ok',
      // Closed: the statement's text is forgotten, as the server forgot the statement.
      '(statement "q") -> ERROR 26000 prepared statement "q" does not exist',
    ]);
    assert.deepEqual(out.transactions.slice(1).map((t) => t.summary.method), ['Parse', 'Close', 'Bind']);
  });

  it('COPY FROM STDIN: the frontend sends its data after the CopyInResponse', () => {
    const out = replayAllSplits(postgresql, [
      c(1, STARTUP),
      s(2, STARTED),
      c(3, w.query('COPY t FROM STDIN')),
      s(4, w.copyIn(2)),
      c(5, cat([w.copyData('a\t1\n'), w.copyData('b\t2\n'), w.copyDone()])),
      s(6, cat([w.commandComplete('COPY 2'), w.ready()])),
      close(7),
    ]);
    assert.deepEqual(lines(out.transactions).slice(1), ['COPY t FROM STDIN -> COPY 2']);
    assert.deepEqual(out.transactions[1]!.response!['copy'], { direction: 'in', format: 'text', messages: 2, bytes: 8 });
  });

  it('what the backend sends unasked is an entry of its own; a FATAL error counts as an error', () => {
    const out = replayAllSplits(postgresql, [
      c(1, STARTUP),
      s(2, STARTED),
      s(3, w.notification(99, 'orders', 'new')),
      s(4, w.parameterStatus('application_name', 'billing')),
      s(5, w.error('57P01', 'terminating connection due to administrator command', 'FATAL')),
      close(6),
    ]);
    assert.deepEqual(lines(out.transactions).slice(1), ['<- NOTIFY orders: new', '<- ParameterStatus application_name=billing', '<- FATAL 57P01 terminating connection due to administrator command']);
    assert.deepEqual(out.transactions.slice(1).map((t) => [t.request, t.summary.method, t.response!['status']]), [
      [null, 'NotificationResponse', 'ok'],
      [null, 'ParameterStatus', 'ok'],
      [null, 'ErrorResponse', 'error'],
    ]);
  });

  it('a connection joined after its start-up: typed messages from either side are recognised', () => {
    const answer = cat([w.rowDescription([['n', 23]]), w.dataRow(['7']), w.commandComplete('SELECT 1'), w.ready()]);
    const fromClient = replayAllSplits(postgresql, [c(1, w.query('SELECT 7')), s(2, answer), close(3)]);
    assert.deepEqual(lines(fromClient.transactions), ['SELECT 7 -> SELECT 1']);
    // The capture begins with the backend's answer to a query it did not see, then a whole exchange.
    const fromServer = replayAllSplits(postgresql, [s(1, answer), c(2, w.query('SELECT 7')), s(3, answer), close(4)]);
    assert.deepEqual(lines(fromServer.transactions), ['(request not seen) -> SELECT 1 [DIS_ERR_NO_REQUEST]', 'SELECT 7 -> SELECT 1']);
  });

  it('the response timeout: unanswered, then the late answer is read into it, not into the next query', () => {
    const out = replay(postgresql, [
      c(1, STARTUP),
      s(2, STARTED),
      c(3, w.query('SELECT pg_sleep(60)')),
      tick(40_000),
      c(60_000, w.query('SELECT 2')),
      s(60_001, cat([w.rowDescription([['x', 2278]]), w.dataRow(['']), w.commandComplete('SELECT 1'), w.ready()])),
      s(60_002, cat([w.rowDescription([['n', 23]]), w.dataRow(['2']), w.commandComplete('SELECT 1'), w.ready()])),
      close(60_003),
    ]);
    assert.deepEqual(lines(out.transactions).slice(1), ['SELECT pg_sleep(60) -> no response [DIS_ERR_NO_RESPONSE]', 'SELECT 2 -> SELECT 1']);
    assert.deepEqual(out.transactions[2]!.response!['rows'], [['2']]);
  });

  it('losses: inside a row (the length is known), across messages of either side (found again at ReadyForQuery)', () => {
    const rows = cat([w.rowDescription([['v', 25]]), w.dataRow(['x'.repeat(100)]), w.dataRow(['y'.repeat(100)]), w.commandComplete('SELECT 2'), w.ready()]);
    const at = w.rowDescription([['v', 25]]).length + 20;
    const inside = replay(postgresql, [c(1, STARTUP), s(2, STARTED), c(3, w.query('SELECT v')), s(4, rows.subarray(0, at)), gap(1, 30, 5), s(6, rows.subarray(at + 30)), close(7)]);
    assert.deepEqual(lines(inside.transactions).slice(1), ['SELECT v -> SELECT 2 [DIS_ERR_GAP]']);
    assert.equal(inside.transactions[1]!.response!['rowCount'], 2);

    // The backend's bytes lost across messages: the answer is read again from its ReadyForQuery.
    const second = cat([w.rowDescription([['n', 23]]), w.dataRow(['2']), w.commandComplete('SELECT 1'), w.ready()]);
    const server = replay(postgresql, [c(1, STARTUP), s(2, STARTED), c(3, w.query('SELECT v')), s(4, rows.subarray(0, 10)), gap(1, rows.length - 10 - 6, 5), s(6, rows.subarray(rows.length - 6)), c(7, w.query('SELECT 2')), s(8, second), close(9)]);
    assert.deepEqual(lines(server.transactions).slice(1), ['SELECT v -> incomplete answer [DIS_ERR_GAP]', 'SELECT 2 -> SELECT 1']);

    // The frontend's whole query lost: its answer is an entry of its own, the next query pairs right.
    const q1 = w.query('SELECT v');
    const client = replay(postgresql, [c(1, STARTUP), s(2, STARTED), gap(0, q1.length, 3), s(4, rows), c(5, w.query('SELECT 2')), s(6, second), close(7)]);
    assert.deepEqual(lines(client.transactions).slice(1), ['(request not seen) -> SELECT 2 [DIS_ERR_GAP]', 'SELECT 2 -> SELECT 1']);
  });

  it('a query longer than 64 KiB is kept cut, and said to be', () => {
    const sql = `SELECT '${'z'.repeat(70_000)}'`;
    const out = replay(postgresql, [c(1, STARTUP), s(2, STARTED), c(3, w.query(sql)), s(4, cat([w.commandComplete('SELECT 1'), w.ready()])), close(5)]);
    const req = out.transactions[1]!.request!;
    assert.equal(req['queryTruncated'], true);
    assert.equal((req['query'] as string).length, 64 * 1024);
    assert.equal(out.transactions[1]!.requestSize, sql.length + 6);
  });
});

describe('PostgreSQL probe', () => {
  it('claims a StartupMessage only whole, whatever the cut, and the requests by their codes', () => {
    for (let n = 1; n < STARTUP.length; n++) assert.equal(probe(STARTUP.subarray(0, n)), 'more', `${n} bytes`);
    assert.equal(probe(STARTUP), 'client');
    assert.equal(probe(w.sslRequest()), 'client');
    assert.equal(probe(w.gssencRequest()), 'client');
    assert.equal(probe(w.cancelRequest(1, 2)), 'client');
    // A start-up without a user is not one (the server requires it).
    assert.equal(probe(w.startup({ database: 'x' })), 'no');
  });

  it('claims typed messages by their grammar, and waits for a second message after one without a body', () => {
    assert.equal(probe(w.query('SELECT 1')), 'client');
    assert.equal(probe(w.ready()), 'server');
    assert.equal(probe(w.error('42P01', 'no such table')), 'server');
    assert.equal(probe(w.commandComplete('INSERT 0 1')), 'server');
    assert.equal(probe(w.sync()), 'more');
    assert.equal(probe(cat([w.sync(), w.query('SELECT 1')])), 'client');
    assert.equal(probe(cat([w.parseComplete(), w.bindComplete(), w.ready()])), 'server');
    // A CommandComplete's tag is capitals: a Close of statement "stmt" is the frontend's.
    assert.equal(probe(w.closeTarget('S', 'stmt')), 'client');
  });

  it('refuses other protocols: HTTP, TLS, Redis, text', () => {
    for (const other of ['GET / HTTP/1.1\r\n\r\n', 'POST /x HTTP/1.1\r\n', '*1\r\n$4\r\nPING\r\n', 'SSH-2.0-OpenSSH_9.2\r\n', 'EHLO mail\r\n', 'Query is not a message']) {
      assert.equal(probe(Buffer.from(other)), 'no', other);
    }
    assert.equal(probe(Buffer.from('16030100c4010000c00303', 'hex')), 'no');
  });

  it('loses no HTTP stream to itself', () => {
    const out = replay([http1, postgresql, tls], [c(1, 'GET /q HTTP/1.1\r\nHost: x\r\n\r\n'), s(2, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), close(3)]);
    assert.deepEqual(out.transactions.map((t) => t.protocol.name), ['http']);
  });
});
