/**
 * The Redis stream dissector (protocols/redis) on connections written byte for byte
 * (helpers/redis-wire.ts): pipelines paired in order, every RESP3 type, pub/sub on RESP2 and
 * RESP3, CLIENT REPLY, inline commands, errors, losses on either side, timeouts, bounds. Each
 * script is replayed cut at every position (split-replay.ts), in detail `full` and `summary`.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Transaction } from '../dist/dissector.js';
import { redis } from '../dist/protocols/redis/index.js';
import { c, close, end, gap, replay, replayAllSplits, s, tick, type Step } from './helpers/split-replay.js';
import * as R from './helpers/redis-wire.js';

const line = (t: Transaction): string => t.summary.text + (t.malformed !== undefined ? ` [${t.malformed.code}]` : '');
const run = (script: Step[], options = {}): Transaction[] => {
  const out = replayAllSplits(redis, script, options);
  assert.equal(out.unclaimed, false);
  return out.transactions;
};

describe('Redis stream: pairing', () => {
  it('pairs a pipeline in order, with each command, key and arguments', () => {
    const ts = run([c(1, R.seq(R.command('SET', 'user:1', 'alice'), R.command('GET', 'user:1'), R.command('INCR', 'hits'))), s(2, R.seq(R.simple('OK'), R.bulk('alice'), R.integer(7))), close(3)]);
    assert.deepEqual(ts.map(line), ['SET user:1 -> OK', 'GET user:1 -> "alice"', 'INCR hits -> 7']);
    assert.deepEqual(ts[0]!.request, { command: 'SET', method: 'SET', key: 'user:1', path: 'user:1', argCount: 2, args: ['user:1', 'alice'] });
    assert.deepEqual(ts[0]!.summary, { text: 'SET user:1 -> OK', method: 'SET', path: 'user:1' });
    assert.deepEqual(ts[1]!.response, { status: 'ok', type: 'bulk string', length: 5, value: 'alice' });
    assert.deepEqual([ts[2]!.requestSize, ts[2]!.responseSize], [R.command('INCR', 'hits').length, 4]);
    assert.deepEqual(ts.map((t) => t.protocol.version), ['2', '2', '2']);
  });

  it('finds the key where the command table puts it, and channels for pub/sub', () => {
    const cmds = [
      R.command('object', 'encoding', 'k1'),
      R.command('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's1', '>'),
      R.command('EVAL', 'return 1', '0'),
      R.command('EVAL', 'return 1', '1', 'k2'),
      R.command('PUBLISH', 'news', 'hi'),
      R.command('JSON.SET', 'doc', '$', '{}'),
      R.command('PING'),
    ];
    const ts = run([c(1, R.seq(...cmds)), s(2, R.seq(...cmds.map(() => R.simple('OK')))), close(3)]);
    assert.deepEqual(ts.map(line), ['OBJECT ENCODING k1 -> OK', 'XREADGROUP s1 -> OK', 'EVAL -> OK', 'EVAL k2 -> OK', 'PUBLISH news -> OK', 'JSON.SET doc -> OK', 'PING -> OK']);
    assert.deepEqual([ts[0]!.request!['subcommand'], ts[4]!.request!['channel'], ts[4]!.request!['key']], ['ENCODING', 'news', undefined]);
  });

  it('reads every RESP3 type, an attribute with the reply it is about, and a push between replies without shifting the pairs', () => {
    const hello = R.map([R.bulk('server'), R.bulk('redis')], [R.bulk('proto'), R.integer(3)]);
    const replies = [
      hello,
      R.nil(),
      R.bool(true),
      R.double('inf'),
      R.bigNumber('3492890328409238509324850943850943825024385'),
      R.bulkError('SYNTAX invalid syntax'),
      R.verbatim('mkd', '# title'),
      R.set(R.integer(1), R.bulk('a')),
      R.map([R.integer(1), R.bulk('one')], [R.bulk('two'), R.array(R.integer(2))]),
      // An attribute is not one of its aggregate's values: the array has two.
      R.seq(R.attribute([R.bulk('ttl'), R.integer(5)]), Buffer.from('*2\r\n'), R.attribute([R.bulk('nested'), R.bool(false)]), R.bulk('x'), R.bulk('y')),
    ];
    const cmds = [R.command('HELLO', '3'), ...replies.slice(1).map((_, i) => R.command('DEBUG', 'PROTOCOL', `t${i}`))];
    const pushed = R.push(R.bulk('invalidate'), R.array(R.bulk('user:1')));
    const ts = run([c(1, R.seq(...cmds)), s(2, R.seq(...replies.slice(0, 4), pushed, ...replies.slice(4))), close(3)]);
    assert.deepEqual(ts.map(line), [
      'HELLO -> map 2',
      'DEBUG -> (nil)',
      'DEBUG -> true',
      'DEBUG -> inf',
      'invalidate user:1',
      'DEBUG -> 3492890328409238509324850943850943825024385',
      'DEBUG -> SYNTAX invalid syntax',
      'DEBUG -> "# title"',
      'DEBUG -> set 2',
      'DEBUG -> map 2',
      'DEBUG -> array 2',
    ]);
    assert.deepEqual(ts.map((t) => t.protocol.version), Array(11).fill('3'));
    const values = ts.map((t) => t.response!['value']);
    assert.deepEqual(values.slice(1, 4), [null, true, 'inf']);
    assert.deepEqual(ts[4]!.response, { status: 'ok', type: 'push', length: 2, kind: 'invalidate', key: 'user:1', value: ['invalidate', ['user:1']] });
    assert.deepEqual(ts[4]!.summary, { text: 'invalidate user:1', method: 'invalidate', path: 'user:1' });
    assert.deepEqual(ts[6]!.response, { status: 'error', type: 'bulk error', error: 'SYNTAX invalid syntax', length: 21 });
    assert.deepEqual([ts[7]!.response!['value'], ts[7]!.response!['format']], ['# title', 'mkd']);
    assert.deepEqual(values.slice(8), [[1, 'a'], { 1: 'one', two: [2] }, ['x', 'y']]);
    assert.deepEqual(ts[10]!.response!['attributes'], { ttl: 5 });
  });

  it('follows MULTI and EXEC, and shows RESP2 nulls', () => {
    const ts = run([
      c(1, R.seq(R.command('MULTI'), R.command('GET', 'a'), R.command('LPOP', 'q'), R.command('EXEC'))),
      s(2, R.seq(R.simple('OK'), R.simple('QUEUED'), R.simple('QUEUED'), R.array(R.bulk(null), R.nullArray()))),
      close(3),
    ]);
    assert.deepEqual(ts.map(line), ['MULTI -> OK', 'GET a -> QUEUED', 'LPOP q -> QUEUED', 'EXEC -> array 2']);
    assert.deepEqual(ts[3]!.response!['value'], [null, null]);
  });

  it('counts an error reply as one: status error, with its text', () => {
    const [t] = run([c(1, R.command('LPUSH', 'k', 'x')), s(2, R.error('WRONGTYPE Operation against a key holding the wrong kind of value')), close(3)]);
    assert.deepEqual(t!.response, { status: 'error', type: 'error', error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
    assert.equal(t!.malformed, undefined);
  });
});

describe('Redis stream: pub/sub, MONITOR, CLIENT REPLY', () => {
  const confirm = (kind: string, channel: string | null, n: number): Buffer => R.array(R.bulk(kind), R.bulk(channel), R.integer(n));

  it('RESP2: gathers the confirmations of each channel, shows messages alone, waits for every subscription an UNSUBSCRIBE ends', () => {
    const ts = run([
      c(1, R.command('SUBSCRIBE', 'a', 'b')),
      s(2, R.seq(confirm('subscribe', 'a', 1), confirm('subscribe', 'b', 2))),
      s(3, R.array(R.bulk('message'), R.bulk('a'), R.bulk('hi'))),
      c(4, R.command('PING')),
      s(5, R.array(R.bulk('pong'), R.bulk(''))),
      c(6, R.command('UNSUBSCRIBE')),
      s(7, confirm('unsubscribe', 'a', 1)),
      s(8, confirm('unsubscribe', 'b', 0)),
      c(9, R.command('LRANGE', 'l', '0', '-1')),
      s(10, R.array(R.bulk('message'), R.bulk('x'), R.bulk('y'))),
      close(11),
    ]);
    assert.deepEqual(ts.map(line), [
      'SUBSCRIBE a -> subscribe a (1), subscribe b (2)',
      'message a: "hi"',
      'PING -> array 2',
      'UNSUBSCRIBE -> unsubscribe a (1), unsubscribe b (0)',
      // Not subscribed any more: an array that starts with "message" is LRANGE's reply.
      'LRANGE l -> array 3',
    ]);
    assert.deepEqual(ts[0]!.response!['confirmations'], [{ kind: 'subscribe', channel: 'a', count: 1 }, { kind: 'subscribe', channel: 'b', count: 2 }]);
    assert.deepEqual([ts[1]!.request, ts[1]!.response!['message'], ts[1]!.summary.path], [null, 'hi', 'a']);
    assert.deepEqual(ts[3]!.responseSize, confirm('unsubscribe', 'a', 1).length + confirm('unsubscribe', 'b', 0).length);
  });

  it('RESP3: confirmations and messages are pushes, between the replies of other commands', () => {
    const ts = run([
      c(1, R.command('SUBSCRIBE', 'news')),
      s(2, R.push(R.bulk('subscribe'), R.bulk('news'), R.integer(1))),
      c(3, R.seq(R.command('GET', 'k'), R.command('PSUBSCRIBE', 'n*'))),
      s(4, R.seq(R.push(R.bulk('message'), R.bulk('news'), R.bulk('1')), R.bulk('v'), R.push(R.bulk('psubscribe'), R.bulk('n*'), R.integer(2)))),
      s(5, R.push(R.bulk('pmessage'), R.bulk('n*'), R.bulk('news'), R.bulk('2'))),
      close(6),
    ]);
    assert.deepEqual(ts.map(line), ['SUBSCRIBE news -> subscribe news (1)', 'message news: "1"', 'GET k -> "v"', 'PSUBSCRIBE n* -> psubscribe n* (2)', 'pmessage n* news: "2"']);
    assert.deepEqual([ts[4]!.response!['pattern'], ts[4]!.response!['channel'], ts[4]!.response!['message']], ['n*', 'news', '2']);
  });

  it('MONITOR: after its OK, every line the server streams is an entry of its own', () => {
    const ts = run([c(1, R.command('MONITOR')), s(2, R.simple('OK')), s(3, R.simple('1700000000.000001 [0 10.0.0.1:5000] "GET" "k"')), close(4)]);
    assert.deepEqual(ts.map(line), ['MONITOR -> OK', 'monitor 1700000000.000001 [0 10.0.0.1:5000] "GET" "k"']);
    assert.equal(ts[1]!.response!['kind'], 'monitor');
  });

  it('CLIENT REPLY OFF and SKIP: commands that get no reply are emitted at once, and do not take the replies of others', () => {
    const ts = run([
      c(1, R.seq(R.command('CLIENT', 'REPLY', 'OFF'), R.command('SET', 'a', '1'), R.command('CLIENT', 'REPLY', 'ON'))),
      s(2, R.simple('OK')),
      c(3, R.seq(R.command('CLIENT', 'REPLY', 'SKIP'), R.command('SET', 'b', '2'), R.command('GET', 'b'))),
      s(4, R.bulk('2')),
      close(5),
    ]);
    assert.deepEqual(ts.map(line), ['CLIENT REPLY -> (no reply asked)', 'SET a -> (no reply asked)', 'CLIENT REPLY -> OK', 'CLIENT REPLY -> (no reply asked)', 'SET b -> (no reply asked)', 'GET b -> "2"']);
  });
});

describe('Redis stream: inline commands', () => {
  it('splits words as Redis does: quotes, escapes, blank lines skipped', () => {
    const ts = run([c(1, 'PING\r\n\r\nSET k "a b\\x41\\n" \'it\\\'s\'\nGET k\r\n'), s(2, R.seq(R.simple('PONG'), R.simple('OK'), R.bulk('a bA\n'))), close(3)]);
    assert.deepEqual(ts.map(line), ['PING -> PONG', 'SET k -> OK', 'GET k -> "a bA\\n"']);
    assert.deepEqual(ts[1]!.request, { command: 'SET', method: 'SET', key: 'k', path: 'k', argCount: 3, inline: true, args: ['k', 'a bA\n', "it's"] });
  });

  it('an inline command with unbalanced quotes is malformed, and answered by the protocol error', () => {
    const ts = run([c(1, 'SET k "abc\r\n'), s(2, R.error('ERR Protocol error: unbalanced quotes in request')), end(1, 3), close(4)]);
    assert.deepEqual(ts.map(line), ['SET k -> ERR Protocol error: unbalanced quotes in request [DIS_ERR_SYNTAX]']);
  });
});

describe('Redis stream: losses', () => {
  it('a gap inside a bulk string costs only its reply', () => {
    const value = 'v'.repeat(5000);
    const reply = R.seq(R.bulk(value), R.integer(1));
    const head = 7; // "$5000\r\n"
    const ts = run([c(1, R.seq(R.command('GET', 'big'), R.command('EXISTS', 'big'))), s(2, reply.subarray(0, head + 2000)), gap(1, 1000, 3), s(4, reply.subarray(head + 3000)), close(5)]);
    assert.deepEqual(ts.map(line), [`GET big -> "${'v'.repeat(60)}..." (5000 B) [DIS_ERR_GAP]`, 'EXISTS big -> 1']);
    assert.deepEqual([ts[0]!.response!['truncated'], (ts[0]!.response!['value'] as string).length], [true, 2000]);
  });

  it('commands lost in a gap: the replies that began before the next command seen are theirs', () => {
    const ts = run([
      c(1, R.command('GET', 'a')),
      s(2, R.bulk('1')),
      gap(0, 40, 3),
      s(4, R.simple('OK')),
      s(5, R.integer(3)),
      c(6, R.command('GET', 'b')),
      s(7, R.bulk('2')),
      close(8),
    ]);
    assert.deepEqual(ts.map(line), ['GET a -> "1"', '(lost request) -> OK [DIS_ERR_GAP]', '(lost request) -> 3 [DIS_ERR_GAP]', 'GET b -> "2"']);
  });

  it('replies lost in a gap: the next reply answers the latest command sent before it', () => {
    const ts = run([
      c(1, R.command('GET', 'a')),
      c(2, R.command('GET', 'b')),
      c(3, R.command('GET', 'c')),
      s(4, R.bulk('1')),
      gap(1, 30, 5),
      s(6, R.bulk('3')),
      close(7),
    ]);
    assert.deepEqual(ts.map(line), ['GET a -> "1"', 'GET b -> no response [DIS_ERR_GAP]', 'GET c -> "3"']);
  });

  it('a gap in the middle of a reply: what was read of it; commands found after a loss on the client\'s side; the reply after the loss answers the latest', () => {
    const reply = R.array(R.bulk('x'), R.bulk('y'), R.bulk('z'));
    const ts = run([
      c(1, R.command('LRANGE', 'l', '0', '-1')),
      s(2, reply.subarray(0, 11)),
      gap(1, 20, 3),
      gap(0, 5, 4),
      c(5, R.seq(Buffer.from('rbage\r\n'), R.command('PING'))),
      c(6, R.command('ECHO', 'hi')),
      s(7, R.bulk('hi')),
      close(8),
    ]);
    assert.deepEqual(ts.map(line), ['LRANGE l -> array 3 [DIS_ERR_GAP]', 'PING -> no response [DIS_ERR_GAP]', 'ECHO -> "hi"']);
    assert.deepEqual(ts[0]!.response!['value'], ['x']);
  });

  it('a command that breaks RESP is malformed; the next command is found after it', () => {
    const ts = run([
      c(1, R.command('GET', 'a')),
      s(2, R.bulk('1')),
      c(3, R.seq(Buffer.from('*2\r\n:1\r\n$1\r\na\r\n'), R.command('PING'))),
      s(4, R.error("ERR Protocol error: expected '$', got ':'")),
      close(5),
    ]);
    assert.deepEqual(ts.map(line), ['GET a -> "1"', "(malformed command) -> ERR Protocol error: expected '$', got ':' [DIS_ERR_SYNTAX]", 'PING -> no response [DIS_ERR_NO_RESPONSE]']);
  });
});

describe('Redis stream: time and ends', () => {
  it('a command without a reply past the timeout is emitted, keeps its place, and its late reply is shown alone', () => {
    const ts = run([c(1, R.command('BLPOP', 'q', '0')), tick(40_000), c(50_000, R.command('GET', 'x')), s(50_001, R.seq(R.array(R.bulk('q'), R.bulk('v')), R.bulk(null))), close(50_002)]);
    assert.deepEqual(ts.map(line), ['BLPOP q -> no response [DIS_ERR_NO_RESPONSE]', '(no request) -> array 2 [DIS_ERR_NO_REQUEST]', 'GET x -> (nil)']);
    assert.deepEqual(ts[1]!.summary, { text: '(no request) -> array 2', method: 'BLPOP', path: 'q' });
  });

  it('the server closing the connection ends the wait; a reply cut by the end is truncated', () => {
    assert.deepEqual(run([c(1, R.command('GET', 'a')), end(1, 2), close(3)]).map(line), ['GET a -> no response [DIS_ERR_NO_RESPONSE]']);
    assert.deepEqual(run([c(1, R.command('GET', 'a')), s(2, '$10\r\nabc'), end(1, 3), close(4)]).map(line), ['GET a -> "abc..." (10 B) [DIS_ERR_TRUNCATED]']);
  });

  it('a reply no command waits for is shown alone', () => {
    // The capture began after the command: the reply comes first (detection needs the client's bytes).
    const ts = replay(redis, [c(1, R.command('PING')), s(2, R.seq(R.simple('PONG'), R.simple('OK'))), close(3)]).transactions;
    assert.deepEqual(ts.map(line), ['PING -> PONG', '(no request) -> OK [DIS_ERR_NO_REQUEST]']);
  });
});

describe('Redis stream: bounds', () => {
  it('keeps 256 values of an aggregate and the body cap of a message\'s strings, and says so', () => {
    const many = R.array(...Array.from({ length: 1000 }, (_, i) => R.integer(i)));
    const big = R.bulk('b'.repeat(5000));
    const ts = replayAllSplits(redis, [c(1, R.seq(R.command('LRANGE', 'l', '0', '-1'), R.command('GET', 'g'))), s(2, R.seq(many, big)), close(3)], { bodyCapBytes: 1024 }).transactions;
    assert.deepEqual(ts.map(line), ['LRANGE l -> array 1000', `GET g -> "${'b'.repeat(60)}..." (5000 B)`]);
    assert.deepEqual([(ts[0]!.response!['value'] as unknown[]).length, ts[0]!.response!['truncated'], ts[0]!.response!['length']], [256, true, 1000]);
    assert.deepEqual([(ts[1]!.response!['value'] as string).length, ts[1]!.response!['truncated']], [1024, true]);
  });

  it('refuses values nested deeper than 128, and reads on from the next line that may start a reply', () => {
    const deep = Buffer.from('*1\r\n'.repeat(200) + ':1\r\n');
    const ts = replay(redis, [c(1, R.command('DEBUG', 'NEST')), s(2, deep), close(3)]).transactions;
    // What follows the refused header is 71 nested arrays: one more value, answering nothing.
    assert.deepEqual(ts.map(line), ['DEBUG -> array 1 [DIS_ERR_SYNTAX]', '(no request) -> array 1 [DIS_ERR_NO_REQUEST]']);
  });
});
