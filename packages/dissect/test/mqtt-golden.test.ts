/**
 * MQTT golden captures: every capture under test/fixtures/mqtt/ (made by
 * fixtures/generate-mqtt.sh: Debian's mosquitto with mosquitto_pub and mosquitto_sub, and MQTT.js,
 * over MQTT 3.1.1 and 5.0, on a 1500-MTU veth pair) is dissected with the default engine and
 * compared with `<name>.expected.json` beside it (`UPDATE_GOLDEN=1` rewrites them: read their
 * diff). Then independent checks: what a person read in the generator and the client's script
 * (REVIEWED, which a wrong golden cannot satisfy), tshark's view of every packet (run here, on the
 * same file), the same entries in detail `summary` and when the network's segments are cut
 * smaller, and the first kilobyte of each connection cut at every position.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Entry } from '@shoal/model';
import { mqtt } from '../dist/protocols/mqtt/index.js';
import { readCapture, resegment } from './helpers/capture-rewrite.js';
import { connections, firstBytes } from './helpers/connection-scripts.js';
import { dissectFile, dissectPackets } from './helpers/dissect-capture.js';
import { goldenCaptures } from './helpers/golden-captures.js';
import { replayAllSplits } from './helpers/split-replay.js';
import { asSummaryDetail } from './helpers/summary-detail.js';
import { rankedStreams } from './helpers/ranked-streams.js';
import { ourPackets, tsharkPackets } from './helpers/tshark-mqtt.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/mqtt/', import.meta.url));

/** What the generator's mosquitto_sub and mosquitto_pub do, over `version` (3.1.1 or 5.0). */
function cli(version: '3.1.1' | '5.0'): string[] {
  const v = version === '5.0' ? 'mqttv5' : 'mqttv311';
  const connect = (id: string) => `CONNECT ${id} (${version}) -> accepted`;
  // 5.0's broker tells the publisher of a retained message nobody subscribes to it.
  const retainedAck = version === '5.0' ? 'PUBACK no matching subscribers' : 'PUBACK';
  return [
    connect(`sub-${v}`),
    'SUBSCRIBE sensors/# -> granted QoS 2',
    connect(`pub-${v}-q0`),
    'PUBLISH sensors/temperature (QoS 0, 4 B)',
    // The broker delivers each message to the subscriber at the QoS of its publication.
    'PUBLISH sensors/temperature (QoS 0, 4 B)',
    'DISCONNECT',
    connect(`pub-${v}-q1`),
    'PUBLISH sensors/humidity (QoS 1, 3 B) -> PUBACK',
    'PUBLISH sensors/humidity (QoS 1, 3 B) -> PUBACK',
    'DISCONNECT',
    connect(`pub-${v}-q2`),
    'PUBLISH sensors/pressure (QoS 2, 8 B) -> PUBREC, PUBREL, PUBCOMP',
    'PUBLISH sensors/pressure (QoS 2, 8 B) -> PUBREC, PUBREL, PUBCOMP',
    'DISCONNECT',
    'DISCONNECT',
    connect(`pub-${v}-retained`),
    `PUBLISH sensors/status (QoS 1, retained, 6 B) -> ${retainedAck}`,
    'DISCONNECT',
    `CONNECT pub-${v}-anonymous (${version}) -> not authorized`,
    connect(`sub-${v}-retained`),
    'SUBSCRIBE sensors/status -> granted QoS 1',
    'PUBLISH sensors/status (QoS 1, retained, 6 B) -> PUBACK',
    'DISCONNECT',
    connect(`pub-${v}-clear`),
    'PUBLISH sensors/status (QoS 0, retained, 0 B)',
    'DISCONNECT',
  ];
}

/** What clients/mqtt-client.mjs does, and the broker's deliveries back to it. */
function node(version: '3.1.1' | '5.0'): string[] {
  const twice = (s: string): string[] => [s, s];
  return [
    `CONNECT shoal-fixture-${version === '5.0' ? 'v5' : 'v311'} (${version}) -> accepted`,
    'SUBSCRIBE sensors/# -> granted QoS 2',
    // The ACL refuses it: 5.0 says so, 3.1.1 cannot.
    `PUBLISH secret/plans (QoS 1, 17 B) -> PUBACK${version === '5.0' ? ' not authorized' : ''}`,
    ...twice('PUBLISH sensors/temperature (QoS 0, 4 B)'),
    ...twice('PUBLISH sensors/humidity (QoS 1, 4 B) -> PUBACK'),
    ...twice('PUBLISH sensors/pressure (QoS 2, 8 B) -> PUBREC, PUBREL, PUBCOMP'),
    // With 5.0, sent by its Topic Alias alone.
    ...twice('PUBLISH sensors/pressure (QoS 1, 8 B) -> PUBACK'),
    ...twice('PUBLISH sensors/series (QoS 1, 100000 B) -> PUBACK'),
    'PINGREQ -> PINGRESP',
    'UNSUBSCRIBE sensors/# -> UNSUBACK',
    'DISCONNECT',
  ];
}

const REVIEWED: Record<string, { summaries: string[]; version: string }> = {
  'cli-v311': { summaries: cli('3.1.1'), version: '3.1.1' },
  'cli-v5': { summaries: cli('5.0'), version: '5.0' },
  'node-v311': { summaries: node('3.1.1'), version: '3.1.1' },
  'node-v5': { summaries: node('5.0'), version: '5.0' },
};

const line = (e: Entry): string => e.summary.text + (e.malformed !== undefined ? ` [${e.malformed.code}]` : '');
const sorted = (lines: string[]): string[] => [...lines].sort();

describe('MQTT golden captures', () => {
  goldenCaptures(
    FIXTURES,
    REVIEWED,
    (name, file, result) => {
      it('holds what a person read in the generator and the client', () => {
        // Connections interleave in time: each one's entries are compared in order, all of them as a set.
        assert.deepEqual(sorted(result().entries.map(line)), sorted(REVIEWED[name]!.summaries));
        assert.ok(result().entries.every((e) => e.protocol.version === REVIEWED[name]!.version));
      });

      it('agrees with tshark on every packet: sender, type, identifier, topic, QoS, payload size, client id, codes', () => {
        const theirs = tsharkPackets(file);
        assert.ok(theirs.length >= 30, `tshark found ${theirs.length} packets`);
        assert.deepEqual(sorted(ourPackets(result().entries)), sorted(theirs));
      });

      it('gives the same entries in detail summary, without payloads and properties', () => {
        assert.deepStrictEqual(dissectFile(file, { detail: 'summary' }).entries, asSummaryDetail(result().entries));
      });

      it('gives the same entries when every TCP segment is cut into 100-byte pieces', () => {
        assert.deepStrictEqual(rankedStreams(dissectPackets(resegment(readCapture(file), 100)).entries), rankedStreams(result().entries));
      });

      it('gives the same transactions whatever the segmentation of the first kilobyte of each connection', () => {
        for (const script of connections(file)) {
          const out = replayAllSplits(mqtt, firstBytes(script, 1024));
          assert.equal(out.unclaimed, false);
          assert.ok(out.transactions.length >= 1);
        }
      });
    },
    { abbreviateBodies: true },
  );
});
