import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { LinkType, isShoalError } from '@shoal/model';
import { CaptureFileReader, PcapWriter } from '@shoal/capture';
import { BE_NANO, LE_MICRO } from './helpers/pcap-literals.js';
import { readCapture } from './helpers/read-capture.js';
import { fromHex, pseudoRandomBytes, tempDir, tempFile } from './helpers/temp-files.js';

describe('pcap writer', () => {
  it('writes byte-for-byte the hand-written little-endian microsecond file', () => {
    const w = PcapWriter.inMemory({ linkType: LinkType.ETHERNET, snapLength: 65535 });
    w.writePacket(1700000000123.456, Buffer.from('deadbeef', 'hex'), 60);
    w.writePacket(1700000001000, Buffer.from('cafe', 'hex'));
    assert.equal(w.toBuffer().toString('hex'), fromHex(LE_MICRO).toString('hex'));
    assert.equal(w.packetsWritten, 2);
    assert.equal(w.bytesWritten, fromHex(LE_MICRO).length);
  });

  it('writes the hand-written big-endian nanosecond file (nanoseconds to double precision)', () => {
    const w = PcapWriter.inMemory({ linkType: LinkType.RAW, resolution: 'ns', byteOrder: 'be' });
    const expected = fromHex(BE_NANO);
    w.writePacket(1700000000 * 1000 + 123.456789, expected.subarray(40), 40);
    const got = w.toBuffer();
    // A double in ms has a 244 ns step at this epoch, so only the nanosecond field may differ.
    assert.equal(got.length, expected.length);
    assert.equal(got.toString('hex', 0, 28), expected.toString('hex', 0, 28));
    assert.equal(got.toString('hex', 32), expected.toString('hex', 32));
    assert.ok(Math.abs(got.readUInt32BE(28) - 123456789) <= 122);

    // Where a double is fine-grained enough, nanoseconds are exact.
    const small = PcapWriter.inMemory({ linkType: LinkType.RAW, resolution: 'ns', byteOrder: 'be' });
    small.writePacket(5000.000007, Buffer.alloc(0));
    assert.equal(small.toBuffer().toString('hex', 24, 32), '00000005' + '00000007');
  });

  it('cuts packets to the snap length and keeps the original length', () => {
    const w = PcapWriter.inMemory({ linkType: LinkType.ETHERNET, snapLength: 4 });
    w.writePacket(0, Buffer.from('00112233445566', 'hex'));
    w.writePacket(0, Buffer.from('aabb', 'hex'), 1);
    const { packets } = readCapture(tempFile(w.toBuffer()));
    assert.deepEqual(
      packets.map((p) => [p.hex, p.capturedLength, p.originalLength]),
      [
        ['00112233', 4, 7],
        ['aabb', 2, 2], // an original length below the captured one is raised to it
      ],
    );
  });

  it('carries a fraction that rounds up to a whole second', () => {
    const w = PcapWriter.inMemory({ linkType: LinkType.ETHERNET });
    w.writePacket(1999.9999996, Buffer.alloc(0));
    const record = w.toBuffer().subarray(24, 32);
    assert.equal(record.toString('hex'), '02000000' + '00000000');
  });

  it('writes to a file and to a caller-owned descriptor', () => {
    const file = path.join(tempDir(), 'written.pcap');
    const w = PcapWriter.toFile(file, { linkType: LinkType.IPV4, bufferBytes: 100 });
    for (let i = 0; i < 100; i++) w.writePacket(i * 10, pseudoRandomBytes(i, i + 1));
    w.close();
    w.close();
    assert.throws(() => w.writePacket(0, Buffer.alloc(1)), /closed/);
    const result = readCapture(file);
    assert.equal(result.packets.length, 100);
    assert.ok(result.packets.every((p) => p.linkType === LinkType.IPV4));

    const second = path.join(tempDir(), 'by-fd.pcap');
    const fd = fs.openSync(second, 'w');
    const byFd = PcapWriter.toFd(fd, { linkType: LinkType.IPV4 });
    byFd.writePacket(5, Buffer.from('45', 'hex'));
    byFd.close();
    fs.writeSync(fd, Buffer.alloc(0)); // still open: the caller owns it
    fs.closeSync(fd);
    assert.equal(readCapture(second).packets[0]?.hex, '45');
  });

  it('hands out chunks it never touches again, equal to the in-memory file', () => {
    const seen: { chunk: Buffer; hex: string }[] = [];
    const chunked = PcapWriter.toChunks((chunk) => seen.push({ chunk, hex: chunk.toString('hex') }), {
      linkType: LinkType.ETHERNET,
      bufferBytes: 64,
    });
    const memory = PcapWriter.inMemory({ linkType: LinkType.ETHERNET });
    for (let i = 0; i < 50; i++) {
      const data = pseudoRandomBytes((i * 13) % 90, i + 5); // some records exceed the 64-byte buffer
      chunked.writePacket(1e12 + i, data);
      memory.writePacket(1e12 + i, data);
    }
    chunked.close();
    assert.ok(seen.length > 10);
    assert.ok(seen.every((s) => s.chunk.toString('hex') === s.hex));
    assert.equal(seen.map((s) => s.hex).join(''), memory.toBuffer().toString('hex'));
  });

  it('is a PacketSink: reading a capture into it rewrites the same bytes', () => {
    const original = fromHex(LE_MICRO);
    const w = PcapWriter.inMemory({ linkType: LinkType.ETHERNET, snapLength: 65535 });
    CaptureFileReader.open(tempFile(original)).readAll(w);
    assert.equal(w.toBuffer().toString('hex'), original.toString('hex'));
    assert.throws(() => w.onPacket(LinkType.RAW, 0, Buffer.alloc(1), 0, 1, 1), RangeError);
  });

  it('rejects values pcap cannot hold', () => {
    assert.throws(() => PcapWriter.inMemory({ linkType: 70000 }), RangeError);
    assert.throws(() => PcapWriter.inMemory({ linkType: 1, snapLength: 0 }), RangeError);
    const w = PcapWriter.inMemory({ linkType: 1 });
    assert.throws(() => w.writePacket(-1, Buffer.alloc(1)), RangeError);
    assert.throws(() => w.writePacket(2 ** 32 * 1000, Buffer.alloc(1)), RangeError);
    assert.throws(() => w.writePacket(Number.NaN, Buffer.alloc(1)), RangeError);
    assert.throws(() => w.writeRecord(0, Buffer.alloc(4), 2, 4, 4), RangeError);
    assert.equal(w.packetsWritten, 0);
  });

  it('reports an uncreatable file as CAP_ERR_OPEN', () => {
    try {
      PcapWriter.toFile(path.join(tempDir(), 'missing-dir', 'x.pcap'), { linkType: 1 });
      assert.fail('should throw');
    } catch (err) {
      assert.ok(isShoalError(err));
      assert.equal(err.code, 'CAP_ERR_OPEN');
    }
  });
});
