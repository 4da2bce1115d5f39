/**
 * GraphQL from the real captures (fixtures/graphql: the `graphql` reference server and a client
 * over HTTP/1.1 and HTTP/2 on a 1500-MTU veth pair), replayed from an empty flow through
 * detection and the HTTP dissectors: the first kilobytes of each connection cut at every
 * position of every step (replayAllSplits, which also compares detail `summary`); and the same
 * connections with bytes replaced never throw. Whole connections are checked with 100-byte
 * segments by graphql-golden.test.ts.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { http1 } from '../dist/protocols/http1/index.js';
import { http2 } from '../dist/protocols/http2/index.js';
import { connections, firstBytes } from './helpers/connection-scripts.js';
import { prng, replay, replayAllSplits } from './helpers/split-replay.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/graphql/', import.meta.url));
/** Bytes of each connection cut at every position: its first kilobytes. */
const FIRST_BYTES = 4096;

const cases = [
  ['http1', http1, ['graphql query GetBook -> 200', 'graphql query -> 200', 'graphql mutation AddBook -> 200', 'graphql query Missing -> 200 (1 error)']],
  ['http2', http2, ['graphql query GetBook -> 200', 'graphql mutation AddBook -> 200', 'graphql query Missing -> 200 (1 error)']],
] as const;

describe('GraphQL from real captures, the first kilobytes cut at every position', () => {
  for (const [capture, spec, expected] of cases) {
    it(`${capture}: the same operations whatever the segmentation`, () => {
      const out = replayAllSplits(spec, firstBytes(connections(`${FIXTURES}${capture}.pcap`)[0]!, FIRST_BYTES));
      assert.equal(out.unclaimed, false);
      assert.deepEqual(out.transactions.slice(0, expected.length).map((t) => `${t.protocol.name} ${t.summary.text}`), expected);
    });
  }

  it('never throws on the real connections with bytes replaced', () => {
    const rnd = prng(4);
    for (let round = 0; round < 200; round++) {
      const [capture, spec] = cases[round % 2]!;
      const script = connections(`${FIXTURES}${capture}.pcap`)[0]!.map((st) => {
        if (st.kind !== 'data' || rnd() < 0.5) return st;
        const bytes = Buffer.from(st.bytes);
        for (let k = 0; k < 3; k++) bytes[Math.floor(rnd() * bytes.length)] = 0x20 + Math.floor(rnd() * 95);
        return { ...st, bytes };
      });
      for (const t of replay(spec, script, { responseTimeoutMs: 5 }).transactions) JSON.stringify(t);
    }
  });
});
