/**
 * Kafka golden captures: every capture under test/fixtures/kafka/ (made by
 * fixtures/generate-kafka.sh: kcat, a real client, against servers/kafka-responder.mjs, whose
 * answers @platformatic/kafka's encoder writes, on a 1500-MTU veth pair) is dissected with the
 * default engine and compared with `<name>.expected.json` beside it (`UPDATE_GOLDEN=1` rewrites
 * them: read their diff). Then independent checks: what a person read in the capture and the
 * generator (REVIEWED), tshark's view of every request and response (run here, on the same
 * file), the first kilobytes of each connection cut at every position, and the same entries when
 * the network's segments are cut smaller.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Entry } from '@shoal/model';
import { kafka } from '../dist/protocols/kafka/index.js';
import { readCapture, resegment } from './helpers/capture-rewrite.js';
import { connections, firstBytes } from './helpers/connection-scripts.js';
import { dissectFile, dissectPackets } from './helpers/dissect-capture.js';
import { goldenCaptures } from './helpers/golden-captures.js';
import { replayAllSplits } from './helpers/split-replay.js';
import { asSummaryDetail } from './helpers/summary-detail.js';
import { rankedStreams } from './helpers/ranked-streams.js';
import { ourKafka, tsharkKafka } from './helpers/tshark-kafka.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/kafka/', import.meta.url));

const line = (e: Entry): string => e.summary.text + (e.malformed !== undefined ? ` [${e.malformed.code}]` : '');

/**
 * What each capture holds, read from the generator and the peers: the entries' summaries in order.
 * kcat (librdkafka 2.0) asks ApiVersions v3 (flexible) first on each connection, then Metadata
 * v4, Produce v7, Fetch v11 (not flexible); @platformatic/kafka (`flexible`) asks Metadata v12 and
 * Produce v9 (flexible). A consumer's last Fetch is still held by the broker when it leaves: no
 * response. How often librdkafka refreshes metadata, and how many heartbeats and empty fetches a
 * group makes, depends on timing: the summaries are compared once each, in the order they first
 * appear.
 */
const REVIEWED: Record<string, string[]> = {
  metadata: [
    'ApiVersions v3 -> ok',
    'Metadata v4 -> ok',
    'Metadata v4 orders, events +1 more -> ok',
    'Metadata v4 orders -> ok',
  ],
  produce: [
    'ApiVersions v3 -> ok',
    'Metadata v4 orders -> ok',
    'Produce v7 orders (3 records) -> ok',
    'Metadata v4 -> ok',
    'Produce v7 orders (400 records) -> ok',
    'Produce v7 orders (1 record) -> no response (acks 0)',
  ],
  fetch: [
    'ApiVersions v3 -> ok',
    'Metadata v4 orders -> ok',
    'ListOffsets v2 orders -> ok',
    'Fetch v11 orders -> 407 records',
    'Fetch v11 orders -> ok',
    'Fetch v11 orders -> no response [DIS_ERR_NO_RESPONSE]',
    'Metadata v4 events -> ok',
    'ListOffsets v2 events -> ok',
    'Fetch v11 events -> 4 records',
    'Fetch v11 events -> ok',
    'Fetch v11 events -> no response [DIS_ERR_NO_RESPONSE]',
  ],
  group: [
    'ApiVersions v3 -> ok',
    'Metadata v4 -> ok',
    'FindCoordinator v2 shop-consumers -> ok',
    'Metadata v4 orders -> ok',
    'JoinGroup v5 shop-consumers -> MEMBER_ID_REQUIRED',
    'JoinGroup v5 shop-consumers -> ok',
    'SyncGroup v3 shop-consumers -> ok',
    'Heartbeat v3 shop-consumers -> ok',
    'ListOffsets v2 orders -> ok',
    'Fetch v11 orders -> 407 records',
    'Fetch v11 orders -> ok',
    'OffsetCommit v7 orders -> ok',
    'LeaveGroup v1 shop-consumers -> ok',
    'Fetch v11 orders -> no response [DIS_ERR_NO_RESPONSE]',
  ],
  error: [
    'ApiVersions v3 -> ok',
    'Metadata v4 missing -> UNKNOWN_TOPIC_OR_PARTITION',
    'Metadata v4 locked -> ok',
    'Produce v7 locked (1 record) -> TOPIC_AUTHORIZATION_FAILED',
  ],
  flexible: [
    'ApiVersions v3 -> ok',
    'Metadata v12 orders -> ok',
    'Produce v9 orders (3 records) -> ok',
    'Metadata v12 missing -> UNKNOWN_TOPIC_OR_PARTITION',
  ],
};

/** Captures whose messages tshark 4.0 cannot read: it knows Produce up to v8 and Metadata up to v9. */
const BEYOND_TSHARK = new Set(['flexible']);

describe('Kafka golden captures', () => {
  goldenCaptures(FIXTURES, REVIEWED, (name, file, result) => {
    it('holds what a person read in the capture', () => {
      const lines = result().entries.map(line);
      assert.deepEqual([...new Set(lines)], REVIEWED[name]);
    });

    const skip = BEYOND_TSHARK.has(name) ? 'tshark 4.0 cannot read these versions (its expert info: "Unsupported Produce version. Supports v0-8")' : false;
    it('agrees with tshark on every request and response: API key, version, correlation id, topics, error codes', { skip }, () => {
      const theirs = tsharkKafka(file);
      assert.ok(theirs.length >= 4, `tshark found ${theirs.length} messages`);
      assert.deepEqual(ourKafka(result().entries).sort(), [...theirs].sort());
    });

    it('gives the same entries in detail summary, without bodies', () => {
      assert.deepStrictEqual(dissectFile(file, { detail: 'summary' }).entries, asSummaryDetail(result().entries));
    });

    it('gives the same entries when every TCP segment is cut into 100-byte pieces', () => {
      assert.deepStrictEqual(rankedStreams(dissectPackets(resegment(readCapture(file), 100)).entries), rankedStreams(result().entries));
    });

    it('gives the same transactions whatever the segmentation of the first kilobyte of each connection', () => {
      for (const script of connections(file)) {
        const out = replayAllSplits(kafka, firstBytes(script, 1024));
        assert.equal(out.unclaimed, false);
        assert.ok(out.transactions.length >= 1);
      }
    });
  });
});

describe('Kafka captures: what the peers sent, decoded', () => {
  const entries = (name: string): Entry[] => dissectFile(`${FIXTURES}${name}.pcap`).entries;
  const body = (m: Record<string, unknown> | null): Record<string, unknown> => (m?.['body'] ?? {}) as Record<string, unknown>;
  /** The records summaries of every partition of a Produce request or Fetch response body. */
  const recordSets = (m: Record<string, unknown> | null): Record<string, unknown>[] => {
    const b = body(m);
    const topics = (b['topicData'] ?? b['responses'] ?? []) as Array<Record<string, unknown>>;
    return topics.flatMap((t) => ((t['partitionData'] ?? t['partitions'] ?? []) as Array<Record<string, unknown>>).map((p) => p['records'] as Record<string, unknown>));
  };

  it('produce: the keys kcat sent, uncompressed and gzip, the large batch, and acks 0 without a response', () => {
    const produced = entries('produce').filter((e) => e.summary.method === 'Produce');
    const sets = produced.map((e) => recordSets(e.request)[0]!);
    assert.deepEqual(sets.map((r) => [r['compression'], r['count']]), [['none', 3], ['gzip', 3], ['none', 400], ['none', 1]]);
    assert.deepEqual(sets[1]!['keys'], ['key-1', 'key-2', 'key-3']);
    assert.deepEqual((sets[2]!['keys'] as string[]).slice(0, 2), ['key-1', 'key-2']);
    assert.ok((produced[2]!.requestSize) > 30_000, 'the large produce crossed many segments');
    assert.equal(produced[3]!.request?.['acks'], 0);
    assert.equal(produced[3]!.response, null);
    assert.equal(produced[3]!.malformed, undefined);
  });

  it('fetch: what was produced comes back, and the gzip batch the responder built with @platformatic/kafka', () => {
    const fetched = entries('fetch').filter((e) => e.summary.method === 'Fetch' && (e.response?.['records'] as { count: number } | undefined)?.count);
    const [orders, events] = fetched.map((e) => recordSets(e.response)[0]!);
    assert.equal(orders!['count'], 407);
    assert.deepEqual(events!['keys'], ['order-1', 'order-2', 'order-3', 'order-4']);
    assert.equal(events!['compression'], 'gzip');
  });

  it('error: the error codes in words, with the topic they are about', () => {
    const errs = entries('error').flatMap((e) => (e.response?.['errors'] as unknown[] | undefined) ?? []);
    assert.deepEqual(errs, [
      { code: 3, name: 'UNKNOWN_TOPIC_OR_PARTITION', topic: 'missing' },
      { code: 3, name: 'UNKNOWN_TOPIC_OR_PARTITION', topic: 'missing' },
      { code: 29, name: 'TOPIC_AUTHORIZATION_FAILED', topic: 'locked', partition: 0 },
    ]);
    const refused = entries('error').find((e) => e.summary.method === 'Produce')!;
    assert.equal(refused.response?.['status'], 'error');
    // Produce v7 has no error message field (v8 added it).
    assert.equal(refused.response?.['errorMessage'], undefined);
  });

  it('flexible: header v2, compact strings and tagged fields of @platformatic/kafka read to the end', () => {
    const [, metadata, produce] = entries('flexible');
    assert.equal(metadata!.request?.['headerVersion'], 2);
    assert.equal(produce!.request?.['headerVersion'], 2);
    for (const e of entries('flexible')) {
      assert.equal(e.request?.['decodeError'], undefined, e.summary.text);
      assert.equal(e.response?.['decodeError'], undefined, e.summary.text);
    }
    assert.deepEqual(recordSets(produce!.request)[0]!['keys'], ['js-1', 'js-2', 'js-3']);
    assert.equal(produce!.request?.['clientId'], 'shoal-fixture-js');
  });
});
