/**
 * TLS pieces against their specifications: JA4 against the worked example of FoxIO's definition
 * (technical_details/JA4.md), JA3's GREASE rule (RFC 8701), the probe's verdicts (content type,
 * version, hello type, lengths; never the port), and the record layer's promise that a hello
 * split over several records (RFC 8446 §5.1) reads the same as one record.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ja3String, ja4 } from '../dist/protocols/tls/fingerprint.js';
import type { ClientHello } from '../dist/protocols/tls/hello.js';
import { tls } from '../dist/protocols/tls/index.js';
import { probe } from '../dist/protocols/tls/probe.js';
import { RecordReader } from '../dist/protocols/tls/records.js';
import { defaultRegistry } from '../dist/protocols/index.js';
import { close, gap, replay, replayAllSplits, s, type Step } from './helpers/split-replay.js';
import { connections } from './helpers/connection-scripts.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/tls/', import.meta.url));

/** The hello of JA4.md's example: 15 suites and 16 extensions (GREASE added, which must not count). */
function example(): ClientHello {
  return {
    legacyVersion: 0x0303,
    cipherSuites: [0x1a1a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035],
    extensions: [0x2a2a, 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015, 0xfafa],
    sni: 'example.com',
    alpn: ['h2', 'http/1.1'],
    alpnFirst: Buffer.from('h2'),
    versions: [0x3a3a, 0x0304, 0x0303],
    groups: [0x4a4a, 0x001d, 0x0017],
    pointFormats: [0],
    signatureAlgorithms: [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601],
    problem: null,
  };
}

describe('JA4 (FoxIO JA4.md) and JA3', () => {
  it('gives the worked example: t13d1516h2_8daaf6152771_e5627efa2ab1', () => {
    assert.equal(ja4(example()), 't13d1516h2_8daaf6152771_e5627efa2ab1');
  });

  it('without signature algorithms the extension hash has no underscore part (6d807ffa2a79)', () => {
    assert.equal(ja4({ ...example(), signatureAlgorithms: [] }).split('_')[2], '6d807ffa2a79');
  });

  it('no SNI, no ALPN, no supported_versions: i, 00 and the legacy version', () => {
    const h = { ...example(), sni: null, extensions: example().extensions.filter((x) => x !== 0 && x !== 16), alpn: [], alpnFirst: null, versions: [] };
    assert.match(ja4(h), /^t12i151400_8daaf6152771_e5627efa2ab1$/);
  });

  it('an ALPN name whose ends are not alphanumeric: the first and last hex digits', () => {
    const first = (bytes: number[]): string => ja4({ ...example(), alpnFirst: Buffer.from(bytes) }).slice(8, 10);
    assert.equal(first([0xab]), 'ab');
    assert.equal(first([0xab, 0xcd]), 'ad');
    assert.equal(first([0x30, 0xab]), '3b');
    assert.equal(first([0x30, 0x31, 0xab, 0xcd]), '3d');
    assert.equal(first([0x30, 0xab, 0xcd, 0x31]), '01');
    assert.equal(first([0x68]), 'hh');
  });

  it('no suites or no extensions left: twelve zeros', () => {
    assert.equal(ja4({ ...example(), cipherSuites: [0x0a0a] }).split('_')[1], '000000000000');
    assert.equal(ja4({ ...example(), extensions: [0x0000, 0x0010] }).split('_')[2], '000000000000');
  });

  it('JA3 leaves GREASE out of suites, extensions and groups', () => {
    assert.equal(
      ja3String(example()),
      '771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,' +
        '27-0-51-16-17513-23-45-13-5-35-18-43-65281-11-10-21,29-23,0',
    );
  });
});

describe('TLS probe', () => {
  const hello = (type: number, recordLength = 512, helloLength = 508): Buffer =>
    Buffer.from([22, 3, 1, recordLength >> 8, recordLength & 0xff, type, 0, helloLength >> 8, helloLength & 0xff, 3, 3]);

  it('a ClientHello is the client, a ServerHello the server; every shorter prefix is "more"', () => {
    assert.equal(probe(hello(1)), 'client');
    assert.equal(probe(hello(2)), 'server');
    for (let i = 0; i < 11; i++) assert.equal(probe(hello(1).subarray(0, i)), 'more', `prefix ${i}`);
  });

  it('says no to other handshake messages, other content, bad versions and lengths', () => {
    assert.equal(probe(hello(11)), 'no');
    assert.equal(probe(Buffer.from([23, 3, 3, 0, 40])), 'no');
    assert.equal(probe(Buffer.from([22, 2, 0])), 'no');
    assert.equal(probe(Buffer.from([22, 3, 9])), 'no');
    assert.equal(probe(hello(1, 0x5000)), 'no');
    assert.equal(probe(hello(1, 512, 10)), 'no');
    // An SSLv2-compatible ClientHello (RFC 5246 E.2) is not recognised.
    assert.equal(probe(Buffer.from([0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10])), 'no');
  });

  it('HTTP/1 and DNS over TCP are not TLS', () => {
    assert.equal(probe(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')), 'no');
    assert.equal(probe(Buffer.from('HTTP/1.1 200 OK\r\n')), 'no');
    assert.equal(probe(Buffer.from('001d1234010000010000000000000377777705736f616c0000010001', 'hex')), 'no');
  });

  it('no other dissector claims a real TLS connection start, cut anywhere', () => {
    const others = defaultRegistry().forLayer4('tcp').filter((spec) => spec.name !== 'tls');
    for (const name of ['tls13-alpn', 'tls12-certificate', 'curl', 'big-client-hello', 'hello-retry']) {
      for (const st of connections(`${FIXTURES}${name}.pcap`)[0]!.slice(0, 2)) {
        if (st.kind !== 'data') continue;
        for (let n = 1; n <= Math.min(st.bytes.length, 2048); n++) {
          for (const spec of others) assert.ok(['no', 'more'].includes(spec.probe(st.bytes.subarray(0, n), 'tcp')), `${spec.name} on ${name}, ${n} bytes`);
        }
        for (const spec of others) assert.equal(spec.probe(st.bytes.subarray(0, 2048), 'tcp'), 'no', `${spec.name} on ${name}`);
      }
    }
  });

  it('the default registry finds TLS on a port that is not 443', () => {
    const [script] = connections(`${FIXTURES}tls12-alpn.pcap`);
    const out = replay([...defaultRegistry().forLayer4('tcp')], script!);
    assert.equal(out.unclaimed, false);
    assert.deepEqual(out.transactions.map((t) => t.protocol.name), ['tls']);
  });
});

/** `bytes` (whole records) with every handshake record re-cut into records of at most `size` bytes. */
function rerecord(bytes: Buffer, size: number): Buffer {
  const out: Buffer[] = [];
  for (let pos = 0; pos + 5 <= bytes.length; ) {
    const type = bytes[pos]!;
    const length = bytes.readUInt16BE(pos + 3);
    const body = bytes.subarray(pos + 5, pos + 5 + length);
    const pieces = type === 22 ? Math.ceil(length / size) : 1;
    for (let i = 0; i < pieces; i++) {
      const part = type === 22 ? body.subarray(i * size, (i + 1) * size) : body;
      out.push(Buffer.from([type, bytes[pos + 1]!, bytes[pos + 2]!, part.length >> 8, part.length & 0xff]), part);
    }
    pos += 5 + length;
  }
  return Buffer.concat(out);
}

describe('TLS record layer', () => {
  it('a ClientHello and a server flight spread over many small records read the same', () => {
    const [script] = connections(`${FIXTURES}tls12-certificate.pcap`);
    const spread = script!.map((st): Step => (st.kind === 'data' ? { ...st, bytes: rerecord(st.bytes, 50) } : st));
    const a = replay(tls, script!).transactions[0]!;
    const b = replayAllSplits(tls, spread.slice(0, 4).concat(close(spread[3]!.ts + 1))).transactions[0]!;
    for (const key of ['sni', 'cipherSuites', 'ja3', 'ja4', 'extensions']) assert.deepEqual(b.request![key], a.request![key], key);
    assert.deepEqual(b.response!['certificate'], a.response!['certificate']);
    assert.ok((b.request!['records'] as number) > (a.request!['records'] as number));
  });

  it('an alert record is one alert in clear; a longer one is an encrypted alert, counted and not read (RFC 8446 §5.1)', () => {
    const alerts: number[][] = [];
    const reader = new RecordReader({ handshake: () => {}, alert: (level, description) => alerts.push([level, description]), changeCipherSpec: () => false });
    reader.push(Buffer.from([21, 3, 3, 0, 2, 2, 70, 21, 3, 3, 0, 26, ...Array<number>(26).fill(0x5a)]), 1);
    assert.deepEqual(alerts, [[2, 70]]);
    assert.deepEqual({ ...reader.counts }, { records: 2, bytes: 38, encryptedRecords: 1, encryptedBytes: 31, unframedBytes: 0 });
  });

  it('bytes lost before the ServerHello: the entry says so (DIS_ERR_GAP at the response)', () => {
    const [script] = connections(`${FIXTURES}tls12-alpn.pcap`);
    const first = script![0]!;
    const out = replay(tls, [first, gap(1, 300, first.ts + 1), close(first.ts + 2)]);
    assert.equal(out.transactions.length, 1);
    assert.deepEqual(out.transactions[0]!.malformed, { code: 'DIS_ERR_GAP', at: 'response' });
    assert.equal(out.transactions[0]!.request!['sni'], 'www.shoal.test');
  });

  it('a ClientHello without an answer: one entry, DIS_ERR_NO_RESPONSE, after the timeout or at close', () => {
    const [script] = connections(`${FIXTURES}tls12-alpn.pcap`);
    const first = script![0]!;
    const timed = replay(tls, [first, { kind: 'tick', ts: first.ts + 10 }], { responseTimeoutMs: 5 });
    const closed = replay(tls, [first, close(first.ts + 1)]);
    for (const out of [timed, closed]) {
      assert.equal(out.transactions.length, 1);
      assert.equal(out.transactions[0]!.summary.text, 'TLS www.shoal.test (no ServerHello)');
      assert.deepEqual(out.transactions[0]!.malformed, { code: 'DIS_ERR_NO_RESPONSE', at: 'response' });
    }
  });

  it('after the entry is out, the connection makes no further entries', () => {
    const [script] = connections(`${FIXTURES}tls13-alpn.pcap`);
    const steps = script!.filter((st) => st.kind === 'data');
    // The timeout passes right after the ServerHello; the encrypted rest follows.
    const withTick: Step[] = [steps[0]!, steps[1]!, { kind: 'tick', ts: steps[1]!.ts + 10 }, ...steps.slice(2), close(steps[steps.length - 1]!.ts + 1)];
    const out = replay(tls, withTick, { responseTimeoutMs: 5 });
    assert.equal(out.transactions.length, 1);
    assert.equal(out.transactions[0]!.summary.text, 'TLS 1.3 www.shoal.test h2,http/1.1');
  });

  it('a server hello first (a connection joined mid-handshake): DIS_ERR_NO_REQUEST', () => {
    const [script] = connections(`${FIXTURES}tls12-alpn.pcap`);
    const server = script!.find((st) => st.kind === 'data' && st.dir === 1) as Step & { bytes: Buffer };
    const out = replay(tls, [s(server.ts, server.bytes), close(server.ts + 1)]);
    assert.equal(out.transactions.length, 1);
    assert.equal(out.transactions[0]!.request, null);
    assert.equal(out.transactions[0]!.malformed?.code, 'DIS_ERR_NO_REQUEST');
  });
});
