/**
 * The Redis detail view (src/domain/redis-detail.ts) on the entries the dissector made from real
 * redis-server, redis-cli and node-redis traffic (fixtures/redis): the command and its arguments,
 * binary ones as redis-cli writes them, the reply and its value, an error, a SUBSCRIBE's
 * confirmations, a push, an attribute; the terms of its clickable values checked by the real
 * filter.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DetailCell } from '../src/domain/detail-table.js';
import { toRow } from '../src/domain/entry-row.js';
import { redisDetail, type RedisPart } from '../src/domain/redis-detail.js';
import { assertTermsSelect, find, golden, texts } from './helpers/fixture-entries.js';

const cells = (parts: RedisPart[]): DetailCell[] => parts.flatMap((p) => p.rows.map((r) => r.value));

describe('Redis detail view', () => {
  const cli = golden('redis', 'cli');

  it('shows a command with its key and arguments, and its reply with the value for the body viewer', () => {
    const e = find(cli, 'SET user:1');
    const { parts, notes } = redisDetail(e);
    assert.deepEqual(parts.map((p) => p.title), ['Command', 'Reply']);
    assert.deepEqual(texts(parts[0]!.rows), { command: 'SET', key: 'user:1', arguments: '2' });
    assert.deepEqual(parts[0]!.table!.rows.map((r) => r.map((c) => c.text)), [['1', 'user:1'], ['2', 'alice']]);
    assert.deepEqual(texts(parts[1]!.rows), { status: 'ok', type: 'simple string' });
    assert.deepEqual(parts[1]!.value, { body: 'OK' });
    assert.deepEqual(notes, []);
    assertTermsSelect(e, cells(parts));
  });

  it('writes binary arguments as redis-cli does, and gives a binary value to the hex view', () => {
    assert.equal(redisDetail(find(cli, 'SET bin:1')).parts[0]!.table!.rows[1]![1]!.text, '\\x00\\x01\\xfe\\xff binary');
    const reply = redisDetail(find(cli, 'GET bin:1')).parts[1]!;
    assert.deepEqual([texts(reply.rows)['size'], reply.value!.bodyEncoding, reply.value!.bodySize], ['11 B', 'base64', 11]);
  });

  it('shows an error reply with its text, filtering on it (redis_error) and on the status', () => {
    const e = find(cli, 'LPUSH user:1');
    const reply = redisDetail(e).parts[1]!;
    assert.deepEqual(texts(reply.rows), { status: 'error', type: 'error', error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
    assert.equal(reply.value, null);
    assertTermsSelect(e, cells(redisDetail(e).parts));
  });

  it('shows a subscribe with its confirmations, and a published message as a push with its payload', () => {
    const pubsub = golden('redis', 'pubsub-resp2');
    const sub = redisDetail(find(pubsub, 'SUBSCRIBE news'));
    assert.deepEqual(texts(sub.parts[0]!.rows), { command: 'SUBSCRIBE', channel: 'news', arguments: '2' });
    assert.deepEqual(sub.parts[1]!.table!.rows.map((r) => r.map((c) => c.text)), [['subscribe', 'news', '1'], ['subscribe', 'alerts', '2']]);
    const message = find(pubsub, 'message news');
    const push = redisDetail(message);
    assert.deepEqual(push.parts.map((p) => p.title), ['Push']);
    assert.deepEqual(texts(push.parts[0]!.rows), { kind: 'message', type: 'array', size: '3 values', channel: 'news' });
    assert.deepEqual(push.parts[0]!.value, { body: 'hello subscribers' });
    assert.deepEqual(push.notes, ['Pushed by the server: it answers no command.']);
    assertTermsSelect(message, cells(push.parts));
  });

  it('shows RESP3: a map as JSON, a verbatim string with its format, an attribute', () => {
    const resp3 = golden('redis', 'resp3');
    const map = redisDetail(find(resp3, 'HGETALL profile:3')).parts[1]!;
    assert.deepEqual([texts(map.rows)['size'], JSON.parse(map.value!.body!)], ['2 pairs', { name: 'carol', city: 'Porto' }]);
    assert.equal(texts(redisDetail(find(resp3, 'INFO')).parts[1]!.rows)['type'], 'verbatim string (txt)');
    const attributed = redisDetail(find(resp3, 'DEBUG -> "Some real reply following the attribute"')).parts[1]!;
    assert.deepEqual(JSON.parse(attributed.attributes!), { 'key-popularity': ['key:123', 90] });
  });

  it('gives a feed row the command, its key and, apart, the reply (a push: its kind, channel and payload)', () => {
    const row = (e: Parameters<typeof toRow>[0]) => [toRow(e).method, toRow(e).text, toRow(e).outcome];
    assert.deepEqual(row(find(cli, 'GET user:1 ')), ['GET', 'user:1', '"alice"']);
    assert.deepEqual(row(find(cli, 'PING')), ['PING', '', 'PONG']);
    const pubsub = golden('redis', 'pubsub-resp2');
    assert.deepEqual(row(find(pubsub, 'message news')), ['message', 'news', '"hello subscribers"']);
    const monitor = find(pubsub, 'monitor ');
    assert.deepEqual(row(monitor), ['monitor', '', monitor.summary.text.slice('monitor '.length)]);
    assert.deepEqual(row(find(golden('redis', 'resp2'), 'CLIENT SETINFO')), ['CLIENT', '', "ERR unknown subcommand 'SETINFO'. Try CLIENT HELP."]);
  });

  it('says what was not seen or did not come', () => {
    const e = structuredClone(find(cli, 'GET user:1'));
    e.response = null;
    assert.deepEqual(redisDetail(e).notes, ['No reply came.']);
    const lone = structuredClone(find(cli, 'GET user:1'));
    lone.request = null;
    assert.deepEqual(redisDetail(lone).notes, ['The command was not seen.']);
  });
});
