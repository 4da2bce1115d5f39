/**
 * DNS over TCP from the real captures (fixtures/dns, dig and dnsmasq on a 1500-MTU veth pair),
 * replayed from an empty flow through detection and the dissector, each direction's bytes of each
 * exchange cut at every position (replayAllSplits): a length prefix, a header, a name or a TXT
 * string split anywhere gives the same transactions as the network's own segmentation. The large
 * TXT answer (4 KB, several segments on the wire) is the case that matters most.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Transaction } from '../dist/dissector.js';
import { dns } from '../dist/protocols/dns/index.js';
import { connections } from './helpers/connection-scripts.js';
import { replay, replayAllSplits } from './helpers/split-replay.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/dns/', import.meta.url));
const summaries = (ts: Transaction[]): string[] => ts.map((t) => t.summary.text + (t.malformed ? ` [${t.malformed.code}]` : ''));

describe('DNS over TCP from real captures, cut at every position', () => {
  for (const [capture, expected] of [
    ['tcp-large-txt', 1],
    ['tcp-records', 4],
    ['nxdomain', 1],
    ['udp-truncated', 1],
  ] as const) {
    it(`${capture}: the same transactions whatever the segmentation`, () => {
      const scripts = connections(`${FIXTURES}${capture}.pcap`);
      assert.equal(scripts.length, 1, 'one TCP connection');
      const script = scripts[0]!;
      const bytes = script.reduce((n, st) => n + (st.kind === 'data' ? st.bytes.length : 0), 0);
      assert.ok(bytes <= 6000, `${bytes} bytes: small enough to cut at every position`);
      const out = replayAllSplits(dns, script);
      assert.equal(out.transactions.length, expected);
      assert.deepEqual(summaries(out.transactions).filter((t) => t.includes('[')), [], 'nothing malformed');
    });
  }

  it('the large TXT answer arrived in several segments and is whole: 16 strings of 250 letters', () => {
    const [script] = connections(`${FIXTURES}tcp-large-txt.pcap`);
    const [t] = replay(dns, script!).transactions;
    const answers = t!.response!['answers'] as Array<{ type: string; data: string }>;
    const strings = [...answers[0]!.data.matchAll(/"([a-z]+)"/g)].map((m) => m[1]!);
    assert.equal(strings.length, 16);
    assert.ok(strings.every((x, i) => x.length === 250 && x.startsWith(String.fromCharCode(97 + (i % 26)))));
    assert.ok(t!.responseSize > 4000);
  });
});
