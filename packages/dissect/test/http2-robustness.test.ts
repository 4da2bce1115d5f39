/**
 * Malformed HTTP/2 never throws (protocols/http2): random bytes after a real preface, real
 * connections with bytes replaced, frames with random headers and payloads, and HPACK blocks of
 * noise. The parts not wrapped in the stream's last-resort catch (HPACK decoder, Huffman, probe,
 * frame reader) are driven directly, so a throw here is a throw, not a caught one.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FrameReader } from '../dist/protocols/http2/frame-reader.js';
import { HpackDecoder } from '../dist/protocols/http2/hpack.js';
import { huffmanDecode } from '../dist/protocols/http2/huffman.js';
import { http2 } from '../dist/protocols/http2/index.js';
import { probe } from '../dist/protocols/http2/probe.js';
import { connections, damaged } from './helpers/connection-scripts.js';
import { frame, PREFACE, SETTINGS } from './helpers/h2-wire.js';
import { noise } from './helpers/random-input.js';
import { c, close, prng, replay, s, type Step } from './helpers/split-replay.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/http2/', import.meta.url));

describe('HTTP/2 never throws on malformed input', () => {
  it('HPACK, Huffman and the probe: random bytes, and random bytes behind a plausible frame header', () => {
    const rnd = prng(7541);
    for (let round = 0; round < 20_000; round++) {
      const b = noise(rnd, Math.floor(rnd() * 300));
      const d = new HpackDecoder(round % 2 === 0, 64 + Math.floor(rnd() * 4096));
      for (const f of d.decode(b).fields) assert.equal(typeof f.value, 'string');
      huffmanDecode(b, 0, b.length);
      probe(b);
      probe(Buffer.concat([frame(1 + (round % 9), 0, round % 3, b)]));
    }
  });

  it('the frame reader: random streams with random gaps, cut anywhere', () => {
    const rnd = prng(9113);
    for (let round = 0; round < 300; round++) {
      let frames = 0;
      const reader = new FrameReader(round % 2 === 0, {
        begin: () => undefined,
        frame: (f, lost) => {
          frames++;
          assert.ok(lost >= 0 && f.payload.length + lost < 2 ** 24);
        },
        desync: () => undefined,
      });
      for (let step = 0; step < 40; step++) {
        const r = rnd();
        if (r < 0.1) reader.gap(1 + Math.floor(rnd() * 3000));
        else {
          const bytes = rnd() < 0.5 ? frame(Math.floor(rnd() * 10), Math.floor(rnd() * 256), Math.floor(rnd() * 8), noise(rnd, Math.floor(rnd() * 200))) : noise(rnd, 1 + Math.floor(rnd() * 300));
          for (let at = 0; at < bytes.length; ) {
            const n = 1 + Math.floor(rnd() * 100);
            reader.push(bytes.subarray(at, at + n), step);
            at += n;
          }
        }
      }
      assert.ok(frames >= 0);
    }
  });

  it('whole connections: real ones with bytes replaced, and random frames after a preface', () => {
    const rnd = prng(2);
    const real = ['h2load', 'nghttp-concurrent', 'curl-prior-knowledge'].flatMap((n) => connections(`${FIXTURES}${n}.pcap`).slice(0, 2));
    for (let round = 0; round < 300; round++) {
      let script: Step[];
      if (round % 2 === 0) {
        // A real connection (its first 20 steps) with a few bytes replaced and a loss.
        script = damaged(rnd, real[round % real.length]!, { steps: 20, flips: 3, lossFrom: 1, lossMax: 500, lossTs: 1 });
      } else {
        script = [c(0, Buffer.concat([PREFACE, SETTINGS])), s(0, SETTINGS)];
        for (let step = 1; step < 30; step++) {
          const f = frame(Math.floor(rnd() * 10), Math.floor(rnd() * 256), 1 + Math.floor(rnd() * 6), noise(rnd, Math.floor(rnd() * 100)));
          script.push(rnd() < 0.5 ? c(step, f) : s(step, f));
        }
      }
      script.push(close(100));
      const out = replay(http2, script, { responseTimeoutMs: 5 });
      for (const t of out.transactions) {
        assert.equal(t.protocol.name, 'http2');
        assert.ok(t.request !== null || t.response !== null || t.malformed !== undefined, 'an empty entry says why');
        JSON.stringify(t);
      }
    }
  });
});
