/**
 * The TLS detail view (src/domain/tls-detail.ts) on the entries the dissector made from real
 * openssl and curl peers (fixtures/tls): both hellos, the certificate TLS 1.2 sends in clear, the
 * counters, the alerts, and the terms of its clickable values checked by the real filter.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import type { DetailTable } from '../src/domain/detail-table.js';
import { termText } from '../src/domain/filter-snippet.js';
import { extensionName, tlsDetail, type TlsHelloView } from '../src/domain/tls-detail.js';
import { assertTermsSelect, golden, texts } from './helpers/fixture-entries.js';

const only = (name: string): Entry => golden('tls', name)[0]!;
const hello = (e: Entry, side: 'request' | 'response'): TlsHelloView => tlsDetail(e).hellos.find((h) => h.side === side)!;
const table = (h: TlsHelloView, key: string): DetailTable | undefined => h.tables.find((t) => t.key === key);
const column = (t: DetailTable | undefined, i = 0): string[] => (t?.rows ?? []).map((r) => r[i]!.text);

describe('TLS detail view', () => {
  it("shows the ClientHello: SNI, versions, fingerprints, what the client sent, ALPN and suites offered, extensions by name", () => {
    const e = only('tls13-alpn');
    const req = e.request as unknown as { cipherSuites: string[]; extensions: number[]; supportedVersions: string[]; ja3: string; ja4: string; ja3String: string };
    const ch = hello(e, 'request');
    assert.equal(ch.title, 'ClientHello');
    assert.deepEqual(texts(ch.rows), {
      SNI: 'www.shoal.test',
      version: 'TLS 1.2 (legacy_version)',
      'versions offered': req.supportedVersions.join(', '),
      JA3: req.ja3,
      'JA3 string': req.ja3String,
      JA4: req.ja4,
      sent: texts(ch.rows)['sent']!,
    });
    assert.deepEqual(req.supportedVersions, ['TLS 1.3']);
    assert.equal(texts(hello(only('tls12-alpn'), 'request').rows)['versions offered'], 'no supported_versions extension');
    assert.match(texts(ch.rows)['sent']!, /^\d+ records, .+, of which \d+ records?, .+ encrypted$/);
    assert.deepEqual(column(table(ch, 'alpn')), ['h2', 'http/1.1']);
    assert.deepEqual(column(table(ch, 'cipher-suites')), req.cipherSuites);
    assert.deepEqual(column(table(ch, 'extensions')), req.extensions.map(String));
    assert.ok(column(table(ch, 'extensions'), 1).includes('server_name'));
    assert.ok(column(table(ch, 'extensions'), 1).includes('supported_versions'));
  });

  it('shows the ServerHello of TLS 1.3: the version and suite chosen, the ALPN choice and the certificate encrypted', () => {
    const sh = hello(only('tls13-alpn'), 'response');
    const rows = texts(sh.rows);
    assert.equal(rows['version chosen'], 'TLS 1.3');
    assert.equal(rows['cipher suite chosen'], 'TLS_AES_256_GCM_SHA384');
    assert.equal(rows['ALPN chosen'], 'encrypted (TLS 1.3 sends it in EncryptedExtensions)');
    assert.deepEqual(texts(sh.certificate!), { certificate: 'encrypted (TLS 1.3 sends it after the ServerHello, encrypted)' });
  });

  it("shows TLS 1.2's certificate in clear: subject, issuer, validity against the capture's time, serial", () => {
    const e = only('tls12-certificate');
    const cert = (e.response as unknown as { certificate: { serial: string } }).certificate;
    assert.deepEqual(texts(hello(e, 'response').certificate!), {
      subject: 'O=Shoal Test, CN=www.shoal.test',
      issuer: 'O=Shoal Test, CN=www.shoal.test (self-signed)',
      validity: '2026-12-07 21:57:59 → 2027-12-07 21:57:59 UTC (valid when captured)',
      serial: cert.serial,
    });
    const later = { ...e, timestamp: Date.parse('2028-01-01T00:00:00Z') };
    assert.match(texts(hello(later, 'response').certificate!)['validity']!, /\(expired when captured\)$/);
    assert.equal(texts(hello(e, 'response').rows)['ALPN chosen'], 'none');
    assert.equal(table(hello(e, 'request'), 'alpn'), undefined, 'no ALPN offered: no table');
  });

  it('shows a TLS 1.2 ALPN choice, a hello retry, and an alert instead of a ServerHello', () => {
    assert.equal(texts(hello(only('tls12-alpn'), 'response').rows)['ALPN chosen'], 'http/1.1');
    assert.equal(texts(hello(only('hello-retry'), 'response').rows)['hello retry'], 'the server asked for another ClientHello first (HelloRetryRequest)');
    const refused = hello(only('alert-protocol-version'), 'response');
    assert.equal(texts(refused.rows)['answer'], 'an alert instead of a ServerHello');
    assert.deepEqual(
      table(refused, 'alerts')!.rows.map((r) => r.map((c) => c.text)),
      [['fatal', 'protocol_version']],
    );
  });

  it('says which hello was not seen', () => {
    const e = only('curl');
    assert.deepEqual(tlsDetail({ ...e, response: null }).notes, [{ side: 'response', text: 'The server did not answer: no ServerHello and no alert.' }]);
    assert.deepEqual(
      tlsDetail({ ...e, request: null }).hellos.map((h) => h.side),
      ['response'],
    );
  });

  it('filters on SNI, each ALPN protocol offered, the version and suite chosen, JA3 and JA4, through the real filter', () => {
    const e = only('curl');
    const ch = hello(e, 'request');
    const sh = hello(e, 'response');
    const clickable = [...ch.rows, ...sh.rows].filter((r) => r.value.term !== undefined).map((r) => `${r.label}: ${termText(r.value.term!)}`);
    const req = e.request as unknown as { ja3: string; ja4: string };
    assert.deepEqual(clickable, [
      'SNI: tls_sni == "www.shoal.test"',
      `JA3: tls_ja3 == "${req.ja3}"`,
      `JA4: tls_ja4 == "${req.ja4}"`,
      'version chosen: tls_version == "TLS 1.3"',
      `cipher suite chosen: tls_cipher == "${(e.response as unknown as { cipherSuite: string }).cipherSuite}"`,
    ]);
    assert.deepEqual(table(ch, 'alpn')!.rows.map((r) => termText(r[0]!.term!)), ['"h2" in tls_alpn', '"http/1.1" in tls_alpn']);
    for (const name of ['curl', 'tls13-alpn', 'tls12-alpn', 'tls12-certificate', 'hello-retry', 'big-client-hello', 'alert-protocol-version']) {
      for (const x of golden('tls', name)) {
        const view = tlsDetail(x);
        assertTermsSelect(x, view.hellos.flatMap((h) => [...h.rows.map((r) => r.value), ...h.tables.flatMap((t) => t.rows.flat())]));
      }
    }
  });

  it('names GREASE extension types and leaves unknown ones unnamed', () => {
    assert.equal(extensionName(0x1a1a), 'GREASE');
    assert.equal(extensionName(0xfafa), 'GREASE');
    assert.equal(extensionName(0x1a2a), 'unknown');
    assert.equal(extensionName(16), 'application_layer_protocol_negotiation');
  });
});
