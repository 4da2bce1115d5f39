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
import { isData, readCapture, tcpView } from './helpers/capture-rewrite.js';
import { c, close, replay, replayAllSplits, s, type Step } from './helpers/split-replay.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/dns/', import.meta.url));
const SYN = 0x02;
const ACK = 0x10;

/**
 * Each TCP connection of a capture as a script: consecutive segments of one direction joined
 * into one data step (timed by the first), the client (sender of the bare SYN) as direction 0.
 */
function connections(file: string): Step[][] {
  const scripts = new Map<string, { client: string; steps: Step[]; last: string; ts: number }>();
  for (const p of readCapture(file)) {
    const v = tcpView(p);
    if (v === null) continue;
    const [from, to] = v.direction.split('>');
    const key = [from, to].sort().join('|');
    if ((v.flags & (SYN | ACK)) === SYN) scripts.set(key, { client: v.direction, steps: [], last: '', ts: 0 });
    const conn = scripts.get(key);
    if (conn === undefined || !isData(v)) continue;
    const bytes = p.data.subarray(v.payloadOffset, v.payloadOffset + v.payloadLength);
    const prev = conn.steps[conn.steps.length - 1];
    conn.ts = p.tsMs;
    if (prev !== undefined && prev.kind === 'data' && conn.last === v.direction) {
      prev.bytes = Buffer.concat([prev.bytes, bytes]);
      continue;
    }
    conn.steps.push(v.direction === conn.client ? c(p.tsMs, bytes) : s(p.tsMs, bytes));
    conn.last = v.direction;
  }
  return [...scripts.values()].map((conn) => [...conn.steps, close(conn.ts + 1)]);
}

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
