import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { fileHeader, PcapRecordSplitter, recordHeader, type PcapRecord } from './pcap-records.js';
import { PacketCopies } from './packet-copies.js';

/** Bytes staged before one write to the client: few large writes, not one per packet. */
const WRITE_BYTES = 256 * 1024;

/**
 * One worker's /pcap body, read record by record. Reading pulls from the HTTP response only as
 * the merge needs a record, so a slow client slows the workers (backpressure end to end).
 */
export class PcapSource {
  private readonly splitter = new PcapRecordSplitter();
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private done = false;
  head: PcapRecord | undefined;

  constructor(
    readonly worker: string,
    body: ReadableStream<Uint8Array>,
  ) {
    this.reader = body.getReader();
  }

  get linkType(): number | undefined {
    return this.splitter.linkType;
  }

  get snapLength(): number {
    return this.splitter.snapLength;
  }

  /** Moves `head` to the next record (undefined at the end of the file). */
  async advance(): Promise<void> {
    for (;;) {
      const record = this.splitter.take();
      if (record !== undefined || this.done) {
        if (record === undefined && this.splitter.pending > 0) throw new Error(`${this.worker}: the pcap ended inside a record`);
        this.head = record;
        return;
      }
      const { value, done } = await this.reader.read();
      if (done) this.done = true;
      else this.splitter.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    }
  }

  cancel(): void {
    this.reader.cancel().catch(() => undefined);
  }
}

/**
 * Writes one pcap from several workers' files, packets in time order: one file header, then a
 * k-way merge on the records' timestamps (each worker's file is already in capture order).
 * A packet two workers both captured (a call between nodes) is written once (packet-copies.ts).
 * All sources must have `linkType` (the caller leaves the others out). Waits for `out` to
 * drain whenever it is full; stops early if `out` closes.
 */
export async function mergePcaps(sources: PcapSource[], linkType: number, out: Writable): Promise<{ packets: number; copies: number }> {
  let gone = false;
  out.once('close', () => (gone = true));
  const snap = Math.max(...sources.map((s) => s.snapLength), 1);
  let staged: Buffer[] = [fileHeader(linkType, snap)];
  let stagedBytes = staged[0]!.length;
  let packets = 0;
  const copies = new PacketCopies(linkType);
  const flush = async (): Promise<void> => {
    if (staged.length === 0) return;
    const ok = out.write(staged.length === 1 ? staged[0]! : Buffer.concat(staged, stagedBytes));
    staged = [];
    stagedBytes = 0;
    if (!ok && !gone) await Promise.race([once(out, 'drain'), once(out, 'close')]);
  };
  const live = sources.filter((s) => s.head !== undefined);
  while (live.length > 0 && !gone) {
    let min = 0;
    for (let i = 1; i < live.length; i++) if (live[i]!.head!.tsUs < live[min]!.head!.tsUs) min = i;
    const source = live[min]!;
    const record = source.head!;
    if (!copies.isCopy(source.worker, record.tsUs, record.data)) {
      const header = recordHeader(record);
      staged.push(header, record.data);
      stagedBytes += header.length + record.data.length;
      packets++;
      if (stagedBytes >= WRITE_BYTES) await flush();
    }
    await source.advance();
    if (source.head === undefined) live.splice(min, 1);
  }
  for (const s of live) s.cancel();
  if (!gone) await flush();
  return { packets, copies: copies.copies };
}
