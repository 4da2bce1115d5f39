/**
 * AMQP 0-9-1 golden captures: every capture under test/fixtures/amqp/ (made by
 * fixtures/generate-amqp.sh: Debian's rabbitmq-server and amqplib, on a 1500-MTU veth pair) is
 * dissected with the default engine and compared with `<name>.expected.json` beside it
 * (`UPDATE_GOLDEN=1` rewrites them: read their diff). Then independent checks: what a person read
 * in the client's script (REVIEWED, which a wrong golden cannot satisfy), tshark's view of every
 * method (run here, on the same file), the same entries in detail `summary` and when the
 * network's segments are cut smaller, and the first kilobyte of the connection cut at every
 * position.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Entry } from '@shoal/model';
import { amqp } from '../dist/protocols/amqp/index.js';
import { readCapture, resegment } from './helpers/capture-rewrite.js';
import { connections, firstBytes } from './helpers/connection-scripts.js';
import { dissectFile, dissectPackets } from './helpers/dissect-capture.js';
import { goldenCaptures } from './helpers/golden-captures.js';
import { replayAllSplits } from './helpers/split-replay.js';
import { asSummaryDetail } from './helpers/summary-detail.js';
import { rankedStreams } from './helpers/ranked-streams.js';
import { ourMethods, tsharkMethods } from './helpers/tshark-amqp.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/amqp/', import.meta.url));
const MISSING = "404 NOT_FOUND - no queue 'shoal.missing' in vhost '/'";

/** What clients/amqp-client.mjs does, in order, as entries. */
const REVIEWED: Record<string, string[]> = {
  amqplib: [
    // The broker opens the handshake (those exchanges' source is the broker).
    'connection.start -> connection.start-ok',
    'connection.tune -> connection.tune-ok',
    'connection.open / -> connection.open-ok',
    'channel.open -> channel.open-ok',
    'exchange.declare shoal.events -> exchange.declare-ok',
    'queue.declare shoal.tasks -> queue.declare-ok (0 messages, 0 consumers)',
    'queue.declare shoal.auto -> queue.declare-ok (0 messages, 0 consumers)',
    'queue.bind shoal.tasks -> queue.bind-ok',
    // The confirm channel: its publish acknowledged by the broker.
    'channel.open -> channel.open-ok',
    'confirm.select -> confirm.select-ok',
    'basic.publish shoal.events (30 B) -> basic.ack',
    'basic.publish shoal.tasks (4 B)',
    'basic.publish shoal.tasks (100000 B)',
    'basic.consume shoal.tasks -> basic.consume-ok',
    'basic.deliver shoal.events (30 B) -> basic.ack',
    'basic.deliver shoal.tasks (4 B) -> basic.ack',
    'basic.deliver shoal.tasks (100000 B) -> basic.reject',
    'basic.cancel -> basic.cancel-ok',
    'basic.publish shoal.auto (15 B)',
    'basic.consume shoal.auto -> basic.consume-ok',
    // A consumer without acks: its delivery is an exchange alone.
    'basic.deliver shoal.auto (15 B)',
    'basic.cancel -> basic.cancel-ok',
    'basic.publish shoal.tasks (17 B)',
    'basic.get shoal.tasks -> basic.get-ok (17 B)',
    'basic.ack',
    'basic.get shoal.tasks -> basic.get-empty',
    'channel.open -> channel.open-ok',
    // The passive declare refused: the broker closes the channel.
    `queue.declare shoal.missing -> channel.close ${MISSING}`,
    `channel.close ${MISSING} -> channel.close-ok`,
    'queue.delete shoal.auto -> queue.delete-ok',
    'queue.delete shoal.tasks -> queue.delete-ok',
    'exchange.delete shoal.events -> exchange.delete-ok',
    'channel.close 200 Goodbye -> channel.close-ok',
    'channel.close 200 Goodbye -> channel.close-ok',
    'connection.close 200 Cheers, thanks -> connection.close-ok',
  ],
};

const line = (e: Entry): string => e.summary.text + (e.malformed !== undefined ? ` [${e.malformed.code}]` : '');
const sorted = (lines: string[]): string[] => [...lines].sort();

describe('AMQP golden captures', () => {
  goldenCaptures(
    FIXTURES,
    REVIEWED,
    (name, file, result) => {
      it('holds what a person read in the client\'s script, in order; the refusal is the one error', () => {
        assert.deepEqual(result().entries.map(line), REVIEWED[name]);
        assert.deepEqual(result().entries.filter((e) => e.response?.['status'] === 'error').map((e) => e.summary.text), [`queue.declare shoal.missing -> channel.close ${MISSING}`]);
        assert.deepEqual([...new Set(result().entries.filter((e) => e.summary.text.startsWith('connection.start') || e.summary.text.startsWith('basic.deliver')).map((e) => e.src.port))], [5672]);
      });

      it('agrees with tshark on every method: sender, channel, name, exchange, queue, routing key, delivery tag, reply code, body size', () => {
        const theirs = tsharkMethods(file);
        assert.ok(theirs.length >= 60, `tshark found ${theirs.length} methods`);
        assert.deepEqual(sorted(ourMethods(result().entries)), sorted(theirs));
      });

      it('gives the same entries in detail summary, without bodies, properties and tables', () => {
        assert.deepStrictEqual(dissectFile(file, { detail: 'summary' }).entries, asSummaryDetail(result().entries));
      });

      it('gives the same entries when every TCP segment is cut into 100-byte pieces', () => {
        assert.deepStrictEqual(rankedStreams(dissectPackets(resegment(readCapture(file), 100)).entries), rankedStreams(result().entries));
      });

      it('gives the same transactions whatever the segmentation of the first kilobyte of the connection', () => {
        for (const script of connections(file)) {
          const out = replayAllSplits(amqp, firstBytes(script, 1024));
          assert.equal(out.unclaimed, false);
          assert.ok(out.transactions.length >= 1);
        }
      });
    },
    { abbreviateBodies: true },
  );
});
