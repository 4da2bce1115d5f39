/**
 * Malformed MySQL never throws (protocols/mysql): the probe on random bytes and on plausible
 * packets with random payloads, the packet reader driven directly (outside the stream's
 * last-resort catch) with random streams, gaps and cuts, and whole connections: the real captures
 * with bytes replaced and losses, and random packets after a real handshake.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { mysql } from '../dist/protocols/mysql/index.js';
import { probe } from '../dist/protocols/mysql/probe.js';
import { PacketReader, type MyPacket } from '../dist/protocols/mysql/reader.js';
import { connections, damaged } from './helpers/connection-scripts.js';
import { greeting, handshakeResponse, ok, packet } from './helpers/my-wire.js';
import { feedRandomly, noise } from './helpers/random-input.js';
import { c, close, prng, replay, s, type Step } from './helpers/split-replay.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/mysql/', import.meta.url));
/** First payload bytes the grammar gives meaning to: commands, OK, EOF, ERR, LOCAL INFILE, greeting, a column count. */
const FIRST = [0x00, 0x01, 0x02, 0x03, 0x0a, 0x0e, 0x16, 0x17, 0x19, 0x02, 0xfb, 0xfe, 0xff];

/** A packet with a meaningful first byte, a random sequence number and payload, and sometimes a length that lies. */
function randomPacket(rnd: () => number): Buffer {
  const body = Buffer.concat([Buffer.from([FIRST[Math.floor(rnd() * FIRST.length)]!]), noise(rnd, Math.floor(rnd() * (rnd() < 0.05 ? 40_000 : 120)))]);
  const p = packet(Math.floor(rnd() * 8), body);
  if (rnd() < 0.1) p.writeUIntLE(Math.floor(rnd() * 2 ** 24), 0, 3);
  return p;
}

describe('MySQL never throws on malformed input', () => {
  it('the probe: random bytes, and random payloads behind plausible headers', () => {
    const rnd = prng(3306);
    let claimed = 0;
    for (let round = 0; round < 20_000; round++) {
      const random = round % 2 === 0;
      const verdict = probe(random ? noise(rnd, Math.floor(rnd() * 300)) : Buffer.concat([randomPacket(rnd), noise(rnd, Math.floor(rnd() * 20))]));
      assert.ok(['no', 'more', 'client', 'server'].includes(verdict));
      if (random && (verdict === 'client' || verdict === 'server')) claimed++;
    }
    // Random bytes are not MySQL.
    assert.equal(claimed, 0);
  });

  it('the packet reader: random streams with random gaps, cut anywhere; kept payloads bounded', () => {
    const rnd = prng(1995);
    for (let round = 0; round < 300; round++) {
      let kept = 0;
      const reader = new PacketReader(round % 2 === 0 ? 'client' : 'server', {
        keep: () => 512,
        packet: (p: MyPacket) => void (kept = Math.max(kept, p.payload.length)),
        desync: () => undefined,
      });
      feedRandomly(rnd, reader, () => (rnd() < 0.6 ? randomPacket(rnd) : noise(rnd, 1 + Math.floor(rnd() * 300))), { steps: 40, lossMax: 3000, piece: () => 1 + Math.floor(rnd() * 500) });
      reader.end(41);
      assert.ok(kept <= 512, `${kept} bytes kept`);
    }
  });

  it('whole connections: the real ones with bytes replaced and losses, and random packets after a handshake', () => {
    const rnd = prng(57);
    const real = ['cli-native', 'node-mysql2', 'node-mariadb'].flatMap((n) => connections(`${FIXTURES}${n}.pcap`));
    for (let round = 0; round < 200; round++) {
      let script: Step[];
      if (round % 2 === 0) {
        script = damaged(rnd, real[round % real.length]!, { steps: 40, flips: 3, lossFrom: 2, lossMax: 2000, lossTs: 5 });
      } else {
        script = [s(1, greeting()), c(2, handshakeResponse('u', 'd')), s(3, ok(2))];
        for (let k = 0; k < 30; k++) script.push((rnd() < 0.5 ? c : s)(4 + k, randomPacket(rnd)));
      }
      script.push(close(1000));
      for (const detail of ['full', 'summary'] as const) {
        const out = replay([mysql], script, { bodyCapBytes: 4096, detail });
        for (const t of out.transactions) assert.equal(typeof t.summary.text, 'string');
      }
    }
  });
});
