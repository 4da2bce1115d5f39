/**
 * Malformed MongoDB never throws (protocols/mongodb): the probe on random bytes and on plausible
 * headers with random bodies, the BSON reader on random documents, the message reader on random
 * bodies of every opcode, and whole connections: the real captures with bytes replaced and
 * losses, and random messages.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BsonError, readDocument } from '../dist/protocols/mongodb/bson.js';
import { mongodb } from '../dist/protocols/mongodb/index.js';
import { probe } from '../dist/protocols/mongodb/probe.js';
import { readMessage } from '../dist/protocols/mongodb/wire.js';
import { connections, damaged } from './helpers/connection-scripts.js';
import { noise } from './helpers/random-input.js';
import { c, close, prng, replay, s, type Step } from './helpers/split-replay.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/mongodb/', import.meta.url));
const OPCODES = [1, 2001, 2002, 2004, 2005, 2006, 2007, 2012, 2013];

/** A header with a right length, responseTo 0 and a real opcode, then random bytes. */
function plausible(rnd: () => number): Buffer {
  const body = noise(rnd, Math.floor(rnd() * 300));
  const head = Buffer.alloc(16);
  head.writeInt32LE(16 + body.length, 0);
  head.writeInt32LE(Math.floor(rnd() * 1000), 4);
  head.writeInt32LE(OPCODES[Math.floor(rnd() * OPCODES.length)]!, 12);
  return Buffer.concat([head, body]);
}

describe('MongoDB never throws on malformed input', () => {
  it('the probe: random bytes (none claimed), and random bodies behind plausible headers', () => {
    const rnd = prng(27017);
    let claimed = 0;
    for (let round = 0; round < 20_000; round++) {
      const verdict = probe(noise(rnd, Math.floor(rnd() * 300)));
      if (verdict === 'client') claimed++;
      assert.ok(['no', 'more', 'client'].includes(probe(plausible(rnd))));
    }
    assert.equal(claimed, 0);
  });

  it('the BSON reader: random documents with a right length throw BsonError or give a value', () => {
    const rnd = prng(1);
    for (let round = 0; round < 5000; round++) {
      const b = noise(rnd, 5 + Math.floor(rnd() * 200));
      b.writeInt32LE(b.length, 0);
      b[b.length - 1] = 0;
      try {
        readDocument(b, 0, b.length, { elements: 100 });
      } catch (e) {
        assert.ok(e instanceof BsonError, String(e));
      }
    }
  });

  it('the message reader: random bodies of every opcode, whole or cut', () => {
    const rnd = prng(2013);
    for (let round = 0; round < 5000; round++) {
      const m = readMessage(plausible(rnd).subarray(4), rnd() < 0.3);
      assert.ok(m === null || m.problem === null || typeof m.problem === 'string');
    }
  });

  it('whole connections: the real ones with bytes replaced and losses, and random messages', () => {
    const rnd = prng(13);
    const real = ['insert', 'find', 'error', 'large'].flatMap((n) => connections(`${FIXTURES}${n}.pcap`));
    for (let round = 0; round < 200; round++) {
      let script: Step[];
      if (round % 2 === 0) {
        script = damaged(rnd, real[round % real.length]!, { steps: 30, flips: 3, lossFrom: 2, lossMax: 2000, lossTs: 5 });
      } else {
        script = [c(1, plausible(rnd))];
        for (let k = 0; k < 20; k++) script.push((rnd() < 0.5 ? c : s)(3 + k, rnd() < 0.5 ? plausible(rnd) : noise(rnd, 1 + Math.floor(rnd() * 300))));
      }
      script.push(close(1000));
      const out = replay(mongodb, script, { bodyCapBytes: 4096 });
      for (const t of out.transactions) assert.equal(typeof t.summary.text, 'string');
    }
  });
});
