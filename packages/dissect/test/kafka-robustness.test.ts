/**
 * Malformed Kafka never throws (protocols/kafka): the probe on random bytes and on plausible
 * headers with random bodies, the body decoder on every decoded API's grammar with random bytes
 * at every version, the records summary on random batches, and whole connections: the real
 * captures with bytes replaced and losses, and random requests and responses.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isFlexible } from '../dist/protocols/kafka/api-keys.js';
import { grammarOf } from '../dist/protocols/kafka/apis/index.js';
import { decodeBody } from '../dist/protocols/kafka/body.js';
import { kafka } from '../dist/protocols/kafka/index.js';
import { probe } from '../dist/protocols/kafka/probe.js';
import { summariseRecords } from '../dist/protocols/kafka/records.js';
import { connections, damaged } from './helpers/connection-scripts.js';
import { noise } from './helpers/random-input.js';
import { c, close, prng, replay, s, type Step } from './helpers/split-replay.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/kafka/', import.meta.url));
const DECODED = [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 18];

/** A size prefix and a request header of a decoded API, then random bytes. */
function plausibleRequest(rnd: () => number): Buffer {
  const body = noise(rnd, Math.floor(rnd() * 200));
  const head = Buffer.alloc(14);
  head.writeInt32BE(10 + body.length, 0);
  head.writeInt16BE(DECODED[Math.floor(rnd() * DECODED.length)]!, 4);
  head.writeInt16BE(Math.floor(rnd() * 14), 6);
  head.writeInt32BE(Math.floor(rnd() * 1000), 8);
  head.writeInt16BE(rnd() < 0.5 ? -1 : 0, 12);
  return Buffer.concat([head, body]);
}

describe('Kafka never throws on malformed input', () => {
  it('the probe: random bytes (none claimed), and random bodies behind plausible headers', () => {
    const rnd = prng(9092);
    let claimed = 0;
    for (let round = 0; round < 20_000; round++) {
      const verdict = probe(noise(rnd, Math.floor(rnd() * 300)));
      assert.ok(['no', 'more', 'client', 'server'].includes(verdict));
      if (verdict === 'client') claimed++;
      assert.ok(['no', 'more', 'client'].includes(probe(plausibleRequest(rnd))));
    }
    assert.equal(claimed, 0);
  });

  it('the body decoder: random bytes for every decoded API, both directions, every version; partial or whole', () => {
    const rnd = prng(482);
    for (const key of DECODED) {
      const grammar = grammarOf(key)!;
      for (let version = 0; version <= grammar.MAX_VERSION; version++) {
        for (let round = 0; round < 40; round++) {
          const bytes = noise(rnd, Math.floor(rnd() * 400));
          for (const schema of [grammar.request, grammar.response]) {
            const got = decodeBody(schema, bytes, 0, bytes.length, {
              version, flexible: isFlexible(key, version), build: round % 2 === 0, cut: round % 3 === 0, records: { keys: true, budget: 1 << 16 },
            });
            assert.ok(got.problem === null || typeof got.problem === 'string');
          }
        }
      }
    }
  });

  it('the records summary: random batches, with magic 2 and gzip claimed', () => {
    const rnd = prng(2);
    for (let round = 0; round < 2000; round++) {
      const b = noise(rnd, 17 + Math.floor(rnd() * 500));
      b.writeInt32BE(Math.floor(rnd() * (b.length - 12)), 8);
      b[16] = Math.floor(rnd() * 3);
      if (b.length > 23 && rnd() < 0.5) b.writeInt16BE(1, 21);
      const r = summariseRecords(b, rnd() < 0.3, { keys: true, budget: 1 << 16 });
      assert.ok(r.count >= 0 && (r.keys === undefined || r.keys.length <= 10));
    }
  });

  it('whole connections: the real ones with bytes replaced and losses, and random messages', () => {
    const rnd = prng(13);
    const real = ['produce', 'fetch', 'group', 'flexible'].flatMap((n) => connections(`${FIXTURES}${n}.pcap`));
    for (let round = 0; round < 200; round++) {
      let script: Step[];
      if (round % 2 === 0) {
        script = damaged(rnd, real[round % real.length]!, { steps: 30, flips: 3, lossFrom: 2, lossMax: 2000, lossTs: 5 });
      } else {
        script = [c(1, plausibleRequest(rnd))];
        for (let k = 0; k < 20; k++) script.push((rnd() < 0.5 ? c : s)(3 + k, rnd() < 0.5 ? plausibleRequest(rnd) : noise(rnd, 1 + Math.floor(rnd() * 300))));
      }
      script.push(close(1000));
      const out = replay(kafka, script, { bodyCapBytes: 4096 });
      for (const t of out.transactions) assert.equal(typeof t.summary.text, 'string');
    }
  });
});
