/**
 * Recognising DNS by its bytes (protocols/dns/probe.ts): over UDP a datagram must be exactly one
 * well-formed message; over TCP the length prefix, a consistent header and the first question
 * decide, `more` until they have arrived. Then the whole engine: DNS on ports that are not 53 is
 * still DNS, and HTTP on port 53 is still HTTP (ports only break ties).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LinkType } from '@shoal/model';
import { dns } from '../dist/protocols/dns/index.js';
import { probeDatagram, probeStream } from '../dist/protocols/dns/probe.js';
import type { Packet } from './helpers/capture-rewrite.js';
import { dissectPackets } from './helpers/dissect-capture.js';
import { a, AA, framed, message, opt, QR, query, response } from './helpers/dns-wire.js';
import { ipv4, tcp, udp } from './helpers/packet-builder.js';

const Q = query(0x1234, 'www.example.com', 1, [opt(1232)]);
const R = response(0x1234, 'www.example.com', 1, [{ name: 'www.example.com', type: 1, rdata: a('93.184.216.34') }]);

describe('DNS probe over UDP (one datagram, one message)', () => {
  it('a query is the client, a response the server', () => {
    assert.equal(probeDatagram(Q), 'client');
    assert.equal(probeDatagram(R), 'server');
    assert.equal(dns.probe(Q, 'udp'), 'client');
  });

  it('NOTIFY and UPDATE are DNS too; a bare error response is a response', () => {
    assert.equal(probeDatagram(message({ id: 1, flags: 4 << 11 | AA, questions: [{ name: 'example.com', type: 6 }] })), 'client');
    assert.equal(probeDatagram(message({ id: 1, flags: 5 << 11, questions: [{ name: 'example.com', type: 6 }] })), 'client');
    assert.equal(probeDatagram(message({ id: 1, flags: QR | 1 })), 'server', 'FORMERR without a question');
  });

  it('an mDNS announcement (a response without a question) is DNS', () => {
    const announce = message({ id: 0, flags: QR | AA, answers: [{ name: 'printer.local', type: 1, class: 0x8001, rdata: a('192.168.1.9') }] });
    assert.equal(probeDatagram(announce), 'server');
  });

  it('refuses what is not exactly one message', () => {
    assert.equal(probeDatagram(Buffer.concat([Q, Buffer.from([0])])), 'no', 'trailing bytes');
    assert.equal(probeDatagram(Q.subarray(0, Q.length - 1)), 'no', 'cut short');
    assert.equal(probeDatagram(Q.subarray(0, 11)), 'no', 'shorter than a header');
  });

  it('refuses headers that do not agree with themselves', () => {
    const bad = (patch: (b: Buffer) => void): Buffer => {
      const b = Buffer.from(Q);
      patch(b);
      return b;
    };
    for (const [what, b] of [
      ['the reserved Z bit', bad((b) => (b[3]! |= 0x40))],
      ['an obsolete opcode (IQUERY)', bad((b) => (b[2]! |= 1 << 3))],
      ['a query with an rcode', bad((b) => (b[3]! |= 2))],
      ['a query with two questions', bad((b) => b.writeUInt16BE(2, 4))],
      ['a query with an answer', bad((b) => b.writeUInt16BE(1, 6))],
      ['a question of type 0', bad((b) => b.writeUInt16BE(0, 29))],
      ['a question of class 2', bad((b) => b.writeUInt16BE(2, 31))],
    ] as const) {
      assert.equal(probeDatagram(b), 'no', what);
    }
    assert.equal(probeDatagram(message({ id: 1, flags: QR })), 'no', 'an empty NOERROR response');
    assert.equal(probeDatagram(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n')), 'no');
  });
});

describe('DNS probe over TCP (length-prefixed, RFC 1035 §4.2.2)', () => {
  it('waits for the header and the first question, wherever the stream is cut, then decides', () => {
    const bytes = framed(Q);
    // Length (2) + header (12) + "www.example.com" (17) + type and class (4).
    const decides = 2 + 12 + 17 + 4;
    for (let n = 0; n <= bytes.length; n++) {
      assert.equal(probeStream(bytes.subarray(0, n)), n < decides ? 'more' : 'client', `${n} bytes`);
    }
    assert.equal(dns.probe(bytes, 'tcp'), 'client');
    assert.equal(probeStream(framed(R)), 'server');
  });

  it('decides on the first message alone, even when more bytes follow', () => {
    assert.equal(probeStream(Buffer.concat([framed(Q), Buffer.from('garbage')])), 'client');
  });

  it('refuses a length shorter than a header, a length shorter than the question, and text', () => {
    assert.equal(probeStream(Buffer.from([0, 11, ...Q.subarray(0, 11)])), 'no');
    const short = framed(Q);
    short.writeUInt16BE(20, 0);
    assert.equal(probeStream(short), 'no');
    assert.equal(probeStream(Buffer.from('GET / HTTP/1.1\r\n\r\n')), 'no');
    assert.equal(probeStream(Buffer.from('HTTP/1.1 200 OK\r\n\r\n')), 'no');
  });
});

describe('DNS detection in the engine: ports only break ties', () => {
  const CLIENT = '10.1.0.1';
  const SERVER = '10.1.0.2';
  const at = (ms: number, data: Buffer): Packet => ({ linkType: LinkType.RAW, tsMs: ms, data, wireLen: data.length });
  const up = (sport: number, dport: number, payload: Buffer, ms: number): Packet => at(ms, ipv4(CLIENT, SERVER, 17, udp(sport, dport, payload)));
  const down = (sport: number, dport: number, payload: Buffer, ms: number): Packet => at(ms, ipv4(SERVER, CLIENT, 17, udp(dport, sport, payload)));

  /** A TCP connection from CLIENT:cport to SERVER:sport carrying `c2s` then `s2c`, closed. */
  function tcpExchange(cport: number, sport: number, c2s: Buffer, s2c: Buffer): Packet[] {
    const SYN = 0x02;
    const ACK = 0x10;
    const PSH = 0x08;
    const FIN = 0x01;
    const c = (seq: number, ack: number, flags: number, p: Buffer, ms: number): Packet => at(ms, ipv4(CLIENT, SERVER, 6, tcp(cport, sport, seq, ack, flags, p)));
    const s = (seq: number, ack: number, flags: number, p: Buffer, ms: number): Packet => at(ms, ipv4(SERVER, CLIENT, 6, tcp(sport, cport, seq, ack, flags, p)));
    return [
      c(100, 0, SYN, Buffer.alloc(0), 1),
      s(500, 101, SYN | ACK, Buffer.alloc(0), 2),
      c(101, 501, ACK, Buffer.alloc(0), 3),
      c(101, 501, ACK | PSH, c2s, 4),
      s(501, 101 + c2s.length, ACK | PSH, s2c, 5),
      c(101 + c2s.length, 501 + s2c.length, ACK | FIN, Buffer.alloc(0), 6),
      s(501 + s2c.length, 102 + c2s.length, ACK | FIN, Buffer.alloc(0), 7),
    ];
  }

  it('DNS over UDP between two high ports is DNS', () => {
    const got = dissectPackets([up(40000, 5300, Q, 1), down(40000, 5300, R, 2)]);
    assert.deepEqual(got.entries.map((e) => [e.protocol.name, e.protocol.layer4, e.summary.text, e.src.port]), [
      ['dns', 'udp', 'A www.example.com -> 93.184.216.34', 40000],
    ]);
  });

  it('DNS over TCP on port 8053 is DNS; the client is the side that asks', () => {
    const got = dissectPackets(tcpExchange(40001, 8053, framed(Q), framed(R)));
    assert.deepEqual(got.entries.map((e) => [e.protocol.name, e.protocol.layer4, e.summary.text, e.src.port, e.dst.port]), [
      ['dns', 'tcp', 'A www.example.com -> 93.184.216.34', 40001, 8053],
    ]);
  });

  it('the response alone (the capture began after the query) still makes the server the server', () => {
    const got = dissectPackets([down(40002, 5300, R, 1)]);
    assert.deepEqual(got.entries.map((e) => [e.summary.text, e.src.port, e.dst.port, e.malformed?.code]), [
      ['A www.example.com -> 93.184.216.34', 40002, 5300, 'DIS_ERR_NO_REQUEST'],
    ]);
  });

  it('HTTP on port 53 is HTTP, and noise to port 53 is a UDP flow', () => {
    const get = Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    const ok = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    const got = dissectPackets([...tcpExchange(40003, 53, get, ok), up(40004, 53, Buffer.from('hello'), 8)]);
    assert.deepEqual(got.entries.map((e) => [e.protocol.name, e.summary.text.split(':')[0]]), [
      ['http', 'GET / -> 200'],
      ['udp', 'UDP 10.1.0.1'],
    ]);
  });
});
