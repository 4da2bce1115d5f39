/**
 * The AMQP detail view (src/domain/amqp-detail.ts) on the entries the dissector made from real
 * RabbitMQ and amqplib traffic (fixtures/amqp): a confirmed publish with its properties and JSON
 * body, a refusal by channel.close, a binary delivery for the hex view, the broker's handshake;
 * the feed row; the terms of its clickable values checked by the real filter.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { amqpDetail, type AmqpPart } from '../src/domain/amqp-detail.js';
import type { DetailCell } from '../src/domain/detail-table.js';
import { toRow } from '../src/domain/entry-row.js';
import { assertTermsSelect, find, golden, texts } from './helpers/fixture-entries.js';

const cells = (parts: AmqpPart[]): DetailCell[] => parts.flatMap((p) => p.rows.map((r) => r.value));

describe('AMQP detail view', () => {
  const entries = golden('amqp', 'amqplib');

  it('shows a confirmed publish: its arguments, properties, JSON body, and the broker\'s ack', () => {
    const e = find(entries, 'basic.publish shoal.events');
    const { parts, notes } = amqpDetail(e);
    assert.deepEqual(parts.map((p) => p.title), ['basic.publish (source)', 'basic.ack (destination)']);
    assert.deepEqual(texts(parts[0]!.rows), { method: 'basic.publish', channel: '2', exchange: 'shoal.events', 'routing key': 'task.new', mandatory: 'no', immediate: 'no', body: '30 B' });
    assert.deepEqual(parts[0]!.tables[0]!.rows.map((r) => r.map((c) => c.text)), [['content type', 'application/json'], ['headers', '{"source":"fixtures","attempt":1}'], ['delivery mode', '2'], ['message id', 'task-1']]);
    assert.deepEqual(parts[0]!.body, { bodySize: 30, headers: { 'content-type': 'application/json' }, body: '{"id":1,"task":"resize image"}' });
    assert.deepEqual(texts(parts[1]!.rows), { method: 'basic.ack', channel: '2', 'delivery tag': '1', multiple: 'no', status: 'ok' });
    assert.deepEqual(notes, []);
    assertTermsSelect(e, cells(parts));
  });

  it('shows a refusal: the channel.close answering the method, an error by status', () => {
    const e = find(entries, 'queue.declare shoal.missing');
    const answer = amqpDetail(e).parts[1]!;
    assert.deepEqual(texts(answer.rows), { method: 'channel.close', channel: '3', 'reply code': '404', 'reply text': "NOT_FOUND - no queue 'shoal.missing' in vhost '/'", 'class id': '50', 'method id': '10', status: 'error' });
    assertTermsSelect(e, cells(amqpDetail(e).parts));
  });

  it("gives a binary delivery's body to the hex view, and shows the broker's handshake with its properties table", () => {
    const binary = amqpDetail(find(entries, 'basic.deliver shoal.tasks (4 B)')).parts[0]!;
    assert.deepEqual([binary.body!.bodyEncoding, binary.body!.body, binary.title], ['base64', 'AAH+/w==', 'basic.deliver (source)']);
    const start = amqpDetail(find(entries, 'connection.start')).parts[0]!;
    assert.ok(start.tables.some((t) => t.key === 'serverProperties' && t.rows.some((r) => r[0]!.text === 'product' && r[1]!.text === 'RabbitMQ')));
  });

  it('gives a feed row the method, what it names and, apart, the size and answer', () => {
    const row = toRow(find(entries, 'basic.publish shoal.events'));
    assert.deepEqual([row.method, row.text, row.outcome], ['basic.publish', 'shoal.events', '(30 B) -> basic.ack']);
    const cancel = toRow(find(entries, 'basic.cancel'));
    assert.deepEqual([cancel.text, cancel.outcome], ['', '-> basic.cancel-ok']);
  });
});
