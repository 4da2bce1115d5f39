/**
 * The Kafka detail view (src/domain/kafka-detail.ts) on the entries the dissector made from real
 * kcat traffic against the fixture responder (fixtures/kafka): the API and ids, topics and groups,
 * records, errors with where they were, the decoded bodies, what did not come; and the terms of
 * its clickable values checked by the real filter.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toRow } from '../src/domain/entry-row.js';
import { kafkaDetail } from '../src/domain/kafka-detail.js';
import { assertTermsSelect, find, golden, texts } from './helpers/fixture-entries.js';

describe('Kafka detail view', () => {
  const produce = golden('kafka', 'produce');
  const error = golden('kafka', 'error');

  it('shows a Produce request with its API, ids, acks and records, and the topic it writes to', () => {
    const [req, res] = kafkaDetail(find(produce, 'Produce v7 orders (400 records)'));
    const rows = texts(req!.rows);
    assert.equal(rows['API'], 'Produce (key 0) v7');
    assert.equal(rows['client id'], 'shoal-fixture');
    assert.equal(rows['acks'], '-1 (all in-sync replicas)');
    assert.equal(rows['records'], '400 records in 1 batch');
    assert.deepEqual(req!.tables.map((t) => [t.key, t.rows.map((r) => r[0]!.text)]), [['topics', ['orders']]]);
    const body = JSON.parse(req!.body!.body!) as { topicData: Array<{ partitionData: Array<{ records: { keys: string[] } }> }> };
    assert.deepEqual(body.topicData[0]!.partitionData[0]!.records.keys.slice(0, 2), ['key-1', 'key-2']);
    assert.equal(texts(res!.rows)['status'], 'ok');
  });

  it('shows an error with its name and code, and the topic and partition it is about', () => {
    const [, res] = kafkaDetail(find(error, 'Produce v7 locked'));
    assert.equal(texts(res!.rows)['error'], 'TOPIC_AUTHORIZATION_FAILED (29)');
    assert.deepEqual(res!.tables[0]!.rows.map((r) => r.map((c) => c.text)), [['TOPIC_AUTHORIZATION_FAILED', '29', 'locked', '0']]);
  });

  it('says what did not come: acks 0 asks for no response', () => {
    const sides = kafkaDetail(find(produce, 'Produce v7 orders (1 record) -> no response (acks 0)'));
    assert.equal(sides.length, 1);
    assert.equal(texts(sides[0]!.rows)['acks'], '0 (no response)');
    assert.deepEqual(sides[0]!.notes, []);
  });

  it('filters on what it shows: each clickable value keeps its entry', () => {
    for (const e of [find(produce, 'Produce v7 orders (400 records)'), find(error, 'Metadata v4 missing')]) {
      const cells = kafkaDetail(e).flatMap((s) => [...s.rows.map((r) => r.value), ...s.tables.flatMap((t) => t.rows.flat())]);
      assertTermsSelect(e, cells);
    }
  });

  it('gives a feed row the API as method, the topic as text, and what came back as outcome', () => {
    const row = toRow(find(error, 'Produce v7 locked'));
    assert.deepEqual([row.method, row.text, row.outcome], ['Produce', 'locked', 'TOPIC_AUTHORIZATION_FAILED']);
    assert.equal(toRow(find(produce, 'ApiVersions v3')).outcome, 'ok');
  });
});
