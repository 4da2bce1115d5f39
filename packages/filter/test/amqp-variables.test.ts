/**
 * The AMQP variables (KFL2's `amqp_method`, `amqp_summary`, `amqp_request`, `amqp_response`,
 * `amqp_request_length`, `amqp_response_length`, `amqp_total_size`, and `amqp_exchange`,
 * `amqp_queue`, `amqp_routing_key`) on entries the dissector made from real traffic, and their
 * zero values on every other kind of entry.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import { isErrorEntry } from '@shoal/model';
import { compileFilter } from '@shoal/filter';
import * as AQ from './amqp-entries.js';
import * as E from './entries.js';
import * as MQ from './mqtt-entries.js';

function check(entry: Entry, filter: string, expected: boolean): void {
  const f = compileFilter(filter);
  assert.equal(f.matches(entry), expected, `${filter} on ${entry.summary.text}`);
  assert.equal(f.errorCount, 0, `${filter}: ${f.lastError?.error.message ?? ''}`);
}

describe('AMQP variables', () => {
  it('amqp_method, amqp_exchange, amqp_routing_key, amqp_queue: the opening method and what it names', () => {
    check(AQ.publish(), 'amqp && amqp_method == "basic.publish" && amqp_exchange == "shoal.events" && amqp_routing_key == "task.new" && path == "shoal.events"', true);
    check(AQ.refused(), 'amqp_method == "queue.declare" && amqp_queue == "shoal.missing" && amqp_exchange == ""', true);
  });

  it('amqp_request, amqp_response, sizes, amqp_summary; a refusal is an error', () => {
    check(AQ.autoDelivery(), 'amqp_request && !amqp_response && amqp_response_length == 0', true);
    check(AQ.largeDelivery(), 'amqp_request_length > 100000 && amqp_total_size == amqp_request_length + amqp_response_length && response.method == "basic.reject"', true);
    check(AQ.refused(), 'amqp_summary.contains("404 NOT_FOUND") && response.status == "error"', true);
    assert.equal(isErrorEntry(AQ.refused()), true);
    assert.equal(isErrorEntry(AQ.publish()), false);
  });

  it('are zero values on other entries, without evaluation errors', () => {
    const zero = 'amqp_method == "" && amqp_summary == "" && !amqp_request && !amqp_response && amqp_request_length == 0 && amqp_response_length == 0 && amqp_total_size == 0 && amqp_exchange == "" && amqp_queue == "" && amqp_routing_key == ""';
    for (const e of [E.plainGet(), E.tcpFlow(), E.udpFlow(), MQ.qos2()]) check(e, zero, true);
  });
});
