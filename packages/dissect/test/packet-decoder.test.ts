import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LinkType } from '@shoal/model';
import type { Entry } from '@shoal/model';
import { DEFAULT_ENGINE_OPTIONS, DissectEngine, DissectorRegistry } from '../dist/index.js';
import { formatIp, formatIpv4Word } from '../dist/layers/ip-format.js';
import { PacketDecoder } from '../dist/layers/packet-decoder.js';
import { DissectStats } from '../dist/stats.js';
import { bsdLoopback, ethernet, ipv4, ipv6, ipv6Fragment, ipv6Options, sll, sll2, tcp, udp } from './helpers/packet-builder.js';

const IPV4 = 0x0800;
const IPV6 = 0x86dd;
const UDP = 17;
const TCP = 6;
const A6 = '2001:0db8:0000:0000:0000:0000:0000:0001';
const B6 = '2001:0db8:0000:0000:0000:0000:0000:0002';

function decoder() {
  const stats = new DissectStats();
  return { stats, d: new PacketDecoder(stats) };
}

function decode(d: PacketDecoder, linkType: number, frame: Buffer, ts = 0, wireLen = frame.length): boolean {
  return d.decode(linkType, ts, frame, 0, frame.length, wireLen);
}

function payloadOf(d: PacketDecoder): string {
  const p = d.packet;
  return p.buffer.subarray(p.payloadOffset, p.payloadOffset + p.payloadLength).toString('latin1');
}

describe('link layers', () => {
  const datagram = ipv4('10.244.0.1', '10.244.0.2', UDP, udp(1234, 53, Buffer.from('hello')));

  for (const [name, linkType, frame] of [
    ['Ethernet', LinkType.ETHERNET, ethernet(IPV4, datagram)],
    ['802.1Q', LinkType.ETHERNET, ethernet(IPV4, datagram, [[0x8100, 100]])],
    ['QinQ (802.1ad + 802.1Q)', LinkType.ETHERNET, ethernet(IPV4, datagram, [[0x88a8, 200], [0x8100, 100]])],
    ['Linux SLL', LinkType.LINUX_SLL, sll(IPV4, datagram)],
    ['Linux SLL2', LinkType.LINUX_SLL2, sll2(IPV4, datagram)],
    ['BSD loopback, little-endian family', LinkType.NULL, bsdLoopback(2, datagram)],
    ['OpenBSD loopback, network order', LinkType.LOOP, bsdLoopback(2, datagram, false)],
    ['raw IP', LinkType.RAW, datagram],
    ['LINKTYPE_IPV4', LinkType.IPV4, datagram],
  ] as const) {
    it(`finds IPv4/UDP inside ${name}`, () => {
      const { d } = decoder();
      assert.equal(decode(d, linkType, frame), true);
      const p = d.packet;
      assert.equal(formatIp(4, p.src), '10.244.0.1');
      assert.equal(formatIp(4, p.dst), '10.244.0.2');
      assert.deepEqual([p.transport, p.srcPort, p.dstPort], [UDP, 1234, 53]);
      assert.equal(payloadOf(d), 'hello');
    });
  }

  it('counts frames that carry no IP (ARP) and unknown link types, without failing', () => {
    const { d, stats } = decoder();
    assert.equal(decode(d, LinkType.ETHERNET, ethernet(0x0806, Buffer.alloc(28))), false);
    assert.equal(stats.nonIp, 1);
    assert.equal(decode(d, 147, datagram), false);
    assert.equal(stats.shedBytes.get('unknown_link_type'), datagram.length);
  });

  it('trims Ethernet padding by the IPv4 total length', () => {
    const { d } = decoder();
    const small = ipv4('10.0.0.1', '10.0.0.2', UDP, udp(1, 2, Buffer.from('x')));
    assert.equal(decode(d, LinkType.ETHERNET, ethernet(IPV4, Buffer.concat([small, Buffer.alloc(20, 0xee)]))), true);
    assert.equal(payloadOf(d), 'x');
  });

  it('reports bytes the snap length cut off', () => {
    const { d } = decoder();
    const full = ipv4('10.0.0.1', '10.0.0.2', TCP, tcp(1, 2, 100, 0, 0x18, Buffer.alloc(1000, 0x61)));
    const cut = full.subarray(0, 60);
    assert.equal(d.decode(LinkType.RAW, 0, cut, 0, cut.length, full.length), true);
    assert.equal(d.packet.payloadLength, 20);
    assert.equal(d.packet.payloadWireLength, 1000);
  });

  it('counts a broken header as shed and goes on', () => {
    const { d, stats } = decoder();
    const bad = Buffer.from(datagram);
    bad[0] = 0x4f; // IHL 60 bytes: longer than the packet
    assert.equal(decode(d, LinkType.RAW, bad.subarray(0, 40)), false);
    assert.equal(stats.shedPackets.get('bad_header'), 1);
  });
});

describe('IPv6', () => {
  it('walks hop-by-hop and destination options to TCP', () => {
    const { d } = decoder();
    const segment = tcp(40000, 80, 7, 0, 0x02, Buffer.alloc(0));
    const chain = Buffer.concat([ipv6Options(60, Buffer.alloc(4)), ipv6Options(TCP, Buffer.alloc(12)), segment]);
    assert.equal(decode(d, LinkType.LINUX_SLL2, sll2(IPV6, ipv6(A6, B6, 0, chain))), true);
    const p = d.packet;
    assert.equal(formatIp(6, p.src), '2001:db8::1');
    assert.deepEqual([p.transport, p.srcPort, p.dstPort, p.seq], [TCP, 40000, 80, 7]);
  });

  it('reassembles fragments (RFC 8200 §4.5)', () => {
    const { d, stats } = decoder();
    const whole = udp(5000, 6000, Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz'));
    const first = whole.subarray(0, 16);
    const second = whole.subarray(16);
    assert.equal(decode(d, LinkType.RAW, ipv6(A6, B6, 44, Buffer.concat([ipv6Fragment(UDP, 16, false, 9), second]))), false);
    assert.equal(decode(d, LinkType.RAW, ipv6(A6, B6, 44, Buffer.concat([ipv6Fragment(UDP, 0, true, 9), first]))), true);
    assert.equal(payloadOf(d), '0123456789abcdefghijklmnopqrstuvwxyz');
    assert.equal(stats.ipDatagramsReassembled, 1);
  });

  it('formats addresses per RFC 5952', () => {
    const words = (s: string) => {
      const b = Buffer.from(s.split(':').flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
      return new Uint32Array([b.readUInt32BE(0), b.readUInt32BE(4), b.readUInt32BE(8), b.readUInt32BE(12)]);
    };
    assert.equal(formatIp(6, words('0000:0000:0000:0000:0000:0000:0000:0001')), '::1');
    assert.equal(formatIp(6, words('fd00:0100:0000:0000:0001:0000:0000:0002')), 'fd00:100::1:0:0:2');
    assert.equal(formatIp(6, words('2001:0db8:0000:0001:0001:0001:0001:0001')), '2001:db8:0:1:1:1:1:1');
    assert.equal(formatIp(6, words('0000:0000:0000:0000:0000:ffff:0a00:0001')), '::ffff:10.0.0.1');
  });
});

describe('IPv4 fragments (RFC 791 §3.2)', () => {
  const payload = Buffer.from('A'.repeat(24) + 'B'.repeat(24) + 'C'.repeat(10));
  const whole = udp(7000, 8000, payload); // 66 bytes: fragments of 24 + 24 + 18
  const frag = (offset: number, end: number, more: boolean) =>
    ipv4('10.1.0.1', '10.1.0.2', UDP, whole.subarray(offset, end), { id: 77, offset, moreFragments: more });

  it('reassembles fragments that arrive out of order', () => {
    const { d, stats } = decoder();
    assert.equal(decode(d, LinkType.RAW, frag(48, 66, false)), false);
    assert.equal(decode(d, LinkType.RAW, frag(0, 24, true)), false);
    assert.equal(decode(d, LinkType.RAW, frag(24, 48, true)), true);
    assert.equal(payloadOf(d), payload.toString('latin1'));
    assert.deepEqual([d.packet.srcPort, d.packet.dstPort], [7000, 8000]);
    assert.equal(stats.ipFragments, 3);
  });

  it('sheds a datagram whose fragments never all arrive, once the timeout passes', () => {
    const { d, stats } = decoder();
    decode(d, LinkType.RAW, frag(0, 24, true), 1000);
    d.expire(1000 + 31_000);
    assert.equal(stats.shedBytes.get('ip_fragment_timeout'), 24);
    // The rest arriving afterwards cannot complete the datagram.
    assert.equal(decode(d, LinkType.RAW, frag(24, 48, true), 33_000), false);
    assert.equal(decode(d, LinkType.RAW, frag(48, 66, false), 33_000), false);
  });
});

describe('flows no dissector claims', () => {
  it('become udp and tcp flow entries with packets, bytes, duration and flags', () => {
    const entries: Entry[] = [];
    const packetsByStream = new Map<string, number>();
    const onFlowPacket = (stream: string) => packetsByStream.set(stream, (packetsByStream.get(stream) ?? 0) + 1);
    const engine = new DissectEngine({ ...DEFAULT_ENGINE_OPTIONS, registry: new DissectorRegistry([]), onFlowPacket }, (e) => entries.push(e));
    const send = (ts: number, frame: Buffer) => engine.onPacket(LinkType.RAW, ts, frame, 0, frame.length, frame.length);
    send(1000, ipv4('10.0.0.1', '10.0.0.2', UDP, udp(3333, 4444, Buffer.from('ping'))));
    send(1002, ipv4('10.0.0.2', '10.0.0.1', UDP, udp(4444, 3333, Buffer.from('pong!'))));
    send(2000, ipv4('10.0.0.1', '10.0.0.9', TCP, tcp(5555, 9999, 100, 0, 0x02, Buffer.alloc(0))));
    send(2001, ipv4('10.0.0.9', '10.0.0.1', TCP, tcp(9999, 5555, 500, 101, 0x12, Buffer.alloc(0))));
    send(2002, ipv4('10.0.0.1', '10.0.0.9', TCP, tcp(5555, 9999, 101, 501, 0x18, Buffer.from('\x00\x01binary'))));
    send(2003, ipv4('10.0.0.1', '10.0.0.9', TCP, tcp(5555, 9999, 109, 501, 0x11, Buffer.alloc(0))));
    send(2004, ipv4('10.0.0.9', '10.0.0.1', TCP, tcp(9999, 5555, 501, 110, 0x11, Buffer.alloc(0))));
    engine.finish();
    const tcpEntry = entries.find((e) => e.protocol.name === 'tcp');
    const udpEntry = entries.find((e) => e.protocol.name === 'udp');
    assert.ok(tcpEntry !== undefined && udpEntry !== undefined, JSON.stringify(entries));
    assert.deepEqual([udpEntry.src, udpEntry.dst], [{ ip: '10.0.0.1', port: 3333 }, { ip: '10.0.0.2', port: 4444 }]);
    assert.deepEqual([udpEntry.request, udpEntry.response], [{ packets: 1, bytes: 4 }, { packets: 1, bytes: 5 }]);
    assert.equal(udpEntry.elapsedMs, 2);
    assert.deepEqual(tcpEntry.src, { ip: '10.0.0.1', port: 5555 });
    assert.deepEqual(tcpEntry.request, { packets: 3, bytes: 8, flags: ['SYN', 'ACK', 'PSH', 'FIN'] });
    assert.deepEqual(tcpEntry.response, { packets: 2, bytes: 0, flags: ['SYN', 'ACK', 'FIN'] });
    assert.equal(tcpEntry.elapsedMs, 4);
    assert.equal(engine.stats.udpFlows, 1);
    assert.equal(engine.stats.tcpFlows, 1);
    // Every packet reaches the flow-packet listener under its entry's stream id (PCAP export).
    assert.deepEqual(Object.fromEntries(packetsByStream), { [udpEntry.stream]: 2, [tcpEntry.stream]: 5 });
  });
});

describe('the target filter (acceptFlow)', () => {
  it('refused flows give no entries and no stored packets; accepted ones are untouched', () => {
    const entries: Entry[] = [];
    const stored: string[] = [];
    const engine = new DissectEngine(
      {
        ...DEFAULT_ENGINE_OPTIONS,
        registry: new DissectorRegistry([]),
        acceptFlow: (a, b) => a.ip === '10.244.0.5' || b.ip === '10.244.0.5',
        onFlowPacket: (stream) => stored.push(stream),
      },
      (e) => entries.push(e),
    );
    const send = (ts: number, frame: Buffer) => engine.onPacket(LinkType.RAW, ts, frame, 0, frame.length, frame.length);
    for (let i = 0; i < 3; i++) {
      send(1000 + i, ipv4('10.244.0.9', '10.244.0.5', UDP, udp(1000, 53, Buffer.from('target'))));
      send(1000 + i, ipv4('10.244.0.9', '10.244.0.6', UDP, udp(1000, 53, Buffer.from('other'))));
    }
    engine.finish();
    assert.deepEqual(entries.map((e) => e.dst.ip), ['10.244.0.5']);
    assert.equal(entries[0]!.request?.['packets'], 3);
    assert.deepEqual(stored, [entries[0]!.stream, entries[0]!.stream, entries[0]!.stream]);
  });
});

describe('formatIpv4Word', () => {
  it('spells every address right, also past the bound of its recent ones (5,000 distinct, twice)', () => {
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < 5000; i++) {
        const word = (0x0af40000 + i * 257) >>> 0;
        assert.equal(formatIpv4Word(word), [word >>> 24, (word >>> 16) & 0xff, (word >>> 8) & 0xff, word & 0xff].join('.'));
        assert.equal(formatIpv4Word(word), formatIp(4, Uint32Array.of(word)));
      }
    }
  });
});
