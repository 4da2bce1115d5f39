/**
 * The MQTT variables (`mqtt_type`, `mqtt_topic`, `mqtt_qos`, `mqtt_client_id`,
 * `mqtt_reason_code`, `mqtt_payload`) on entries the dissector made from real traffic, and their
 * zero values on every other kind of entry.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import { compileFilter } from '@shoal/filter';
import { isErrorEntry } from '@shoal/model';
import * as E from './entries.js';
import * as MQ from './mqtt-entries.js';
import * as RE from './redis-entries.js';

function check(entry: Entry, filter: string, expected: boolean): void {
  const f = compileFilter(filter);
  assert.equal(f.matches(entry), expected, `${filter} on ${entry.summary.text}`);
  assert.equal(f.errorCount, 0, `${filter}: ${f.lastError?.error.message ?? ''}`);
}

describe('MQTT variables', () => {
  it('mqtt_type, mqtt_topic, mqtt_qos and mqtt_payload: the packet that opened the exchange', () => {
    check(MQ.qos2(), 'mqtt && mqtt_type == "PUBLISH" && mqtt_topic == "sensors/pressure" && mqtt_qos == 2 && mqtt_payload == "1013 hPa"', true);
    check(MQ.binary(), 'mqtt_payload == "" && mqtt_qos == 1', true);
    check(MQ.subscribe(), 'mqtt_type == "SUBSCRIBE" && mqtt_topic == "sensors/#" && mqtt_qos == -1 && path == "sensors/#"', true);
    check(MQ.ping(), 'mqtt_type == "PINGREQ" && mqtt_topic == ""', true);
  });

  it('mqtt_client_id on every exchange of the connection, mqtt_reason_code of the answer', () => {
    check(MQ.connect(), 'mqtt_client_id == "shoal-fixture-v5" && mqtt_reason_code == 0', true);
    check(MQ.qos2(), 'mqtt_client_id == "shoal-fixture-v5" && mqtt_reason_code == -1', true);
    check(MQ.refused(), 'mqtt_reason_code == 135 && response.status == "error"', true);
    assert.equal(isErrorEntry(MQ.refused()), true);
  });

  it('are zero values on other entries, without evaluation errors', () => {
    const zero = 'mqtt_type == "" && mqtt_topic == "" && mqtt_qos == -1 && mqtt_client_id == "" && mqtt_reason_code == -1 && mqtt_payload == ""';
    for (const e of [E.plainGet(), E.tcpFlow(), E.udpFlow(), RE.set()]) check(e, zero, true);
  });
});
