/**
 * Malformed gRPC never throws (protocols/grpc): the message reader fed random bytes in random
 * pieces with random losses, real calls (fixtures/grpc) with bytes of their DATA replaced, and
 * gRPC streams whose DATA is noise behind plausible length prefixes (flags, lengths, gzip that
 * is not gzip). Every entry must still be JSON.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GrpcMessageReader } from '../dist/protocols/grpc/messages.js';
import { http2 } from '../dist/protocols/http2/index.js';
import { connections, damaged } from './helpers/connection-scripts.js';
import { END_HEADERS, END_STREAM, PREFACE, SETTINGS, block, frame } from './helpers/h2-wire.js';
import { noise } from './helpers/random-input.js';
import { c, close, prng, replay, s, type Step } from './helpers/split-replay.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/grpc/', import.meta.url));

/** A length prefix, often plausible: flag 0 or 1, a small length. */
function prefix(rnd: () => number): Buffer {
  const p = Buffer.alloc(5);
  p[0] = rnd() < 0.9 ? Math.floor(rnd() * 2) : Math.floor(rnd() * 256);
  p.writeUInt32BE(rnd() < 0.9 ? Math.floor(rnd() * 200) : Math.floor(rnd() * 2 ** 32), 1);
  return p;
}

describe('gRPC never throws on malformed input', () => {
  it('the message reader: random bytes, random pieces, random losses; its counts stay consistent', () => {
    const rnd = prng(5);
    for (let round = 0; round < 2000; round++) {
      const reader = new GrpcMessageReader(8, 256);
      for (let step = 0; step < 30; step++) {
        if (rnd() < 0.1) reader.gap(Math.floor(rnd() * 300));
        else reader.push(rnd() < 0.5 ? Buffer.concat([prefix(rnd), noise(rnd, Math.floor(rnd() * 60))]) : noise(rnd, Math.floor(rnd() * 60)), step);
      }
      reader.finish();
      assert.ok(reader.messages.length <= 8 && reader.messages.reduce((n, m) => n + m.kept, 0) <= 256);
      assert.equal(reader.count, reader.messages.length + reader.droppedCount);
    }
  });

  it('real calls with bytes replaced and a loss; gRPC streams of noise behind plausible prefixes', () => {
    const rnd = prng(9);
    const real = ['calls', 'gzip'].map((n) => connections(`${FIXTURES}${n}.pcap`)[0]!);
    const headers = (id: number, encoding: string): Buffer =>
      block([[':method', 'POST'], [':path', '/s.S/M'], ['content-type', 'application/grpc'], ['grpc-encoding', encoding]]);
    for (let round = 0; round < 300; round++) {
      let script: Step[];
      if (round % 2 === 0) {
        script = damaged(rnd, real[round % real.length]!, { flips: 4, lossFrom: 2, lossMax: 300, lossTs: 1 });
      } else {
        script = [c(0, Buffer.concat([PREFACE, SETTINGS])), s(0, SETTINGS)];
        for (let id = 1; id < 12; id += 2) {
          const data = Buffer.concat(Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => Buffer.concat([prefix(rnd), noise(rnd, Math.floor(rnd() * 80))])));
          script.push(c(id, Buffer.concat([frame(1, END_HEADERS, id, headers(id, rnd() < 0.5 ? 'gzip' : 'deflate')), frame(0, END_STREAM, id, data)])));
          script.push(s(id, Buffer.concat([frame(1, END_HEADERS, id, block([[':status', '200'], ['content-type', 'application/grpc']])), frame(0, 0, id, noise(rnd, Math.floor(rnd() * 50))), frame(1, END_HEADERS | END_STREAM, id, block([['grpc-status', String(Math.floor(rnd() * 20))]]))])));
        }
      }
      script.push(close(100));
      for (const t of replay(http2, script, { responseTimeoutMs: 5 }).transactions) {
        assert.ok(t.protocol.name === 'grpc' || t.protocol.name === 'http2');
        JSON.stringify(t);
      }
    }
  });
});
