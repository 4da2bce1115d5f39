/**
 * The Kafka variables (KFL2's `kafka_*`) on entries the dissector made from real traffic (kcat
 * against the fixture responder: packages/dissect/test/fixtures/kafka/*.expected.json, made by
 * generate-kafka.sh), and their zero values on every other kind of entry.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import { compileFilter } from '@shoal/filter';
import * as D from './dns-entries.js';
import * as E from './entries.js';
import { fixtureEntries } from './fixture-entries.js';

/** The entry of `capture` whose summary starts with `summary`. */
function pick(capture: string, summary: string): Entry {
  const e = fixtureEntries('kafka', capture).find((x) => x.summary.text.startsWith(summary));
  if (!e) throw new Error(`fixture kafka/${capture} has no entry "${summary}"`);
  return e;
}

function check(entry: Entry, filter: string, expected: boolean): void {
  const f = compileFilter(filter);
  assert.equal(f.matches(entry), expected, `${filter} on ${entry.summary.text}`);
  assert.equal(f.errorCount, 0, `${filter}: ${f.lastError?.error.message ?? ''}`);
}

describe('Kafka variables', () => {
  const produce = (): Entry => pick('produce', 'Produce v7 orders (400 records)');
  const unknownTopic = (): Entry => pick('error', 'Metadata v4 missing');
  const join = (): Entry => pick('group', 'JoinGroup v5 shop-consumers -> MEMBER_ID_REQUIRED');
  const fetch = (): Entry => pick('fetch', 'Fetch v11 orders -> 407 records');

  it('the request header: API key, its name and version, correlation id, client id', () => {
    check(produce(), 'kafka && kafka_api_key == 0 && kafka_api_key_name == "Produce" && kafka_api_version == 7', true);
    check(produce(), 'kafka_client_id == "shoal-fixture" && kafka_correlation_id > 0', true);
    check(produce(), 'method == "Produce" && path == "orders"', true);
  });

  it('topics, groups and records', () => {
    check(produce(), '"orders" in kafka_topics && kafka_record_count == 400', true);
    check(fetch(), 'kafka_record_count == 407 && kafka_error == "NONE"', true);
    check(join(), '"shop-consumers" in kafka_groups && size(kafka_topics) == 0', true);
  });

  it('errors: the code and its name', () => {
    check(unknownTopic(), 'kafka_error_code == 3 && kafka_error == "UNKNOWN_TOPIC_OR_PARTITION" && "missing" in kafka_topics', true);
    check(join(), 'kafka_error == "MEMBER_ID_REQUIRED"', true);
    check(produce(), 'kafka_error_code != 0', false);
  });

  it('are zero values on other entries, without evaluation errors', () => {
    const zero = 'kafka_api_key == -1 && kafka_api_key_name == "" && kafka_api_version == 0 && kafka_correlation_id == 0 && kafka_client_id == "" && ' +
      'size(kafka_topics) == 0 && size(kafka_groups) == 0 && kafka_error_code == 0 && kafka_error == "" && kafka_record_count == 0';
    for (const e of [E.plainGet(), E.notFound(), E.tcpFlow(), E.udpFlow(), D.cnameA()]) check(e, zero, true);
  });
});
