/**
 * The MQTT detail view (src/domain/mqtt-detail.ts) on the entries the dissector made from real
 * mosquitto and MQTT.js traffic (fixtures/mqtt): a CONNECT and its CONNACK, a QoS 2 flow's four
 * packets, a refused PUBLISH, a binary payload for the hex view, a SUBSCRIBE's filters, 5.0
 * properties; the feed row; the terms of its clickable values checked by the real filter.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DetailCell } from '../src/domain/detail-table.js';
import { toRow } from '../src/domain/entry-row.js';
import { mqttDetail, type MqttPart } from '../src/domain/mqtt-detail.js';
import { assertTermsSelect, find, golden, texts } from './helpers/fixture-entries.js';

const cells = (parts: MqttPart[]): DetailCell[] => parts.flatMap((p) => [...p.rows.map((r) => r.value), ...p.tables.flatMap((t) => t.rows.flat())]);

describe('MQTT detail view', () => {
  const v5 = golden('mqtt', 'node-v5');

  it('shows a CONNECT with its client, version and user (not the password), and its CONNACK', () => {
    const e = find(v5, 'CONNECT');
    const { parts } = mqttDetail(e);
    assert.deepEqual(parts.map((p) => p.title), ['CONNECT (source)', 'CONNACK (destination)']);
    assert.deepEqual(texts(parts[0]!.rows), { type: 'CONNECT', version: '5.0', 'client id': 'shoal-fixture-v5', 'keep alive': '1 s', 'clean start': 'yes', user: 'shoal', password: '16 B (not shown)' });
    assert.deepEqual(texts(parts[1]!.rows), { type: 'CONNACK', 'session present': 'no', reason: '0 accepted', status: 'ok' });
    assert.deepEqual(parts[0]!.tables.map((t) => t.rows.map((r) => r.map((c) => c.text))), [[['topicAliasMaximum', '10']]]);
    assertTermsSelect(e, cells(parts));
  });

  it("shows a QoS 2 flow's four packets in order, and the payload for the body viewer", () => {
    const e = find(v5, 'PUBLISH sensors/pressure (QoS 2');
    const { parts } = mqttDetail(e);
    assert.deepEqual(parts.map((p) => p.title), ['PUBLISH (source)', 'PUBREC (destination)', 'PUBREL (source)', 'PUBCOMP (destination)']);
    assert.deepEqual(texts(parts[0]!.rows), { type: 'PUBLISH', 'packet id': String(e.request!['packetId']), 'client id': 'shoal-fixture-v5', topic: 'sensors/pressure', QoS: '2', payload: '8 B' });
    assert.deepEqual(parts[0]!.body, { bodySize: 8, body: '1013 hPa' });
    assertTermsSelect(e, cells(parts));
  });

  it('shows a refused PUBLISH with the reason, filtering on its code and status; a binary payload as base64 for the hex view', () => {
    const refused = find(v5, 'PUBLISH secret/plans');
    const answer = mqttDetail(refused).parts[1]!;
    assert.deepEqual(texts(answer.rows), { type: 'PUBACK', 'packet id': String(refused.response!['packetId']), reason: '135 not authorized', status: 'error' });
    assertTermsSelect(refused, cells(mqttDetail(refused).parts));
    const binary = mqttDetail(find(v5, 'PUBLISH sensors/humidity')).parts[0]!;
    assert.deepEqual([binary.body!.bodyEncoding, binary.body!.body], ['base64', 'AAH+/w==']);
  });

  it("shows a SUBSCRIBE's filters and its SUBACK's codes", () => {
    const { parts } = mqttDetail(find(v5, 'SUBSCRIBE'));
    assert.deepEqual(parts[0]!.tables[0]!.rows.map((r) => r.map((c) => c.text)), [['sensors/#', '2', '—']]);
    assert.deepEqual(parts[1]!.tables[0]!.rows.map((r) => r.map((c) => c.text)), [['1', '2', 'granted QoS 2']]);
  });

  it('gives a feed row the type, the topic and, apart, the QoS, size and answer', () => {
    const row = toRow(find(v5, 'PUBLISH sensors/pressure (QoS 2'));
    assert.deepEqual([row.method, row.text, row.outcome], ['PUBLISH', 'sensors/pressure', '(QoS 2, 8 B) -> PUBREC, PUBREL, PUBCOMP']);
    const ping = toRow(find(v5, 'PINGREQ'));
    assert.deepEqual([ping.method, ping.text, ping.outcome], ['PINGREQ', '', '-> PINGRESP']);
  });
});
