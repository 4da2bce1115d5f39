/**
 * Malformed PostgreSQL never throws (protocols/postgresql): the probe on random bytes and on
 * plausible messages with random bodies, the message reader driven directly (outside the
 * stream's last-resort catch) with random streams, gaps and cuts, and whole connections: the real
 * captures with bytes replaced and losses, and random messages after a real start-up.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { postgresql } from '../dist/protocols/postgresql/index.js';
import { probe } from '../dist/protocols/postgresql/probe.js';
import { MessageReader, type PgFrame } from '../dist/protocols/postgresql/reader.js';
import { connections, damaged } from './helpers/connection-scripts.js';
import { msg, startup } from './helpers/pg-wire.js';
import { feedRandomly, noise } from './helpers/random-input.js';
import { c, close, prng, replay, s, type Step } from './helpers/split-replay.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/postgresql/', import.meta.url));
const LETTERS = 'QPBDECSHXFpdcfRSKZTDCIs123ntENAGHWVv';

/** A message with a type of the protocol, a random body, and sometimes a length that lies. */
function randomMessage(rnd: () => number): Buffer {
  const m = msg(LETTERS[Math.floor(rnd() * LETTERS.length)]!, noise(rnd, Math.floor(rnd() * (rnd() < 0.05 ? 40_000 : 120))));
  if (rnd() < 0.1) m.writeUInt32BE(Math.floor(rnd() * 2 ** 32), 1);
  return m;
}

describe('PostgreSQL never throws on malformed input', () => {
  it('the probe: random bytes, and random bodies behind plausible headers', () => {
    const rnd = prng(5432);
    let claimed = 0;
    for (let round = 0; round < 20_000; round++) {
      const random = round % 2 === 0;
      const verdict = probe(random ? noise(rnd, Math.floor(rnd() * 300)) : Buffer.concat([randomMessage(rnd), noise(rnd, Math.floor(rnd() * 20))]));
      assert.ok(['no', 'more', 'client', 'server'].includes(verdict));
      if (random && (verdict === 'client' || verdict === 'server')) claimed++;
    }
    // Random bytes are not PostgreSQL.
    assert.equal(claimed, 0);
  });

  it('the message reader: random streams with random gaps, cut anywhere; kept bodies bounded', () => {
    const rnd = prng(1996);
    for (let round = 0; round < 300; round++) {
      const sender = round % 2 === 0 ? 'client' : 'server';
      let kept = 0;
      const reader: MessageReader = new MessageReader(sender, round % 3 === 0 ? 'untyped' : 'typed', {
        keep: () => 512,
        message: (f: PgFrame) => {
          kept = Math.max(kept, f.body.length);
          if (rnd() < 0.05) reader.mode = rnd() < 0.5 ? 'answer' : 'untyped';
        },
        answer: () => undefined,
        desync: () => undefined,
      });
      feedRandomly(rnd, reader, () => (rnd() < 0.6 ? randomMessage(rnd) : noise(rnd, 1 + Math.floor(rnd() * 300))), { steps: 40, lossMax: 3000, piece: () => 1 + Math.floor(rnd() * 500) });
      reader.end(41);
      assert.ok(kept <= 512, `${kept} bytes kept`);
    }
  });

  it('whole connections: the real ones with bytes replaced and losses, and random messages after a start-up', () => {
    const rnd = prng(55);
    const real = ['psql-scram', 'node-md5', 'cancel'].flatMap((n) => connections(`${FIXTURES}${n}.pcap`));
    for (let round = 0; round < 200; round++) {
      let script: Step[];
      if (round % 2 === 0) {
        script = damaged(rnd, real[round % real.length]!, { steps: 40, flips: 3, lossFrom: 2, lossMax: 2000, lossTs: 5 });
      } else {
        script = [c(1, startup({ user: 'u', database: 'd' }))];
        for (let k = 0; k < 30; k++) script.push((rnd() < 0.5 ? c : s)(2 + k, randomMessage(rnd)));
      }
      script.push(close(1000));
      for (const detail of ['full', 'summary'] as const) {
        const out = replay([postgresql], script, { bodyCapBytes: 4096, detail });
        for (const t of out.transactions) assert.equal(typeof t.summary.text, 'string');
      }
    }
  });
});
