/**
 * ICMP and ICMPv6 through the whole engine, on packets built octet by octet
 * (helpers/packet-builder.ts): the decoder hands ICMP messages on, an echo's flow is keyed by its
 * identifier, requests pair with replies by sequence number, errors show the 5-tuple they quote
 * (TCP, UDP, ICMP, through IPv6 extension headers, a fragment without ports), and everything else
 * becomes one flow entry; odd and random messages never throw.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LinkType, type Entry } from '@shoal/model';
import { readMessage } from '../dist/protocols/icmp/message.js';
import { quotedPacket } from '../dist/protocols/icmp/quoted.js';
import { dissectPackets } from './helpers/dissect-capture.js';
import { echoIds, ethernet, icmpMessage, ipv4, ipv6, ipv6Options, tcp, udp } from './helpers/packet-builder.js';
import { prng } from './helpers/split-replay.js';
import type { Packet } from './helpers/tcp-view.js';

const A = '10.0.0.1';
const B = '10.0.0.2';
const ROUTER = '10.0.9.1';
const A6 = '2001:0db8:0000:0000:0000:0000:0000:0001';
const B6 = '2001:0db8:0000:0000:0000:0000:0000:0002';
const ICMP = 1;
const ICMPV6 = 58;

const at = (tsMs: number, frame: Buffer): Packet => ({ linkType: LinkType.ETHERNET, tsMs, data: frame, wireLen: frame.length });
const v4 = (ts: number, src: string, dst: string, message: Buffer): Packet => at(ts, ethernet(0x0800, ipv4(src, dst, ICMP, message)));
const v6 = (ts: number, src: string, dst: string, message: Buffer): Packet => at(ts, ethernet(0x86dd, ipv6(src, dst, ICMPV6, message)));
const request = (id: number, seq: number, data = Buffer.alloc(56, 0x61)): Buffer => icmpMessage(8, 0, echoIds(id, seq), data);
const reply = (id: number, seq: number, data = Buffer.alloc(56, 0x61)): Buffer => icmpMessage(0, 0, echoIds(id, seq), data);

const line = (e: Entry): string => `${e.src.ip} -> ${e.dst.ip} | ${e.summary.text}${e.malformed !== undefined ? ` [${e.malformed.code}]` : ''}`;
const icmpOf = (packets: Packet[]): Entry[] => dissectPackets(packets).entries.filter((e) => e.protocol.name === 'icmp');

describe('ICMP echoes', () => {
  it('pair by identifier and sequence number, replies in any order; the round trip is the elapsed time', () => {
    const entries = icmpOf([
      v4(1000, A, B, request(7, 1)),
      v4(1001, A, B, request(7, 2)),
      v4(1002, A, B, request(9, 1)),
      v4(1003.5, B, A, reply(7, 2)),
      v4(1004, B, A, reply(9, 1)),
      v4(1005, B, A, reply(7, 1)),
    ]);
    assert.deepEqual(entries.map(line).sort(), [
      `${A} -> ${B} | echo request id=7 seq=1 -> echo reply`,
      `${A} -> ${B} | echo request id=7 seq=2 -> echo reply`,
      `${A} -> ${B} | echo request id=9 seq=1 -> echo reply`,
    ]);
    const first = entries.find((e) => e.request!['seq'] === 1 && e.request!['id'] === 7)!;
    assert.deepEqual([first.elapsedMs, first.timestamp, first.requestSize, first.responseSize], [5, 1000, 64, 64]);
    assert.deepEqual(first.protocol, { name: 'icmp', version: '4', abbr: 'ICMP', layer4: 'icmp' });
    assert.deepEqual(first.request, { type: 8, code: 0, typeName: 'echo request', id: 7, seq: 1, bodySize: 56 });
    assert.deepEqual([first.src.port, first.dst.port], [0, 0]);
    // Each identifier is a flow of its own.
    assert.equal(new Set(entries.map((e) => e.stream)).size, 2);
    assert.match(first.stream, /^dissect\/icmp\/\d+$/);
  });

  it('an unanswered request is marked DIS_ERR_NO_RESPONSE; a reply without request DIS_ERR_NO_REQUEST, its recipient the client', () => {
    const entries = icmpOf([v4(1000, A, B, request(7, 1)), v4(1000, B, A, reply(3, 4))]);
    assert.deepEqual(entries.map(line).sort(), [
      `${A} -> ${B} | (no request) -> echo reply id=3 seq=4 [DIS_ERR_NO_REQUEST]`,
      `${A} -> ${B} | echo request id=7 seq=1 -> no reply [DIS_ERR_NO_RESPONSE]`,
    ]);
  });

  it('the same request again: the first went unanswered', () => {
    const entries = icmpOf([v4(1000, A, B, request(7, 1)), v4(2000, A, B, request(7, 1)), v4(2001, B, A, reply(7, 1))]);
    assert.deepEqual(entries.map((e) => [line(e), e.timestamp]), [
      [`${A} -> ${B} | echo request id=7 seq=1 -> no reply [DIS_ERR_NO_RESPONSE]`, 1000],
      [`${A} -> ${B} | echo request id=7 seq=1 -> echo reply`, 2000],
    ]);
  });

  it('ICMPv6 echoes pair the same way, as ICMPv6', () => {
    const [e] = icmpOf([v6(1, A6, B6, icmpMessage(128, 0, echoIds(1, 1))), v6(2, B6, A6, icmpMessage(129, 0, echoIds(1, 1)))]);
    assert.deepEqual([line(e!), e!.protocol.abbr, e!.protocol.version], ['2001:db8::1 -> 2001:db8::2 | echo request id=1 seq=1 -> echo reply', 'ICMPv6', '6']);
  });

  it('a message shorter than its header is DIS_ERR_TRUNCATED', () => {
    const [e] = icmpOf([v4(1, A, B, Buffer.from([8, 0, 0, 0, 0, 7]))]);
    assert.equal(line(e!), `${A} -> ${B} | echo request -> no reply [DIS_ERR_TRUNCATED]`);
  });
});

describe('ICMP errors', () => {
  it('port unreachable: the quoted UDP 5-tuple; the recipient of the error is the client', () => {
    const quoted = ipv4(A, B, 17, udp(40000, 9, Buffer.from('probe\n')));
    const [e] = icmpOf([v4(1, B, A, icmpMessage(3, 3, Buffer.alloc(4), quoted))]);
    assert.equal(line(e!), `${A} -> ${B} | destination unreachable: port unreachable (UDP ${A}:40000 -> ${B}:9)`);
    assert.deepEqual(e!.response, {
      type: 3, code: 3, typeName: 'destination unreachable', codeName: 'port unreachable', bodySize: quoted.length,
      quoted: { protocol: 'udp', src: A, dst: B, srcPort: 40000, dstPort: 9 },
    });
    assert.equal(e!.request, null);
  });

  it('fragmentation needed with the next-hop MTU, from a router, about TCP', () => {
    const mtu = Buffer.from([0, 0, 0x05, 0x78]);
    const [e] = icmpOf([v4(1, ROUTER, A, icmpMessage(3, 4, mtu, ipv4(A, B, 6, tcp(50000, 443, 1, 0, 0x18, Buffer.alloc(0)).subarray(0, 8))))]);
    assert.equal(line(e!), `${A} -> ${ROUTER} | destination unreachable: fragmentation needed and DF set (TCP ${A}:50000 -> ${B}:443)`);
    assert.equal(e!.response!['mtu'], 1400);
  });

  it('time exceeded about a ping, parameter problem with its pointer, redirect with its gateway', () => {
    const ping = ipv4(A, '10.0.5.5', 1, request(7, 3).subarray(0, 8));
    const entries = icmpOf([
      v4(1, ROUTER, A, icmpMessage(11, 0, Buffer.alloc(4), ping)),
      v4(2, ROUTER, A, icmpMessage(12, 0, Buffer.from([20, 0, 0, 0]), ping)),
      v4(3, ROUTER, A, icmpMessage(5, 1, Buffer.from([10, 0, 9, 2]), ping)),
    ]);
    assert.deepEqual(entries.map(line), [
      `${A} -> ${ROUTER} | time exceeded: TTL exceeded in transit (ICMP ${A} -> 10.0.5.5 echo request id=7 seq=3)`,
      `${A} -> ${ROUTER} | parameter problem: pointer indicates the error (ICMP ${A} -> 10.0.5.5 echo request id=7 seq=3)`,
      `${A} -> ${ROUTER} | redirect: for the host (ICMP ${A} -> 10.0.5.5 echo request id=7 seq=3)`,
    ]);
    assert.deepEqual([entries[1]!.response!['pointer'], entries[2]!.response!['gateway']], [20, '10.0.9.2']);
  });

  it('ICMPv6 packet too big with its MTU, about TCP behind a hop-by-hop header', () => {
    const inner = ipv6(A6, B6, 0, Buffer.concat([ipv6Options(6, Buffer.alloc(4)), tcp(50000, 443, 1, 0, 0x18, Buffer.alloc(0))]));
    const [e] = icmpOf([v6(1, B6, A6, icmpMessage(2, 0, Buffer.from([0, 0, 0x05, 0x00]), inner))]);
    assert.equal(line(e!), '2001:db8::1 -> 2001:db8::2 | packet too big (TCP [2001:db8::1]:50000 -> [2001:db8::2]:443)');
    assert.equal(e!.response!['mtu'], 1280);
  });

  it('a quote of a later fragment has no ports; a quote too short for the IP header has no 5-tuple', () => {
    const later = ipv4(A, B, 17, Buffer.alloc(8), { offset: 1480 });
    const entries = icmpOf([v4(1, B, A, icmpMessage(11, 1, Buffer.alloc(4), later)), v4(2, B, A, icmpMessage(3, 1, Buffer.alloc(4), Buffer.alloc(10)))]);
    assert.deepEqual(entries.map(line), [
      `${A} -> ${B} | time exceeded: fragment reassembly time exceeded (UDP ${A} -> ${B})`,
      `${A} -> ${B} | destination unreachable: host unreachable`,
    ]);
  });
});

describe('other ICMP messages', () => {
  it('are counted per side and type into one flow entry, its client the first sender', () => {
    const ns = (ts: number) => v6(ts, A6, B6, icmpMessage(135, 0, Buffer.alloc(4), Buffer.alloc(16)));
    const na = (ts: number) => v6(ts, B6, A6, icmpMessage(136, 0, Buffer.from([0x60, 0, 0, 0]), Buffer.alloc(16)));
    const [e] = icmpOf([ns(1), na(2), ns(10), na(11), v6(12, A6, B6, icmpMessage(200, 3, Buffer.alloc(4)))]);
    assert.equal(line(e!), '2001:db8::1 -> 2001:db8::2 | neighbor solicitation x2, type 200 (code 3) x1, neighbor advertisement x2');
    assert.deepEqual(e!.request, {
      packets: 3, bytes: 2 * 24 + 8,
      messages: [{ type: 135, code: 0, typeName: 'neighbor solicitation', count: 2 }, { type: 200, code: 3, typeName: 'type 200', codeName: 'code 3', count: 1 }],
    });
    assert.deepEqual([e!.timestamp, e!.elapsedMs, e!.responseSize], [1, 11, 48]);
  });
});

describe('ICMP never throws on malformed input', () => {
  it('messages and quotes of random bytes, and random ICMP packets through the engine', () => {
    const rnd = prng(792);
    const noise = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
    const packets: Packet[] = [];
    for (let round = 0; round < 5000; round++) {
      const b = noise(4 + Math.floor(rnd() * 120));
      if (round % 3 === 0) b[0] = [3, 11, 12, 5, 1, 2, 3, 4][round % 8]!;
      readMessage(round % 2 === 0 ? 4 : 6, b, round);
      quotedPacket(b, 0, b.length);
      if (round % 10 === 0) packets.push(round % 20 === 0 ? v4(round, A, B, b) : v6(round, A6, B6, b));
    }
    const entries = icmpOf(packets);
    assert.ok(entries.length > 0 && entries.every((e) => typeof e.summary.text === 'string'));
  });
});
