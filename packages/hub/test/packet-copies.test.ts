/**
 * The merged pcap writes a packet captured on two nodes once (pcap/packet-copies.ts). The frames
 * are built as two nodes' captures of one TCP segment differ on the lab (`shoal lab`, found by
 * packages/cli/test/lab-resilience.test.ts): the client's node sees it with TTL 64 and its own
 * MAC addresses, the server's node after two routers, with TTL 62, a new IPv4 header checksum
 * and other MACs; everything from the IP identification on is the same.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { PacketCopies, packetKey } from '../dist/pcap/packet-copies.js';
import { mergePcaps, PcapSource } from '../dist/pcap/pcap-merge.js';
import { fileHeader, PcapRecordSplitter, recordHeader } from '../dist/pcap/pcap-records.js';

const ETHERNET = 1;

/** An Ethernet frame holding an IPv4/TCP segment with `payload`, as seen after `hops` routers. */
function frame(hops: number, payload: string, macByte: number, ipId = 0x1234): Buffer {
  const eth = Buffer.alloc(14);
  eth.fill(macByte, 0, 12);
  eth.writeUInt16BE(0x0800, 12);
  const body = Buffer.from(payload);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 20 + body.length, 2);
  ip.writeUInt16BE(ipId, 4);
  ip.writeUInt16BE(0x4000, 6); // DF
  ip[8] = 64 - hops;
  ip[9] = 6;
  Buffer.from([10, 244, 2, 4, 10, 244, 1, 3]).copy(ip, 12);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += ip.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  ip.writeUInt16BE(~sum & 0xffff, 10);
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(40000, 0);
  tcp.writeUInt16BE(8080, 2);
  tcp.writeUInt32BE(1, 4);
  tcp[12] = 0x50;
  tcp[13] = 0x18;
  return Buffer.concat([eth, ip, tcp, body]);
}

/** An IPv6/TCP packet in a Linux cooked (SLL) capture, with the given hop limit. */
function sll6(hopLimit: number, payload: string): Buffer {
  const sll = Buffer.alloc(16);
  sll.writeUInt16BE(0x86dd, 14);
  const body = Buffer.concat([Buffer.alloc(20), Buffer.from(payload)]);
  const ip = Buffer.alloc(40);
  ip[0] = 0x60;
  ip.writeUInt16BE(body.length, 4);
  ip[6] = 6;
  ip[7] = hopLimit;
  return Buffer.concat([sll, ip, body]);
}

describe('packets captured on two nodes', () => {
  it('the same segment seen by two nodes has one key; another segment another', () => {
    assert.equal(packetKey(ETHERNET, frame(0, 'GET / HTTP/1.1', 0xaa)), packetKey(ETHERNET, frame(2, 'GET / HTTP/1.1', 0xbb)));
    assert.notEqual(packetKey(ETHERNET, frame(0, 'GET / HTTP/1.1', 0xaa)), packetKey(ETHERNET, frame(0, 'GET /x HTTP/1.1', 0xaa)));
    assert.notEqual(packetKey(ETHERNET, frame(0, 'GET / HTTP/1.1', 0xaa)), packetKey(ETHERNET, frame(0, 'GET / HTTP/1.1', 0xaa, 0x1235)));
    assert.equal(packetKey(113, sll6(64, 'x')), packetKey(113, sll6(62, 'x')));
  });

  it('a copy from another worker within the tolerance is dropped; the same bytes again from one worker stay', () => {
    const copies = new PacketCopies(ETHERNET);
    assert.equal(copies.isCopy('node-2', 1_000_000, frame(0, 'a', 0xaa)), false);
    assert.equal(copies.isCopy('node-1', 1_000_040, frame(2, 'a', 0xbb)), true);
    // A retransmission with the same bytes, seen by both nodes: one more packet, once.
    assert.equal(copies.isCopy('node-2', 1_200_000, frame(0, 'a', 0xaa)), false);
    assert.equal(copies.isCopy('node-2', 1_200_001, frame(0, 'a', 0xaa)), false, 'one worker\'s packets are never copies of each other');
    assert.equal(copies.isCopy('node-1', 1_200_050, frame(2, 'a', 0xbb)), true);
    assert.equal(copies.copies, 2);
    // Far apart in time: not a copy.
    assert.equal(copies.isCopy('node-1', 9_000_000, frame(2, 'a', 0xbb)), false);
  });

  it('what is not IP, and link types without a known header, are never copies', () => {
    const copies = new PacketCopies(ETHERNET);
    const arp = Buffer.alloc(42);
    arp.writeUInt16BE(0x0806, 12);
    assert.equal(copies.isCopy('node-1', 1, arp), false);
    assert.equal(copies.isCopy('node-2', 2, arp), false);
    const odd = new PacketCopies(147);
    assert.equal(odd.isCopy('node-1', 1, frame(0, 'a', 1)), false);
    assert.equal(odd.isCopy('node-2', 2, frame(0, 'a', 1)), false);
  });

  it('mergePcaps writes each packet of two nodes\' exports once, in time order', async () => {
    const pcap = (records: [number, Buffer][]) => {
      const parts = [fileHeader(ETHERNET, 65535), ...records.flatMap(([tsUs, data]) => [recordHeader({ tsUs, data, originalLength: data.length }), data])];
      return new Blob([new Uint8Array(Buffer.concat(parts))]).stream();
    };
    // node-2 holds the client, node-1 the server: each sees every packet of the connection.
    const client = new PcapSource('node-2', pcap([[10, frame(0, 'req', 0xaa)], [30, frame(2, 'resp', 0xaa)]]));
    const server = new PcapSource('node-1', pcap([[12, frame(2, 'req', 0xbb)], [28, frame(0, 'resp', 0xbb)], [40, frame(0, 'fin', 0xbb)]]));
    await client.advance();
    await server.advance();
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const result = await mergePcaps([client, server], ETHERNET, out);
    assert.deepEqual(result, { packets: 3, copies: 2 });
    const splitter = new PcapRecordSplitter();
    splitter.push(Buffer.concat(chunks));
    const times: number[] = [];
    for (let r = splitter.take(); r !== undefined; r = splitter.take()) times.push(r.tsUs);
    assert.deepEqual(times, [10, 28, 40]);
  });
});
