/**
 * Malformed WebSocket never throws (protocols/ws): the probe on random bytes and on plausible
 * frames with random payloads, the frame reader and message builder driven directly (outside the
 * stream's last-resort catch) with random streams, gaps and cuts, and whole connections: the real
 * captures with bytes replaced, and random frames after a real handshake, with compression on.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MessageInflater } from '../dist/protocols/ws/deflate.js';
import { FrameReader } from '../dist/protocols/ws/frame-reader.js';
import { http1 } from '../dist/protocols/http1/index.js';
import { ws } from '../dist/protocols/ws/index.js';
import { MessageBuilder, type WsMessage } from '../dist/protocols/ws/message.js';
import { probe } from '../dist/protocols/ws/probe.js';
import { connections, damaged } from './helpers/connection-scripts.js';
import { feedRandomly, noise } from './helpers/random-input.js';
import { c, close, prng, replay, s, type Step } from './helpers/split-replay.js';
import { frame, handshake } from './helpers/ws-wire.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/ws/', import.meta.url));

/** A frame with a random opcode, flags, mask and payload. */
function randomFrame(rnd: () => number): Buffer {
  const opcode = Math.floor(rnd() * 16);
  const payload = noise(rnd, Math.floor(rnd() * (rnd() < 0.1 ? 70_000 : 200)));
  return frame(opcode, payload, { fin: rnd() < 0.7, rsv1: rnd() < 0.3, ...(rnd() < 0.5 ? { mask: Math.floor(rnd() * 2 ** 32) } : {}) });
}

describe('WebSocket never throws on malformed input', () => {
  it('the probe: random bytes, and random payloads behind plausible headers', () => {
    const rnd = prng(6455);
    for (let round = 0; round < 20_000; round++) {
      const verdict = probe(round % 2 === 0 ? noise(rnd, Math.floor(rnd() * 300)) : Buffer.concat([randomFrame(rnd), noise(rnd, Math.floor(rnd() * 20))]));
      assert.ok(['no', 'more', 'client', 'server'].includes(verdict));
    }
  });

  it('the frame reader and the message builder: random streams with random gaps, cut anywhere; messages bounded', () => {
    const rnd = prng(7692);
    for (let round = 0; round < 300; round++) {
      const got: WsMessage[] = [];
      const fromClient = round % 2 === 0;
      const inflater = new MessageInflater(round % 3 !== 0, round % 4 === 0, 1 << 20);
      const builder = new MessageBuilder(fromClient, 1024, 1 << 20, inflater, (m) => got.push(m));
      const reader = new FrameReader(fromClient, true, builder);
      feedRandomly(rnd, reader, () => (rnd() < 0.5 ? randomFrame(rnd) : noise(rnd, 1 + Math.floor(rnd() * 300))), { steps: 40, lossMax: 3000, piece: () => 1 + Math.floor(rnd() * 500) });
      builder.end();
      for (const m of got) assert.ok(m.data === null || m.data.length <= 1024, `${m.data?.length} octets kept`);
    }
  });

  it('whole connections: the real ones with bytes replaced and losses, and random frames after a handshake', () => {
    const rnd = prng(13);
    const real = ['plain', 'deflate', 'deflate-no-context'].flatMap((n) => connections(`${FIXTURES}${n}.pcap`));
    const h = handshake('/chat', 'permessage-deflate');
    for (let round = 0; round < 200; round++) {
      let script: Step[];
      if (round % 2 === 0) {
        script = damaged(rnd, real[round % real.length]!, { steps: 30, flips: 3, lossFrom: 3, lossMax: 2000, lossTs: 5 });
      } else {
        script = [c(1, h.request), s(2, h.response)];
        for (let k = 0; k < 20; k++) script.push((rnd() < 0.5 ? c : s)(3 + k, randomFrame(rnd)));
      }
      script.push(close(1000));
      const out = replay([http1, ws], script, { bodyCapBytes: 4096 });
      for (const t of out.transactions) assert.equal(typeof t.summary.text, 'string');
    }
  });
});
