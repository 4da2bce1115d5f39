import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LinkType } from '@shoal/model';
import { CaptureFileReader, PcapWriter } from '@shoal/capture';
import { readCapture } from './helpers/read-capture.js';
import { BE_NANO, LE_MICRO } from './helpers/pcap-literals.js';
import { fromHex, pseudoRandomBytes, tempFile } from './helpers/temp-files.js';

describe('pcap reader', () => {
  it('reads a hand-written little-endian microsecond pcap', () => {
    const result = readCapture(tempFile(fromHex(LE_MICRO)));
    assert.equal(result.format, 'pcap');
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.packets, [
      { linkType: 1, timestampMs: 1700000000 * 1000 + 123456 / 1000, hex: 'deadbeef', capturedLength: 4, originalLength: 60 },
      { linkType: 1, timestampMs: 1700000001000, hex: 'cafe', capturedLength: 2, originalLength: 2 },
    ]);
    assert.ok(Math.abs((result.packets[0]?.timestampMs ?? 0) - 1700000000123.456) < 1e-3);
    assert.equal(result.bytesConsumed, result.fileSize);
  });

  it('reads a hand-written big-endian nanosecond pcap', () => {
    const file = tempFile(fromHex(BE_NANO));
    const reader = CaptureFileReader.open(file);
    const result = readCapture(file);
    assert.deepEqual(result.warnings, []);
    assert.equal(result.packets.length, 1);
    const p = result.packets[0];
    assert.equal(p?.linkType, LinkType.RAW);
    assert.equal(p?.timestampMs, 1700000000 * 1000 + 123456789 / 1e6);
    assert.equal(p?.capturedLength, 20);
    assert.equal(p?.originalLength, 40);
    assert.equal(p?.hex, '450000280001000040060000' + '0a0000010a000002');
    reader.readAll({ onPacket() {} });
    assert.equal(reader.interfaces[0]?.snapLength, 262144);
    assert.equal(reader.interfaces[0]?.timestamps.unitsPerSecond, 1e9);
  });

  it('masks the FCS bits out of the link type field', () => {
    // 0x24000001: P bit (0x04000000) set, FCS length 2 sixteen-bit words, LINKTYPE_ETHERNET.
    const bytes = fromHex(LE_MICRO);
    bytes.writeUInt32LE(0x24000001, 20);
    const reader = CaptureFileReader.open(tempFile(bytes));
    const packets: number[] = [];
    reader.readAll({ onPacket: (linkType) => packets.push(linkType) });
    assert.deepEqual(packets, [1, 1]);
    assert.equal(reader.interfaces[0]?.linkType, 1);
    assert.equal(reader.interfaces[0]?.fcsBytes, 4);
  });

  it('agrees with files made by the writer in both byte orders and resolutions', () => {
    for (const byteOrder of ['le', 'be'] as const) {
      for (const resolution of ['us', 'ns'] as const) {
        const writer = PcapWriter.inMemory({ linkType: LinkType.LINUX_SLL2, resolution, byteOrder, snapLength: 100 });
        const expected: { ts: number; hex: string; orig: number }[] = [];
        for (let i = 0; i < 50; i++) {
          const data = pseudoRandomBytes(i * 3, i + 1);
          // Whole microseconds, which survive the ms double exactly in both resolutions.
          const ts = 1700000000000 + i * 1000.001 + (i % 7) * 0.5;
          writer.writePacket(ts, data, data.length + (i % 3));
          const kept = Math.min(data.length, 100);
          expected.push({ ts, hex: data.subarray(0, kept).toString('hex'), orig: data.length + (i % 3) });
        }
        const result = readCapture(tempFile(writer.toBuffer()));
        assert.deepEqual(result.warnings, [], `${byteOrder} ${resolution}`);
        assert.equal(result.packets.length, expected.length);
        result.packets.forEach((p, i) => {
          const want = expected[i];
          assert.ok(want);
          assert.equal(p.linkType, LinkType.LINUX_SLL2);
          assert.ok(Math.abs(p.timestampMs - want.ts) < 1e-3, `${byteOrder} ${resolution} #${i}: ${p.timestampMs} vs ${want.ts}`);
          assert.equal(p.hex, want.hex);
          assert.equal(p.originalLength, want.orig);
        });
      }
    }
  });

  it('gives the same packets with tiny chunks as with the default, records spanning chunks', () => {
    const writer = PcapWriter.inMemory({ linkType: LinkType.ETHERNET });
    for (let i = 0; i < 300; i++) writer.writePacket(1e12 + i, pseudoRandomBytes((i * 37) % 400, i + 9));
    const file = tempFile(writer.toBuffer());
    const whole = readCapture(file);
    assert.equal(whole.packets.length, 300);
    for (const chunkBytes of [1, 7, 23, 64, 100, 4096]) {
      const small = readCapture(file, chunkBytes);
      assert.deepEqual(small.packets, whole.packets, `chunkBytes ${chunkBytes}`);
      assert.deepEqual(small.warnings, []);
      assert.equal(small.bytesConsumed, small.fileSize);
    }
  });

  it('bounds the work of one readChunk call', () => {
    const writer = PcapWriter.inMemory({ linkType: LinkType.ETHERNET });
    for (let i = 0; i < 1000; i++) writer.writePacket(1e12, Buffer.alloc(84)); // 100-byte records
    const reader = CaptureFileReader.open(tempFile(writer.toBuffer()), { chunkBytes: 1000 });
    let inCall = 0;
    let most = 0;
    const sink = { onPacket: () => void inCall++ };
    let calls = 0;
    for (let more = true; more; calls++) {
      inCall = 0;
      more = reader.readChunk(sink);
      most = Math.max(most, inCall);
    }
    assert.equal(reader.packetsRead, 1000);
    assert.ok(most <= 10, `one call delivered ${most} packets`);
    assert.equal(calls, 101, '100,024 bytes of file, 1,000 at a time');
  });

  it('delivers everything before a truncated last record, then warns', () => {
    const full = fromHex(LE_MICRO);
    // Cut inside the second record's data, inside its header, and right after the first.
    for (const cut of [full.length - 1, full.length - 10, 24 + 20 + 3]) {
      for (const chunkBytes of [undefined, 16]) {
        const result = readCapture(tempFile(full.subarray(0, cut)), chunkBytes);
        assert.equal(result.packets.length, 1, `cut ${cut}`);
        assert.equal(result.packets[0]?.hex, 'deadbeef');
        assert.equal(result.warnings.length, 1);
        assert.equal(result.warnings[0]?.code, 'CAP_ERR_TRUNCATED');
        assert.equal(result.warnings[0]?.offset, 44);
        assert.match(result.warnings[0]?.message ?? '', /byte 44.*1 packet before it was read/);
      }
    }
  });

  it('warns about a file that ends inside the file header', () => {
    const result = readCapture(tempFile(fromHex(LE_MICRO).subarray(0, 10)));
    assert.deepEqual(result.packets, []);
    assert.equal(result.warnings[0]?.code, 'CAP_ERR_TRUNCATED');
  });

  it('stops with CAP_ERR_CORRUPT on an absurd captured length, keeping earlier packets', () => {
    const bytes = fromHex(LE_MICRO);
    bytes.writeUInt32LE(256 * 1024 + 1, 44 + 8); // second record's captured length
    const result = readCapture(tempFile(bytes));
    assert.equal(result.packets.length, 1);
    assert.equal(result.warnings.length, 1);
    assert.equal(result.warnings[0]?.code, 'CAP_ERR_CORRUPT');
    assert.equal(result.warnings[0]?.offset, 44);
  });

  it('never throws or hangs on random bytes after a valid header', () => {
    const header = fromHex(LE_MICRO).subarray(0, 24);
    for (let seed = 1; seed <= 40; seed++) {
      const file = tempFile(Buffer.concat([header, pseudoRandomBytes(2000 + seed * 50, seed)]));
      for (const chunkBytes of [undefined, 64]) {
        const result = readCapture(file, chunkBytes);
        assert.ok(result.warnings.length <= 1);
        assert.ok(result.bytesConsumed <= result.fileSize);
      }
    }
  });

  it('is done after the end: readChunk keeps returning false and close is idempotent', () => {
    const reader = CaptureFileReader.open(tempFile(fromHex(LE_MICRO)));
    reader.readAll({ onPacket() {} });
    assert.equal(reader.finished, true);
    assert.equal(reader.readChunk({ onPacket: () => assert.fail('no more packets') }), false);
    reader.close();
    reader.close();
  });
});
