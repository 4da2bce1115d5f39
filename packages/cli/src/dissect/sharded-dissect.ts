/**
 * `shoal dissect --threads N`: N shards (shard-runner.ts) each read the whole file and dissect the
 * flows that fall to them, shard 0 on this thread between merges and the others on worker threads
 * (dissect-shard.ts); this thread puts their formatted entries back in the order one engine emits
 * them (EntryPosition: packet, phase, first packet of the flow; one flow's entries
 * all come from one shard, in order) and writes them. The output is byte for byte what one thread
 * writes: ndjson ids are numbered here, in output order.
 */
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { DissectStats } from '@shoal/dissect';
import type { BufferedWriter } from '../output/buffered-writer.js';
import type { ProgressLine } from '../output/progress-line.js';
import { ShardRunner } from './shard-runner.js';
import { IDLESS_PREFIX, LEAD_PACKETS, type ShardBatch, type ShardDone, type ShardJob, type ShardMessage } from './shard-messages.js';

export interface ShardedDissect {
  file: string;
  threads: number;
  format: 'table' | 'ndjson';
  protocol: string | undefined;
  limit: number;
  bodyCapBytes: number;
  responseTimeoutMs: number;
  /** Names the entries in their ids (`<worker>/<n>`). */
  worker: string;
}

export interface ShardedResult {
  stats: DissectStats;
  warnings: Array<{ code: string; message: string }>;
}

const PREFIX = Buffer.from(IDLESS_PREFIX);

/** One shard as the merge sees it: its batches not yet written, from `next` of the first. */
class ShardState {
  readonly batches: ShardBatch[] = [];
  next = 0;
  upTo = 0;
  bytesRead = 0;
  done: ShardDone | null = null;

  /** `worker`: the thread running it; null for the shard run here. */
  constructor(readonly worker: Worker | null) {}

  add(batch: ShardBatch): void {
    this.batches.push(batch);
    this.upTo = batch.upTo;
    this.bytesRead = batch.bytesRead;
  }

  /** The first entry not yet written, or null when none has come. */
  get head(): ShardBatch | null {
    while (this.batches.length > 0 && this.next >= this.batches[0]!.ends.length) {
      this.batches.shift();
      this.next = 0;
    }
    return this.batches[0] ?? null;
  }
}

/** -1, 0 or 1 as entry `i` of `a` comes before, with or after entry `j` of `b`. */
function compare(a: ShardBatch, i: number, b: ShardBatch, j: number): number {
  for (let k = 0; k < 3; k++) {
    const d = a.keys[3 * i + k]! - b.keys[3 * j + k]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

export async function dissectSharded(run: ShardedDissect, out: BufferedWriter, progress: ProgressLine): Promise<ShardedResult> {
  const released = new SharedArrayBuffer(8);
  const written = new BigInt64Array(released);
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  const job = (index: number): ShardJob => ({
    file: run.file,
    index,
    count: run.threads,
    format: run.format,
    protocol: run.protocol,
    bodyCapBytes: run.bodyCapBytes,
    responseTimeoutMs: run.responseTimeoutMs,
    released,
  });
  const local = new ShardRunner(job(0));
  const here = new ShardState(null);
  const shards: ShardState[] = [here];
  for (let index = 1; index < run.threads; index++) {
    const worker = new Worker(new URL('./dissect-shard.js', import.meta.url), { workerData: job(index) });
    const shard = new ShardState(worker);
    worker.on('message', (m: ShardMessage) => {
      if (m.kind === 'done') shard.done = m;
      else shard.add(m);
      wake?.();
    });
    worker.on('error', (err) => {
      failure ??= err;
      wake?.();
    });
    worker.on('exit', (code) => {
      if (shard.done === null) failure ??= new Error(`dissect thread ${index} ended (exit code ${code}) before it finished`);
      wake?.();
    });
    shards.push(shard);
  }

  let printed = 0;
  let seq = 0;
  /** The last packet every shard still running has handled (Infinity when none runs). */
  const bound = (): number => {
    let upTo = Infinity;
    for (const s of shards) if (s.done === null) upTo = Math.min(upTo, s.upTo);
    return upTo;
  };
  /** Writes every entry no shard can still precede. */
  const merge = (): void => {
    const upTo = bound();
    while (printed < run.limit && !out.closed) {
      let best: ShardState | null = null;
      for (const s of shards) {
        const h = s.head;
        if (h !== null && (best === null || compare(h, s.next, best.head!, best.next) < 0)) best = s;
      }
      if (best === null) break;
      const batch = best.head!;
      const i = best.next;
      if (batch.keys[3 * i]! > upTo) break;
      const from = i === 0 ? 0 : batch.ends[i - 1]!;
      const entry = batch.bytes.subarray(from, batch.ends[i]!);
      best.next++;
      seq++;
      if (entry.length === 0) continue;
      if (run.format === 'ndjson') {
        if (!PREFIX.equals(entry.subarray(0, PREFIX.length))) throw new Error('a dissect thread wrote an ndjson entry that does not start with its empty id');
        out.write(`{"id":"${run.worker}/${seq}"`);
        out.writeBytes(entry.subarray(PREFIX.length));
      } else out.writeBytes(entry);
      printed++;
    }
    if (upTo !== Infinity) {
      Atomics.store(written, 0, BigInt(upTo));
      Atomics.notify(written, 0);
    }
  };

  try {
    while (printed < run.limit && !out.closed && shards.some((s) => s.done === null)) {
      // This thread's shard takes a step unless it is LEAD_PACKETS ahead of the others.
      const stepHere = here.done === null && local.packetNumber - bound() <= LEAD_PACKETS;
      if (stepHere) {
        const step = local.step();
        if (step === null) here.done = local.done();
        else here.add(step.batch);
      }
      merge();
      if (failure !== null) throw failure;
      progress.update(Math.min(...shards.map((s) => s.bytesRead)));
      if (out.wantsFlush) await out.flush();
      // Let the other shards' messages in; when this shard has nothing to do, wait for one.
      else if (stepHere) await yieldToEvents();
      else await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
    merge();
    if (failure !== null) throw failure;
  } finally {
    await Promise.all(shards.map((s) => s.worker?.terminate()));
  }
  const stats = new DissectStats();
  const first = shards[0]!.done;
  if (first !== null) stats.add(first.packetStats);
  for (const s of shards) if (s.done !== null) stats.add(s.done.stats);
  return { stats, warnings: first?.warnings ?? [] };
}
