/**
 * Malformed TLS never throws (protocols/tls): random bytes, and every real hello and certificate
 * from the captures with each byte replaced by values that break lengths (0x00, 0x7f, 0x80,
 * 0xff). The parsers that sit below the stream's last-resort catch are driven directly (hello
 * grammar, DER reader, probe, record reader), so a throw here is a throw, not a caught one; then
 * whole streams of mutated and random records through detection and the dissector. What comes
 * out is ASCII (docs/entries.md).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseClientHello, parseServerHello } from '../dist/protocols/tls/hello.js';
import { tls } from '../dist/protocols/tls/index.js';
import { probe } from '../dist/protocols/tls/probe.js';
import { RecordReader, type HandshakeMessage } from '../dist/protocols/tls/records.js';
import { firstCertificate } from '../dist/protocols/tls/x509.js';
import { c, close, gap, prng, replay, s, type Step } from './helpers/split-replay.js';
import { connections } from './helpers/connection-scripts.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/tls/', import.meta.url));
const ASCII = /^[\x20-\x7e]*$/;
const CAPTURES = ['tls13-alpn', 'tls12-alpn', 'tls12-certificate', 'curl', 'alert-protocol-version'];

/** Every handshake message in clear of the captures, as the record reader hands them on. */
function messages(): HandshakeMessage[] {
  const out: HandshakeMessage[] = [];
  for (const name of CAPTURES) {
    for (const st of connections(`${FIXTURES}${name}.pcap`)[0]!) {
      if (st.kind !== 'data') continue;
      new RecordReader({ handshake: (m) => out.push(m), alert: () => {}, changeCipherSpec: () => true }).push(st.bytes, st.ts);
    }
  }
  return out;
}

function assertAscii(value: unknown, where: string): void {
  const text = JSON.stringify(value) ?? '';
  assert.ok(ASCII.test(text), `${where}: not ASCII: ${text.slice(0, 200)}`);
}

function parseAll(body: Buffer): void {
  assertAscii(parseClientHello(body), 'ClientHello');
  assertAscii(parseServerHello(body), 'ServerHello');
  assertAscii(firstCertificate(body), 'certificate');
}

describe('TLS never throws on malformed input', () => {
  const real = messages();

  it('has real hellos and a certificate to mutate', () => {
    assert.deepEqual([...new Set(real.map((m) => m.type))].sort((a, b) => a - b), [1, 2, 4, 11, 12, 14, 16]);
  });

  it('hello grammar and DER reader: every byte of every real message replaced, and every prefix', () => {
    for (const m of real) {
      for (let i = 0; i < m.body.length; i++) {
        for (const v of [0x00, 0x7f, 0x80, 0xff, m.body[i]! ^ 0x01]) {
          const bad = Buffer.from(m.body);
          bad[i] = v;
          parseAll(bad);
        }
        parseAll(m.body.subarray(0, i));
      }
    }
  });

  it('probe, hellos, certificates and the record reader: random bytes', () => {
    const rnd = prng(8446);
    for (let round = 0; round < 20_000; round++) {
      const b = Buffer.alloc(Math.floor(rnd() * 400));
      for (let i = 0; i < b.length; i++) b[i] = Math.floor(rnd() * 256);
      if (round % 2 === 0 && b.length > 11) b.set([22, 3, 3], 0);
      probe(b);
      parseAll(b);
      const reader = new RecordReader({ handshake: (m) => parseAll(m.body), alert: () => {}, changeCipherSpec: () => round % 3 === 0 });
      reader.push(b, round);
      if (round % 5 === 0) reader.gap(3, round);
      reader.end(round);
    }
  });

  it('whole streams: a real first flight, then mutated records, noise and losses', () => {
    const rnd = prng(5246);
    const scripts = CAPTURES.map((name) => connections(`${FIXTURES}${name}.pcap`)[0]!.filter((st) => st.kind === 'data'));
    for (let round = 0; round < 300; round++) {
      const source = scripts[round % scripts.length]!;
      const script: Step[] = [source[0]!];
      for (const st of source.slice(1)) {
        if (st.kind !== 'data') continue;
        const bytes = Buffer.from(st.bytes);
        const r = rnd();
        if (r < 0.5) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256);
        if (r > 0.9) script.push(gap(st.dir, 1 + Math.floor(rnd() * 50), st.ts));
        else if (r > 0.8) for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rnd() * 256);
        script.push(st.dir === 0 ? c(st.ts, bytes) : s(st.ts, bytes));
      }
      script.push(close(round + 1e13));
      const out = replay(tls, script);
      assert.equal(out.unclaimed, false);
      assert.equal(out.transactions.length, 1, 'one entry per connection, whatever came');
      assertAscii(out.transactions[0], `round ${round}`);
    }
  });
});
