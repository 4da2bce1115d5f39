/**
 * TLS from the real captures (fixtures/tls: openssl and curl on a 1500-MTU veth pair), replayed
 * from an empty flow through detection and the dissector with each direction's bytes cut at
 * every position (replayAllSplits): a record header, a handshake header, a hello, an extension
 * or a certificate split anywhere gives the same entry as the network's own segmentation. The
 * handshake (the connection's first few kilobytes) is cut at every position; the whole
 * connection, encrypted rest included, in one-byte chunks and at seeded random places.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tls } from '../dist/protocols/tls/index.js';
import { close, type Step } from './helpers/split-replay.js';
import { replayAllSplits } from './helpers/split-replay.js';
import { connections } from './helpers/connection-scripts.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/tls/', import.meta.url));
/** Bytes of a connection's start cut at every position (replayAllSplits' exhaustive limit). */
const HANDSHAKE_BYTES = 6000;

/** The data steps of `script` from its start while they total at most `limit` bytes, then a close. */
function start(script: Step[], limit: number): Step[] {
  const out: Step[] = [];
  let total = 0;
  for (const st of script) {
    if (st.kind !== 'data') continue;
    if (total + st.bytes.length > limit) break;
    total += st.bytes.length;
    out.push(st);
  }
  return [...out, close(out[out.length - 1]!.ts + 1)];
}

describe('TLS from real captures, cut at every position', () => {
  for (const [capture, summary] of [
    ['tls13-alpn', 'TLS 1.3 www.shoal.test h2,http/1.1'],
    ['tls12-alpn', 'TLS 1.2 www.shoal.test http/1.1'],
    ['tls12-certificate', 'TLS 1.2 api.shoal.test ECDHE-RSA-AES128-GCM-SHA256'],
    ['curl', 'TLS 1.3 www.shoal.test h2,http/1.1'],
    ['big-client-hello', 'TLS 1.3 www.shoal.test proto-001,proto-002,proto-003,+298'],
    ['alert-protocol-version', 'TLS www.shoal.test alert protocol_version'],
    ['hello-retry', 'TLS 1.3 www.shoal.test TLS_AES_256_GCM_SHA384'],
  ] as const) {
    it(`${capture}: the handshake cut at every position, the whole connection at random`, () => {
      const scripts = connections(`${FIXTURES}${capture}.pcap`);
      assert.equal(scripts.length, 1, 'one TCP connection');
      const whole = scripts[0]!;
      const head = start(whole, HANDSHAKE_BYTES);
      assert.ok(head.length >= 3, 'the handshake fits the exhaustive part');
      for (const script of [head, whole]) {
        const out = replayAllSplits(tls, script);
        assert.deepEqual(
          out.transactions.map((t) => t.summary.text + (t.malformed ? ` [${t.malformed.code}]` : '')),
          [summary],
        );
      }
    });
  }

  it('the certificate (TLS 1.2) is read from the Certificate message cut anywhere', () => {
    const [script] = connections(`${FIXTURES}tls12-certificate.pcap`);
    const out = replayAllSplits(tls, start(script!, HANDSHAKE_BYTES));
    const cert = out.transactions[0]!.response!['certificate'] as Record<string, string>;
    assert.equal(cert['subject'], 'O=Shoal Test, CN=www.shoal.test');
  });
});
