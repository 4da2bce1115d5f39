import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { LinkType, isShoalError } from '@shoal/model';
import { CaptureFileReader, PcapWriter } from '@shoal/capture';
import { tempDir, tempFile } from './helpers/temp-files.js';

function openError(file: string): { code: string; message: string } {
  try {
    CaptureFileReader.open(file).close();
  } catch (err) {
    assert.ok(isShoalError(err), `expected a ShoalError, got ${String(err)}`);
    assert.doesNotMatch(err.message, /\n/, 'one-line message');
    return { code: err.code, message: err.message };
  }
  assert.fail(`opening ${file} did not throw`);
}

describe('opening capture files', () => {
  it('reports a missing file as CAP_ERR_OPEN, naming it', () => {
    const missing = path.join(tempDir(), 'no-such-file.pcap');
    const err = openError(missing);
    assert.equal(err.code, 'CAP_ERR_OPEN');
    assert.ok(err.message.includes(missing));
  });

  it('reports a directory as CAP_ERR_OPEN', () => {
    assert.equal(openError(tempDir()).code, 'CAP_ERR_OPEN');
  });

  it('reports an empty file as CAP_ERR_NOT_A_CAPTURE', () => {
    const file = tempFile(Buffer.alloc(0), 'empty.pcap');
    const err = openError(file);
    assert.equal(err.code, 'CAP_ERR_NOT_A_CAPTURE');
    assert.match(err.message, /empty/);
    assert.ok(err.message.includes(file));
  });

  it('reports other files as CAP_ERR_NOT_A_CAPTURE with their first bytes', () => {
    const text = tempFile('GET / HTTP/1.1\r\nHost: example\r\n\r\n', 'request.txt');
    const err = openError(text);
    assert.equal(err.code, 'CAP_ERR_NOT_A_CAPTURE');
    assert.ok(err.message.includes(text));
    assert.match(err.message, /47 45 54 20/);
    for (const bytes of [Buffer.from([0xd4]), Buffer.from('abc'), Buffer.from('PK\x03\x04zipzipzip')]) {
      assert.equal(openError(tempFile(bytes)).code, 'CAP_ERR_NOT_A_CAPTURE');
    }
  });

  it('hints at gzip', () => {
    const err = openError(tempFile(Buffer.from('1f8b0800000000000003', 'hex'), 'x.pcap.gz'));
    assert.equal(err.code, 'CAP_ERR_NOT_A_CAPTURE');
    assert.match(err.message, /gzip/);
  });

  it('rejects text that starts with the pcapng block type but has no byte-order magic', () => {
    const err = openError(tempFile(Buffer.from('\r\n\n\r and then some ordinary text')));
    assert.equal(err.code, 'CAP_ERR_NOT_A_CAPTURE');
  });

  it('rejects a zero or fractional chunk size', () => {
    const file = tempFile(PcapWriter.inMemory({ linkType: LinkType.ETHERNET }).toBuffer());
    assert.throws(() => CaptureFileReader.open(file, { chunkBytes: 0 }), RangeError);
    assert.throws(() => CaptureFileReader.open(file, { chunkBytes: 1.5 }), RangeError);
  });

  it('reads a header-only pcap as zero packets without warnings', () => {
    const reader = CaptureFileReader.open(tempFile(PcapWriter.inMemory({ linkType: LinkType.ETHERNET }).toBuffer()));
    reader.readAll({ onPacket: () => assert.fail('no packets') });
    assert.equal(reader.packetsRead, 0);
    assert.deepEqual(reader.warnings, []);
    assert.equal(reader.bytesConsumed, 24);
  });

  it('propagates an error thrown by the sink and closes the reader', () => {
    const writer = PcapWriter.inMemory({ linkType: LinkType.ETHERNET });
    writer.writePacket(0, Buffer.alloc(10));
    writer.writePacket(0, Buffer.alloc(10));
    const reader = CaptureFileReader.open(tempFile(writer.toBuffer()));
    assert.throws(
      () =>
        reader.readAll({
          onPacket() {
            throw new Error('sink failed');
          },
        }),
      /sink failed/,
    );
    assert.equal(reader.finished, true);
    assert.equal(reader.readChunk({ onPacket() {} }), false);
  });

  it('reads from a pipe, whose size is unknown', (t) => {
    const writer = PcapWriter.inMemory({ linkType: LinkType.ETHERNET });
    for (let i = 0; i < 500; i++) writer.writePacket(i, Buffer.alloc(100, i));
    writer.writePacket(1000, Buffer.alloc(2));
    const source = tempFile(writer.toBuffer().subarray(0, -1)); // last record cut short
    const fifo = path.join(tempDir(), 'pipe.pcap');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      t.skip('mkfifo is not available');
      return;
    }
    // A separate process feeds the FIFO: open() blocks until a writer shows up.
    const feeder = spawn('sh', ['-c', 'cat "$1" > "$2"', 'feed', source, fifo], { stdio: 'ignore' });
    const reader = CaptureFileReader.open(fifo, { chunkBytes: 1000 });
    reader.readAll({ onPacket() {} });
    feeder.kill();
    assert.equal(reader.fileSize, 0);
    assert.equal(reader.packetsRead, 500);
    assert.equal(reader.warnings[0]?.code, 'CAP_ERR_TRUNCATED');
  });
});
