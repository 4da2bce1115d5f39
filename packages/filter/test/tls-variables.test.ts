/**
 * The TLS variables (`tls_sni`, `tls_version`, `tls_alpn`, `tls_cipher`, `tls_ja3`, `tls_ja4`) on
 * TLS entries the dissector made from real openssl and curl traffic, and their zero values on
 * every other kind of entry.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import { compileFilter } from '@shoal/filter';
import * as D from './dns-entries.js';
import * as E from './entries.js';
import * as T from './tls-entries.js';

function check(entry: Entry, filter: string, expected: boolean): void {
  const f = compileFilter(filter);
  assert.equal(f.matches(entry), expected, `${filter} on ${entry.summary.text}`);
  assert.equal(f.errorCount, 0, `${filter}: ${f.lastError?.error.message ?? ''}`);
}

describe('TLS variables', () => {
  it('tls and tls_sni: the server name asked for', () => {
    check(T.tls13(), 'tls && tls_sni == "www.shoal.test"', true);
    check(T.tls12(), 'tls_sni.startsWith("api.")', true);
    check(T.tls13(), 'tls_sni == "api.shoal.test"', false);
  });

  it('tls_version and tls_cipher: what the server chose; "" when it only sent an alert', () => {
    check(T.tls13(), 'tls_version == "TLS 1.3" && tls_cipher == "TLS_AES_256_GCM_SHA384"', true);
    check(T.tls12(), 'tls_version == "TLS 1.2" && tls_cipher == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"', true);
    check(T.refused(), 'tls_version == "" && tls_cipher == "" && response.alerts[0].description == "protocol_version"', true);
  });

  it('tls_alpn: the protocols offered, [] without ALPN', () => {
    check(T.curl(), 'tls_alpn == ["h2", "http/1.1"]', true);
    check(T.tls13(), '"h2" in tls_alpn', true);
    check(T.tls12(), 'size(tls_alpn) == 0', true);
  });

  it('tls_ja3 and tls_ja4: the fingerprints, which tell s_client from curl', () => {
    check(T.tls12(), 'tls_ja3 == "d1f47f694f10b1faf653048918492609"', true);
    check(T.tls13(), 'tls_ja4.startsWith("t13d0411h2_")', true);
    check(T.curl(), 'tls_ja4.startsWith("t13d")', true);
    const s = T.tls13().request!['ja3'] as string;
    check(T.curl(), `tls_ja3 == "${s}"`, false);
  });

  it('a typical hunt: old TLS or refused handshakes to cluster names', () => {
    const hunt = 'tls && tls_sni.endsWith(".shoal.test") && (tls_version == "TLS 1.2" || size(response.alerts) > 0)';
    check(T.tls12(), hunt, true);
    check(T.refused(), hunt, true);
    check(T.tls13(), hunt, false);
  });

  it('are zero values on entries of other protocols, without evaluation errors', () => {
    for (const e of [E.plainGet(), E.notFound(), E.noResponse(), E.tcpFlow(), E.udpFlow(), D.cnameA()]) {
      check(e, 'tls_sni == "" && tls_version == "" && size(tls_alpn) == 0 && tls_cipher == "" && tls_ja3 == "" && tls_ja4 == ""', true);
      check(e, 'tls', false);
    }
  });

  it('the same field names on a non-TLS entry are not read as TLS', () => {
    const fake = { ...E.plainGet(), request: { sni: 'x', alpn: ['h2'], ja3: 'y' } } as unknown as Entry;
    check(fake, 'tls_sni == "" && size(tls_alpn) == 0 && tls_ja3 == ""', true);
  });

  it('odd shapes (not strings, not lists) give zero values, never an error', () => {
    const odd = { ...T.tls13(), request: { sni: 5, alpn: 'h2', ja3: null }, response: { version: ['x'], cipherSuite: {} } } as unknown as Entry;
    check(odd, 'tls_sni == "" && size(tls_alpn) == 0 && tls_ja3 == "" && tls_version == "" && tls_cipher == ""', true);
  });
});
