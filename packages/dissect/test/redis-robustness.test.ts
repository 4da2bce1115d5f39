/**
 * Malformed Redis never throws (protocols/redis): the probe and the seeker on random bytes and on
 * plausible RESP with random parts, the reader driven directly (outside the stream's last-resort
 * catch) with random streams, gaps and cuts and bounded in what it keeps, and whole connections:
 * the real captures with bytes replaced and losses, and random values after a real command.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { redis } from '../dist/protocols/redis/index.js';
import { probe } from '../dist/protocols/redis/probe.js';
import { RespReader, type RespMessage } from '../dist/protocols/redis/reader.js';
import type { RespValue } from '../dist/protocols/redis/resp.js';
import { redisSeeker } from '../dist/protocols/redis/seeker.js';
import { connections, damaged } from './helpers/connection-scripts.js';
import { feedRandomly, noise } from './helpers/random-input.js';
import * as R from './helpers/redis-wire.js';
import { c, close, prng, replay, s, type Step } from './helpers/split-replay.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/redis/', import.meta.url));

/** A random RESP value: every type, random lengths (some lying), nesting, attributes. */
function randomValue(rnd: () => number, depth = 0): Buffer {
  const pick = Math.floor(rnd() * 16);
  const text = (): string => noise(rnd, Math.floor(rnd() * 20)).toString('latin1').replace(/[\r\n]/g, '');
  const items = (): Buffer[] => Array.from({ length: Math.floor(rnd() * 4) }, () => randomValue(rnd, depth + 1));
  if (depth > 4 && pick > 10) return R.integer(1);
  switch (pick) {
    case 0: return R.simple(text());
    case 1: return R.error(text());
    case 2: return R.integer(Math.floor(rnd() * 1e6));
    case 3: return R.bulk(rnd() < 0.1 ? null : noise(rnd, Math.floor(rnd() * (rnd() < 0.1 ? 5000 : 50))));
    case 4: return R.nil();
    case 5: return R.bool(rnd() < 0.5);
    case 6: return R.double(String(rnd() * 100));
    case 7: return R.bigNumber('123456789012345678901234567890');
    case 8: return R.bulkError(text());
    case 9: return R.verbatim('txt', text());
    case 10: return R.array(...items());
    case 11: return R.set(...items());
    case 12: return R.push(R.bulk('message'), ...items());
    case 13: return R.map(...items().map((v): [Buffer, Buffer] => [R.bulk('k'), v]));
    case 14: return Buffer.concat([R.attribute([R.bulk('a'), R.integer(1)]), randomValue(rnd, depth + 1)]);
    default: {
      // A header that lies about what follows.
      const v = randomValue(rnd, depth + 1);
      return Buffer.concat([Buffer.from(`*${Math.floor(rnd() * 5)}\r\n$${Math.floor(rnd() * 9)}\r\n`), v.subarray(0, Math.floor(rnd() * v.length))]);
    }
  }
}

/** Octets kept in a value and its parts. */
function kept(v: RespValue): number {
  return v.kept + (v.items ?? []).reduce((n, i) => n + kept(i), 0) + (v.attributes === null ? 0 : kept(v.attributes));
}

describe('Redis never throws on malformed input', () => {
  it('the probe and the seeker: random bytes, and random values', () => {
    const rnd = prng(6379);
    for (let round = 0; round < 20_000; round++) {
      const bytes = round % 2 === 0 ? noise(rnd, Math.floor(rnd() * 300)) : Buffer.concat([randomValue(rnd), noise(rnd, Math.floor(rnd() * 20))]);
      assert.ok(['no', 'more', 'client', 'server'].includes(probe(bytes)));
      const found = redisSeeker().scan(bytes);
      assert.ok(found === null || (found > 0 && found < bytes.length));
    }
  });

  it('the reader: random streams with random gaps, cut anywhere; what it keeps is bounded', () => {
    const rnd = prng(1848);
    for (let round = 0; round < 400; round++) {
      const got: RespMessage[] = [];
      const reader = new RespReader(round % 2 === 0, { keepBytes: 1024, keepItems: 16 }, { message: (m) => got.push(m), lost: () => undefined });
      feedRandomly(rnd, reader, () => (rnd() < 0.6 ? (rnd() < 0.5 ? randomValue(rnd) : R.command('SET', 'k', noise(rnd, 10))) : noise(rnd, 1 + Math.floor(rnd() * 300))), { steps: 40, lossMax: 3000, piece: () => 1 + Math.floor(rnd() * 500) });
      reader.end(41);
      for (const m of got) assert.ok(kept(m.value) <= 1024 + 64 * 1024, `${kept(m.value)} octets kept`);
    }
  });

  it('whole connections: the real ones with bytes replaced and losses, and random replies to real commands', () => {
    const rnd = prng(99);
    const real = ['cli', 'resp2', 'resp3', 'pubsub-resp2'].flatMap((n) => connections(`${FIXTURES}${n}.pcap`));
    for (let round = 0; round < 200; round++) {
      let script: Step[];
      if (round % 2 === 0) {
        script = damaged(rnd, real[round % real.length]!, { steps: 40, flips: 3, lossFrom: 2, lossMax: 2000, lossTs: 5 });
      } else {
        script = [];
        for (let k = 0; k < 20; k++) script.push(rnd() < 0.4 ? c(k, R.command('GET', `k${k}`)) : s(k, randomValue(rnd)));
        script.unshift(c(0, R.command('HELLO', '3')));
      }
      script.push(close(1000));
      const out = replay(redis, script, { bodyCapBytes: 4096 });
      for (const t of out.transactions) assert.equal(typeof t.summary.text, 'string');
    }
  });
});
