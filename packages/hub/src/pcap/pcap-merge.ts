import type { Writable } from 'node:stream';
import { drained } from '@shoal/model/http';
import { runningTimer } from '../workers/loop-stall.js';
import { fileHeader, PcapRecordSplitter, recordHeader, type PcapRecord } from './pcap-records.js';
import { PacketCopies } from './packet-copies.js';
import { BodyTimeoutError } from './pcap-timeouts.js';

/** Bytes staged before one write to the client: few large writes, not one per packet. */
const WRITE_BYTES = 256 * 1024;

export interface PcapSourceOptions {
  /** Longest silence of the body between two pieces, ms; none when undefined. */
  bodyTimeoutMs?: number;
  /** Aborts the request behind the body (its socket), when the source is cancelled. */
  request?: AbortController;
}

/**
 * One worker's /pcap body, read record by record. Reading pulls from the HTTP response only as
 * the merge needs a record, so a slow client slows the workers (backpressure end to end). A body
 * silent for longer than its timeout fails the read with a BodyTimeoutError and is cancelled.
 */
export class PcapSource {
  private readonly splitter = new PcapRecordSplitter();
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private done = false;
  private cancelled = false;
  head: PcapRecord | undefined;

  constructor(
    readonly worker: string,
    body: ReadableStream<Uint8Array>,
    private readonly options: PcapSourceOptions = {},
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
      const { value, done } = await this.read();
      if (done) this.done = true;
      else this.splitter.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    }
  }

  /** Gives up the body: the reader is cancelled and the request's socket closed. Idempotent. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.reader.cancel().catch(() => undefined);
    this.options.request?.abort();
  }

  /** One read of the body, within the body timeout; the timer goes with the read. */
  private async read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    const ms = this.options.bodyTimeoutMs;
    if (ms === undefined) return this.reader.read();
    let stop = (): void => undefined;
    const silence = new Promise<never>((_resolve, reject) => {
      stop = runningTimer(ms, () => reject(new BodyTimeoutError(this.worker, ms)));
    });
    try {
      return await Promise.race([this.reader.read(), silence]);
    } catch (err) {
      this.cancel();
      throw err;
    } finally {
      stop();
    }
  }
}

/** A worker whose stream failed in the middle of the merge, and why. */
export type SourceFailure = (source: PcapSource, err: unknown) => void;

/**
 * Writes one pcap from several workers' files, packets in time order: one file header, then a
 * k-way merge on the records' timestamps (each worker's file is already in capture order).
 * A packet two workers both captured (a call between nodes) is written once (packet-copies.ts).
 * All sources must have `linkType` (the caller leaves the others out). A source that fails
 * (an error, a body timeout) is cancelled and left out, reported to `onFailure`, and the others
 * go on. Waits for `out` to drain whenever it is full (one wait at a time); stops early if `out`
 * closes. Whatever ends the merge, no source is left open: those not read to the end are
 * cancelled, also when the merge throws.
 */
export async function mergePcaps(sources: PcapSource[], linkType: number, out: Writable, onFailure: SourceFailure = rethrow): Promise<{ packets: number; copies: number }> {
  let gone = out.destroyed;
  const onClose = (): void => {
    gone = true;
  };
  out.once('close', onClose);
  const live = sources.filter((s) => s.head !== undefined);
  try {
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
      if (!ok && !gone) gone = !(await drained(out));
    };
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
      try {
        await source.advance();
      } catch (err) {
        source.cancel();
        source.head = undefined;
        onFailure(source, err);
      }
      if (source.head === undefined) live.splice(min, 1);
    }
    if (!gone) await flush();
    return { packets, copies: copies.copies };
  } finally {
    out.off('close', onClose);
    // What is still live was not read to its end: the client left, or the merge threw.
    for (const s of live) s.cancel();
  }
}

function rethrow(_source: PcapSource, err: unknown): never {
  throw err;
}
