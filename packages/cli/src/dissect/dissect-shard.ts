/**
 * One thread of `shoal dissect --threads N` (a worker thread; sharded-dissect.ts starts it): reads
 * the whole file, dissects the flows that fall to it (DissectEngine's Shard), formats their entries
 * and hands them over a chunk of the file at a time, with where each was emitted.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CaptureFileReader } from '@shoal/capture';
import { DEFAULT_ENGINE_OPTIONS, DissectEngine, defaultRegistry } from '@shoal/dissect';
import { formatterFor } from '../output/formatter-choice.js';
import { BatchWriter } from './batch-writer.js';
import { LEAD_PACKETS, type ShardDone, type ShardJob } from './shard-messages.js';

const job = workerData as ShardJob;
const port = parentPort!;
const released = new BigInt64Array(job.released);
const formatter = formatterFor(job.format, '--format');
const out = new BatchWriter();
const engine = new DissectEngine(
  {
    ...DEFAULT_ENGINE_OPTIONS,
    registry: defaultRegistry(),
    detail: formatter.detail,
    bodyCapBytes: job.bodyCapBytes,
    responseTimeoutMs: job.responseTimeoutMs,
    shard: { index: job.index, count: job.count },
  },
  (entry, position) => {
    // An entry --protocol leaves out still takes its place (empty): ids count every entry.
    if (job.protocol === undefined || entry.protocol.name === job.protocol) {
      // ndjson ids are given in output order by the main thread (shard-messages.ts IDLESS_PREFIX).
      entry.id = '';
      formatter.entry(entry, out);
    }
    out.endEntry(position);
  },
);

/** Waits while this shard is LEAD_PACKETS ahead of what the main thread has written. */
function keepPace(): void {
  for (;;) {
    const written = Atomics.load(released, 0);
    if (BigInt(engine.packetNumber) - written <= BigInt(LEAD_PACKETS)) return;
    Atomics.wait(released, 0, written, 1000);
  }
}

function send(): void {
  const { batch, transfer } = out.take(engine.packetNumber, reader.bytesConsumed);
  port.postMessage(batch, transfer);
}

const reader = CaptureFileReader.open(job.file);
try {
  while (reader.readChunk(engine)) {
    send();
    keepPace();
  }
  engine.finish();
  send();
} finally {
  reader.close();
}
const done: ShardDone = { kind: 'done', stats: engine.stats, packetStats: engine.packetStats, warnings: reader.warnings.map((w) => ({ code: w.code, message: w.message })) };
port.postMessage(done);
