/**
 * Reads a whole capture into plain values, optionally with a small chunk size.
 */

import { CaptureFileReader, type CaptureWarning } from '@shoal/capture';
import { CollectSink, type SeenPacket } from './collect-sink.js';

export interface ReadResult {
  format: 'pcap' | 'pcapng';
  packets: SeenPacket[];
  warnings: CaptureWarning[];
  bytesConsumed: number;
  fileSize: number;
  /** Number of readChunk() calls that returned true, plus the final one. */
  calls: number;
}

export function readCapture(file: string, chunkBytes?: number): ReadResult {
  const reader = CaptureFileReader.open(file, chunkBytes === undefined ? {} : { chunkBytes });
  const sink = new CollectSink();
  let calls = 1;
  while (reader.readChunk(sink)) calls++;
  // Every window must still hold what it held when delivered: chunk buffers are never reused.
  const now = sink.currentHex();
  sink.packets.forEach((p, i) => {
    if (now[i] !== p.hex) throw new Error(`packet ${i} bytes changed after delivery`);
  });
  return {
    format: reader.format,
    packets: sink.packets,
    warnings: [...reader.warnings],
    bytesConsumed: reader.bytesConsumed,
    fileSize: reader.fileSize,
    calls,
  };
}
