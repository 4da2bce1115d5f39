/**
 * Throughput of CaptureFileReader into a no-op sink. Not a test (node --test skips it);
 * run after building:  node packages/capture/dist-test/bench/read-throughput.js [packets] [file]
 * With a file argument it reads that file instead of writing a pcap first.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LinkType, type PacketSink } from '@shoal/model';
import { CaptureFileReader, PcapWriter } from '@shoal/capture';

const packets = Number(process.argv[2] ?? 1_000_000);
let file = process.argv[3];
let cleanup = false;

if (file === undefined) {
  file = path.join(os.tmpdir(), `shoal-bench-${process.pid}.pcap`);
  cleanup = true;
  const writer = PcapWriter.toFile(file, { linkType: LinkType.ETHERNET });
  const frames = [60, 66, 74, 120, 590, 1514].map((n) => Buffer.alloc(n, 0x5a));
  const t0 = performance.now();
  for (let i = 0; i < packets; i++) writer.writePacket(1.7e12 + i * 0.01, frames[i % frames.length] ?? Buffer.alloc(0));
  writer.close();
  const ms = performance.now() - t0;
  console.log(`wrote ${packets} packets in ${ms.toFixed(0)} ms: ${((packets / ms) * 1000 / 1e6).toFixed(2)} M packets/s`);
}

// A sink that touches its arguments so the call cannot be optimised away.
class NoopSink implements PacketSink {
  bytes = 0;
  count = 0;
  onPacket(_lt: number, _ts: number, _data: Buffer, _offset: number, capturedLength: number): void {
    this.bytes += capturedLength;
    this.count++;
  }
}

const size = fs.statSync(file).size;
for (let run = 0; run < 3; run++) {
  const sink = new NoopSink();
  const t0 = performance.now();
  const reader = CaptureFileReader.open(file);
  reader.readAll(sink);
  const ms = performance.now() - t0;
  console.log(
    `run ${run + 1}: ${reader.format} ${sink.count} packets, ${(size / 1e6).toFixed(0)} MB in ${ms.toFixed(0)} ms: ` +
      `${((sink.count / ms) * 1000 / 1e6).toFixed(2)} M packets/s, ${((size / ms) * 1000 / 1e9).toFixed(2)} GB/s`,
  );
}
if (cleanup) fs.rmSync(file);
