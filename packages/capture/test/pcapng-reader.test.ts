import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LinkType } from '@shoal/model';
import { CaptureFileReader, PcapWriter } from '@shoal/capture';
import { PcapngBuilder } from './helpers/pcapng-builder.js';
import { readCapture } from './helpers/read-capture.js';
import { fromHex, pseudoRandomBytes, tempFile } from './helpers/temp-files.js';

// Hand-written, per draft-ietf-opsawg-pcapng §4.1-4.3, so the builder is not the only
// source of truth.
const HAND_WRITTEN = `
  0a 0d 0d 0a  1c 00 00 00  # SHB, 28 bytes
  4d 3c 2b 1a               # byte-order magic, little-endian
  01 00 00 00               # version 1.0
  ff ff ff ff ff ff ff ff   # section length: unspecified
  1c 00 00 00
  01 00 00 00  20 00 00 00  # IDB, 32 bytes
  01 00 00 00               # LINKTYPE_ETHERNET, reserved
  00 00 00 00               # snaplen 0 (unlimited)
  09 00 01 00  09 00 00 00  # if_tsresol = 9 (nanoseconds), padded
  00 00 00 00               # opt_endofopt
  20 00 00 00
  06 00 00 00  24 00 00 00  # EPB, 36 bytes
  00 00 00 00               # interface 0
  fe 9c 97 17  15 cd 85 3d  # timestamp 1700000000123456789 ns (high, low)
  04 00 00 00  40 00 00 00  # captured 4, original 64
  de ad be ef
  24 00 00 00
`;

const SECOND = 1700000000n;

describe('pcapng reader', () => {
  it('reads a hand-written file with if_tsresol = 9', () => {
    const result = readCapture(tempFile(fromHex(HAND_WRITTEN)));
    assert.equal(result.format, 'pcapng');
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.packets, [
      {
        linkType: LinkType.ETHERNET,
        timestampMs: 1700000000 * 1000 + (123456789 * 1000) / 1e9,
        hex: 'deadbeef',
        capturedLength: 4,
        originalLength: 64,
      },
    ]);
  });

  it('gives a packet the same timestamp as the nanosecond pcap of it, to the bit', () => {
    const pcap = fromHex(`
      4d 3c b2 a1  02 00 04 00  00 00 00 00  00 00 00 00  ff ff 00 00  01 00 00 00
      00 f1 53 65  15 cd 5b 07  04 00 00 00  40 00 00 00  de ad be ef`);
    const fromPcap = readCapture(tempFile(pcap)).packets;
    const fromPcapng = readCapture(tempFile(fromHex(HAND_WRITTEN))).packets;
    assert.equal(fromPcap[0]?.timestampMs, fromPcapng[0]?.timestampMs);
  });

  it('handles two interfaces with different link types and resolutions', () => {
    const file = new PcapngBuilder()
      .section()
      .interface(LinkType.ETHERNET, 65535) // no if_tsresol: microseconds
      .interface(LinkType.RAW, 0, { tsresol: 9, extraOption: { code: 2, value: Buffer.from('eth0') } })
      .enhanced(0, SECOND * 1_000_000n + 250_000n, Buffer.from('0102', 'hex'))
      .enhanced(1, SECOND * 1_000_000_000n + 999_999_999n, Buffer.from('450000', 'hex'), 1500)
      .build();
    const reader = CaptureFileReader.open(tempFile(file));
    const packets: [number, number, number][] = [];
    reader.readAll({ onPacket: (lt, ts, _d, _o, cap, orig) => packets.push([lt, ts, orig - cap]) });
    assert.deepEqual(packets, [
      [LinkType.ETHERNET, 1700000000250, 0],
      [LinkType.RAW, 1700000000 * 1000 + (999999999 * 1000) / 1e9, 1497],
    ]);
    assert.equal(reader.interfaces.length, 2);
    assert.equal(reader.interfaces[0]?.snapLength, 65535);
    assert.equal(reader.interfaces[1]?.timestamps.unitsPerSecond, 1e9);
  });

  it('supports base-2 if_tsresol and if_tsoffset', () => {
    const file = new PcapngBuilder()
      .section()
      .interface(LinkType.ETHERNET, 0, { tsresol: 0x80 | 10 }) // 2^-10 s
      .interface(LinkType.ETHERNET, 0, { tsresol: 3, tsoffset: 3600n }) // ms, +1 hour
      .interface(LinkType.ETHERNET, 0, { tsresol: 0x80 | 40 }) // 2^-40 s: beyond the exact path
      .enhanced(0, SECOND * 1024n + 512n, Buffer.alloc(1))
      .enhanced(1, 5_000n, Buffer.alloc(1))
      .enhanced(2, (1_000_000n << 40n) + (1n << 39n), Buffer.alloc(1)) // 1e6 s + 0.5 s
      .build();
    const ts = readCapture(tempFile(file)).packets.map((p) => p.timestampMs);
    assert.deepEqual(ts, [1700000000500, 3600 * 1000 + 5000, 1000000500]);
  });

  it('reads Simple Packet Blocks and obsolete Packet Blocks', () => {
    const file = new PcapngBuilder()
      .section()
      .interface(LinkType.ETHERNET, 6, { tsresol: 6 })
      .interface(LinkType.NULL, 0)
      .simple(Buffer.from('00112233', 'hex')) // before any timestamp: 0
      .packet(1, SECOND * 1_000_000n + 7n, Buffer.from('02000000', 'hex'))
      .simple(Buffer.from('0011223344556677', 'hex'), 100) // snaplen 6 of interface 0 applies
      .simple(Buffer.from('aabbccdd', 'hex'), 3) // original length shorter than the data area
      .build();
    const result = readCapture(tempFile(file));
    assert.deepEqual(result.warnings, []);
    const pbTs = 1700000000 * 1000 + (7 * 1000) / 1e6;
    assert.deepEqual(result.packets, [
      { linkType: 1, timestampMs: 0, hex: '00112233', capturedLength: 4, originalLength: 4 },
      { linkType: 0, timestampMs: pbTs, hex: '02000000', capturedLength: 4, originalLength: 4 },
      { linkType: 1, timestampMs: pbTs, hex: '001122334455', capturedLength: 6, originalLength: 100 },
      { linkType: 1, timestampMs: pbTs, hex: 'aabbcc', capturedLength: 3, originalLength: 3 },
    ]);
  });

  it('reads several sections with different byte orders, each with its own interfaces', () => {
    const file = new PcapngBuilder()
      .section(true)
      .interface(LinkType.ETHERNET)
      .interface(LinkType.RAW)
      .enhanced(1, 1_000_000n, Buffer.from('45', 'hex'))
      .section(false)
      .interface(LinkType.LINUX_SLL, 0, { tsresol: 9 })
      .enhanced(0, 2_000_000_000n, Buffer.from('0001', 'hex'))
      .packet(0, 3_000_000_000n, Buffer.from('0002', 'hex'))
      .section(true)
      .interface(LinkType.IPV6)
      .enhanced(0, 4_000_000n, Buffer.from('60', 'hex'))
      .build();
    const result = readCapture(tempFile(file));
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(
      result.packets.map((p) => [p.linkType, p.timestampMs, p.hex]),
      [
        [LinkType.RAW, 1000, '45'],
        [LinkType.LINUX_SLL, 2000, '0001'],
        [LinkType.LINUX_SLL, 3000, '0002'],
        [LinkType.IPV6, 4000, '60'],
      ],
    );
  });

  it('forgets the previous section interfaces', () => {
    const file = new PcapngBuilder()
      .section()
      .interface(LinkType.ETHERNET)
      .interface(LinkType.RAW)
      .enhanced(1, 1n, Buffer.alloc(2))
      .section(false)
      .interface(LinkType.ETHERNET)
      .enhanced(1, 1n, Buffer.alloc(2)) // interface 1 existed only in section 1
      .build();
    const result = readCapture(tempFile(file));
    assert.equal(result.packets.length, 1);
    assert.equal(result.warnings[0]?.code, 'CAP_ERR_CORRUPT');
    assert.match(result.warnings[0]?.message ?? '', /interface 1/);
  });

  it('skips unknown and non-packet blocks by length', () => {
    const file = new PcapngBuilder()
      .section()
      .block(0x00000bad, Buffer.from('not for us, 23 bytes...'))
      .interface(LinkType.ETHERNET)
      .block(4, Buffer.alloc(8)) // Name Resolution Block
      .enhanced(0, 1n, Buffer.from('aa', 'hex'))
      .block(5, Buffer.alloc(12)) // Interface Statistics Block
      .block(0x40000bad, Buffer.alloc(0)) // custom block, empty body
      .enhanced(0, 2n, Buffer.from('bb', 'hex'))
      .build();
    const result = readCapture(tempFile(file));
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.packets.map((p) => p.hex), ['aa', 'bb']);
  });

  it('warns about a truncated last block and keeps earlier packets', () => {
    const whole = new PcapngBuilder()
      .section()
      .interface(LinkType.ETHERNET)
      .enhanced(0, 1n, Buffer.alloc(60, 1))
      .enhanced(0, 2n, Buffer.alloc(60, 2))
      .build();
    const secondAt = whole.length - 104;
    for (const cut of [whole.length - 1, secondAt + 4, secondAt + 9, secondAt + 50]) {
      for (const chunkBytes of [undefined, 64]) {
        const result = readCapture(tempFile(whole.subarray(0, cut)), chunkBytes);
        assert.equal(result.packets.length, 1, `cut ${cut}`);
        assert.equal(result.warnings.length, 1);
        assert.equal(result.warnings[0]?.code, 'CAP_ERR_TRUNCATED');
        assert.equal(result.warnings[0]?.offset, secondAt);
      }
    }
  });

  it('stops with CAP_ERR_CORRUPT on impossible block lengths and mismatched trailers', () => {
    const good = new PcapngBuilder().section().interface(LinkType.ETHERNET).enhanced(0, 1n, Buffer.alloc(8)).build();
    const cases: [string, Buffer][] = [
      ['not a multiple of 4', Buffer.from('0600000022000000', 'hex')],
      ['smaller than 12', Buffer.from('0600000008000000', 'hex')],
      ['absurdly large', Buffer.from('06000000fcffff7f', 'hex')],
      ['trailer mismatch', Buffer.from('060000000c000000000000001000000000', 'hex').subarray(0, 12)],
      ['packet bigger than its block', new PcapngBuilder().enhanced(0, 1n, Buffer.alloc(4)).build().fill(0xff, 20, 24)],
      ['unknown interface', new PcapngBuilder().enhanced(9, 1n, Buffer.alloc(4)).build()],
      ['bad section version', new PcapngBuilder().section(true, 2).build()],
      ['bad byte-order magic', Buffer.from('0a0d0d0a1c000000deadbeef', 'hex')],
    ];
    for (const [what, tail] of cases) {
      const result = readCapture(tempFile(Buffer.concat([good, tail, Buffer.alloc(64)])));
      assert.equal(result.packets.length, 1, what);
      assert.equal(result.warnings.length, 1, what);
      assert.equal(result.warnings[0]?.code, 'CAP_ERR_CORRUPT', what);
      assert.equal(result.warnings[0]?.offset, good.length, what);
    }
  });

  it('gives the same packets with tiny chunks as with the default', () => {
    const b = new PcapngBuilder().section(false).interface(LinkType.ETHERNET, 0, { tsresol: 9 });
    b.interface(LinkType.RAW);
    for (let i = 0; i < 200; i++) {
      const data = pseudoRandomBytes((i * 29) % 300, i + 3);
      if (i % 5 === 0) b.simple(data);
      else if (i % 7 === 0) b.packet(1, BigInt(i) * 1000n, data);
      else b.enhanced(i % 2, SECOND * 1_000_000_000n + BigInt(i), data);
      if (i === 100) b.section(true).interface(LinkType.ETHERNET).interface(LinkType.RAW, 0, { tsresol: 0x80 | 20 });
    }
    const file = tempFile(b.build());
    const whole = readCapture(file);
    assert.equal(whole.packets.length, 200);
    assert.deepEqual(whole.warnings, []);
    for (const chunkBytes of [1, 13, 64, 500]) {
      assert.deepEqual(readCapture(file, chunkBytes).packets, whole.packets, `chunkBytes ${chunkBytes}`);
    }
  });

  it('never throws or hangs on random bytes after a valid header', () => {
    const head = new PcapngBuilder().section().interface(LinkType.ETHERNET).build();
    for (let seed = 1; seed <= 40; seed++) {
      const file = tempFile(Buffer.concat([head, pseudoRandomBytes(1000 + seed * 37, seed * 7919)]));
      for (const chunkBytes of [undefined, 64]) {
        const result = readCapture(file, chunkBytes);
        assert.ok(result.warnings.length <= 1);
      }
    }
  });

  it('reads back a writer-made pcap rewritten as pcapng (same packets)', () => {
    const writer = PcapWriter.inMemory({ linkType: LinkType.ETHERNET, resolution: 'ns' });
    const b = new PcapngBuilder().section().interface(LinkType.ETHERNET, 0, { tsresol: 9 });
    for (let i = 0; i < 20; i++) {
      const data = pseudoRandomBytes(40 + i, i + 1);
      const ns = SECOND * 1_000_000_000n + BigInt(i) * 123_456_789n;
      writer.writePacket(Number(ns / 1000n) / 1000, data); // whole microseconds, in ms
      b.enhanced(0, ns, data);
    }
    const a = readCapture(tempFile(writer.toBuffer())).packets;
    const c = readCapture(tempFile(b.build())).packets;
    assert.deepEqual(
      c.map((p) => p.hex),
      a.map((p) => p.hex),
    );
    // The writer got whole microseconds; the pcapng keeps the nanoseconds.
    c.forEach((p, i) => assert.ok(Math.abs(p.timestampMs - (a[i]?.timestampMs ?? 0)) < 2e-3));
  });
});
