/**
 * Hostile input never throws and never hangs: random bytes as packets of every link type, random
 * bytes behind plausible link/IP/TCP headers (so the fuzz reaches IP reassembly, TCP reassembly and
 * the dissectors instead of stopping at the first header), damaged real packets, and damaged
 * capture files. Seeded PRNG (failures reproduce) and fixed round counts, a few seconds in all.
 */

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CaptureFileReader, PcapWriter } from '@shoal/capture';
import { LinkType, type PacketSink, isShoalError } from '@shoal/model';
import { DEFAULT_ENGINE_OPTIONS, DissectEngine, defaultRegistry } from '../dist/index.js';
import { readCapture, replay, resegment, type Packet } from './helpers/capture-rewrite.js';
import { prng } from './helpers/split-replay.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/http1/', import.meta.url));
const LINK_TYPES = [
  LinkType.ETHERNET,
  LinkType.LINUX_SLL,
  LinkType.LINUX_SLL2,
  LinkType.NULL,
  LinkType.LOOP,
  LinkType.RAW,
  LinkType.IPV4,
  LinkType.IPV6,
  147, // a link type nobody decodes (USER0): counted, skipped
];
const GUARD = { timeout: 20_000 }; // a hang fails the test instead of stalling the run

type Rand = () => number;
const int = (r: Rand, n: number): number => Math.floor(r() * n);
const bytes = (r: Rand, n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(r, 256)));
const pick = <T>(r: Rand, items: readonly T[]): T => items[int(r, items.length)]!;

/** A small engine, so eviction, budget and timeout paths run too, not only the happy path. */
function engine(): DissectEngine {
  return new DissectEngine(
    {
      ...DEFAULT_ENGINE_OPTIONS,
      registry: defaultRegistry(),
      maxFlows: 16,
      bodyCapBytes: 512,
      responseTimeoutMs: 500,
      tcpIdleTimeoutMs: 2000,
      udpIdleTimeoutMs: 1000,
      reassembly: { perDirectionBytes: 4096, globalBytes: 16384 },
    },
    () => {},
  );
}

/** Link header for `linkType` carrying `ethertype` (or the address family for NULL/LOOP). */
function linkHeader(r: Rand, linkType: number, v6: boolean): Buffer {
  const type = v6 ? 0x86dd : 0x0800;
  switch (linkType) {
    case LinkType.ETHERNET: {
      const tags = pick(r, [[], [0x8100], [0x88a8, 0x8100], [0x9100, 0x8100, 0x8100]]);
      const h = Buffer.concat([bytes(r, 12), ...tags.map((t) => Buffer.from([t >> 8, t & 0xff, int(r, 256), int(r, 256)]))]);
      return Buffer.concat([h, Buffer.from([type >> 8, type & 0xff])]);
    }
    case LinkType.LINUX_SLL:
      return Buffer.concat([bytes(r, 14), Buffer.from([type >> 8, type & 0xff])]);
    case LinkType.LINUX_SLL2:
      return Buffer.concat([Buffer.from([type >> 8, type & 0xff]), bytes(r, 18)]);
    case LinkType.NULL:
      return Buffer.from([v6 ? pick(r, [24, 28, 30]) : 2, 0, 0, 0]);
    case LinkType.LOOP:
      return Buffer.from([0, 0, 0, v6 ? 30 : 2]);
    default:
      return Buffer.alloc(0);
  }
}

/** IP + transport headers that decode, around random fields and a random payload. */
function plausiblePacket(r: Rand, linkType: number): { pkt: Buffer; ipAt: number } {
  const v6 = linkType === LinkType.IPV6 || (linkType !== LinkType.IPV4 && r() < 0.4);
  const proto = pick(r, [6, 6, 6, 17, 1, 44]);
  const ports = Buffer.from([0x1f, 0x90 + int(r, 4), 0xc0, int(r, 8)]); // few ports: flows repeat
  if (r() < 0.5) ports.reverse();
  const payload = r() < 0.5 ? bytes(r, int(r, 300)) : Buffer.from(pick(r, ['GET / HTTP/1.1\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', 'POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n']) + bytes(r, int(r, 40)).toString('latin1'), 'latin1');
  const tcp = Buffer.concat([ports, bytes(r, 8), Buffer.from([(5 + int(r, 3)) << 4, pick(r, [0x02, 0x12, 0x10, 0x18, 0x11, 0x04, int(r, 256)])]), bytes(r, 6)]);
  const transport = proto === 6 ? Buffer.concat([tcp, bytes(r, int(r, 3) * 4)]) : proto === 17 ? Buffer.concat([ports, Buffer.from([0, int(r, 255), 0, 0])]) : bytes(r, 8);
  const body = Buffer.concat([transport, payload]);
  let ip: Buffer;
  if (v6) {
    ip = Buffer.concat([Buffer.from([0x60, 0, 0, 0, body.length >> 8, body.length & 0xff, proto, 64]), Buffer.alloc(15), Buffer.from([1 + int(r, 2)]), Buffer.alloc(15), Buffer.from([1 + int(r, 2)])]);
  } else {
    const total = r() < 0.9 ? 20 + body.length : int(r, 65536);
    const frag = r() < 0.1 ? int(r, 65536) : 0x4000; // sometimes fragments, mostly DF
    ip = Buffer.from([0x45, 0, total >> 8, total & 0xff, 0, int(r, 4), frag >> 8, frag & 0xff, 64, proto, 0, 0, 10, 0, 0, 1 + int(r, 2), 10, 0, 0, 1 + int(r, 2)]);
  }
  const link = linkHeader(r, linkType, v6);
  return { pkt: Buffer.concat([link, ip, body]), ipAt: link.length };
}

/**
 * An IPv4 packet (after `linkLength` bytes of link header) split into two fragments at a multiple
 * of 8 (RFC 791), sometimes overlapping or with the second first: IP reassembly runs for real.
 */
function fragments(r: Rand, pkt: Buffer, linkLength: number): Buffer[] {
  const ip = pkt.subarray(linkLength);
  if (ip.length < 40 || ip[0] !== 0x45) return [pkt];
  const body = ip.subarray(20);
  const at = 8 * (1 + int(r, Math.max(1, Math.floor(body.length / 8) - 1)));
  const overlap = r() < 0.2 ? 8 : 0;
  const piece = (from: number, to: number, more: boolean): Buffer => {
    const head = Buffer.from(ip.subarray(0, 20));
    head.writeUInt16BE(20 + to - from, 2);
    head.writeUInt16BE((more ? 0x2000 : 0) | (from / 8), 6);
    return Buffer.concat([pkt.subarray(0, linkLength), head, body.subarray(from, to)]);
  };
  const parts = [piece(0, Math.min(at, body.length), true), piece(Math.max(0, at - overlap), body.length, false)];
  return r() < 0.3 ? parts.reverse() : parts;
}

/** Feeds one packet the way capture sources do: a window into a larger buffer. */
function feed(sink: PacketSink, linkType: number, ts: number, pkt: Buffer, r: Rand): void {
  const pad = int(r, 8);
  const buf = Buffer.concat([bytes(r, pad), pkt, bytes(r, int(r, 4))]);
  const wire = r() < 0.1 ? pkt.length + int(r, 2000) : pkt.length; // sometimes cut by a snap length
  sink.onPacket(linkType, ts, buf, pad, pkt.length, wire);
}

describe('layers fuzz: packets', () => {
  it('random bytes as packets of every link type never throw', GUARD, () => {
    const r = prng(0x5eed1);
    for (const linkType of LINK_TYPES) {
      const e = engine();
      let ts = 1_700_000_000_000;
      for (let i = 0; i < 4000; i++) {
        ts += r() < 0.01 ? -int(r, 5000) : int(r, 300);
        feed(e, linkType, ts, bytes(r, int(r, r() < 0.9 ? 80 : 1600)), r);
      }
      e.finish();
      assert.equal(e.stats.packets, 4000);
    }
  });

  it('plausible headers around random fields and payloads never throw', GUARD, () => {
    const r = prng(0x5eed2);
    for (const linkType of LINK_TYPES) {
      const e = engine();
      let ts = 1_700_000_000_000;
      for (let i = 0; i < 6000; i++) {
        ts += int(r, 200);
        const { pkt, ipAt } = plausiblePacket(r, linkType);
        if (r() < 0.1) {
          for (const f of fragments(r, pkt, ipAt)) feed(e, linkType, ts, f, r);
          continue;
        }
        // Also cut it anywhere: every header may end early.
        feed(e, linkType, ts, r() < 0.2 ? pkt.subarray(0, int(r, pkt.length + 1)) : pkt, r);
      }
      e.finish();
      if (linkType === 147) continue;
      assert.ok(e.stats.tcpPackets > 0, `link type ${linkType}: the fuzz reached TCP`);
      assert.ok((e.stats.entriesByProtocol.get('http') ?? 0) > 0, `link type ${linkType}: the fuzz reached HTTP`);
      if (linkType !== LinkType.IPV6) assert.ok(e.stats.ipDatagramsReassembled > 0, `link type ${linkType}: the fuzz reached IP reassembly`);
    }
  });

  it('real packets with bytes flipped or cut never throw', GUARD, () => {
    const r = prng(0x5eed3);
    const names = ['keep-alive.pcap', 'vlan.pcap', 'qinq.pcap', 'sll.pcap', 'sll2.pcap', 'ipv6.pcap', 'gzip.pcap', 'chunked-trailers.pcap', 'dumpcap.pcapng'];
    for (const name of names) {
      const real = resegment(readCapture(path.join(FIXTURES, name)), 97);
      for (let round = 0; round < 40; round++) {
        const damaged: Packet[] = real.map((p) => {
          const data = Buffer.from(p.data);
          const flips = r() < 0.5 ? 1 : int(r, 6);
          // Mostly in the headers (the first 80 bytes), where a flip changes the most.
          for (let f = 0; f < flips; f++) data[r() < 0.8 ? int(r, Math.min(80, data.length)) : int(r, data.length)] = int(r, 256);
          const cut = r() < 0.1 ? int(r, data.length + 1) : data.length;
          return { ...p, data: data.subarray(0, cut), wireLen: r() < 0.5 ? p.wireLen : data.length };
        });
        const e = engine();
        replay(damaged, e);
        e.finish();
      }
    }
  });
});

describe('layers fuzz: capture files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-fuzz-'));
  const sink: PacketSink = { onPacket: () => {} };

  /** Opening and reading `bytes` either works or throws a ShoalError: nothing else. */
  function read(bytes: Buffer, label: string): void {
    const file = path.join(dir, 'fuzz.cap');
    fs.writeFileSync(file, bytes);
    try {
      const reader = CaptureFileReader.open(file, { chunkBytes: 1 + (bytes.length % 4096) });
      try {
        reader.readAll(sink);
      } finally {
        reader.close();
      }
    } catch (err) {
      assert.ok(isShoalError(err), `${label}: threw ${String(err)}`);
    }
  }

  it('random files, random files with a capture magic, damaged real files', GUARD, () => {
    const r = prng(0x5eed4);
    const real = ['keep-alive.pcap', 'nanosecond.pcap', 'dumpcap.pcapng', 'nanosecond-editcap.pcapng'].map((n) => fs.readFileSync(path.join(FIXTURES, n)));
    const magics = ['d4c3b2a1', 'a1b2c3d4', '4d3cb2a1', 'a1b23c4d', '0a0d0d0a'].map((h) => Buffer.from(h, 'hex'));
    try {
      for (let i = 0; i < 300; i++) {
        read(bytes(r, int(r, 600)), `random file ${i}`);
        read(Buffer.concat([pick(r, magics), bytes(r, int(r, 600))]), `random file with a magic ${i}`);
        const file = Buffer.from(pick(r, real));
        for (let f = 0, n = 1 + int(r, 8); f < n; f++) file[int(r, Math.min(file.length, r() < 0.5 ? 64 : file.length))] = int(r, 256);
        read(file.subarray(0, r() < 0.5 ? file.length : int(r, file.length + 1)), `damaged real file ${i}`);
      }
      // A valid header and a record that claims more than the file holds.
      const w = PcapWriter.inMemory({ linkType: LinkType.ETHERNET });
      w.writePacket(1000, bytes(r, 60));
      const whole = w.toBuffer();
      whole.writeUInt32LE(0xffffffff, 24 + 8);
      read(whole, 'record with an absurd captured length');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
