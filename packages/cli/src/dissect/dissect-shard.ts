/**
 * A worker thread of `shoal dissect --threads N` (sharded-dissect.ts starts it): runs one shard
 * (shard-runner.ts) and hands each chunk's entries to the main thread, keeping within LEAD_PACKETS
 * of what the main thread has written.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ShardRunner } from './shard-runner.js';
import { LEAD_PACKETS, type ShardJob } from './shard-messages.js';

const job = workerData as ShardJob;
const port = parentPort!;
const released = new BigInt64Array(job.released);
const runner = new ShardRunner(job);

/** Waits while this shard is LEAD_PACKETS ahead of what the main thread has written. */
function keepPace(): void {
  for (;;) {
    const written = Atomics.load(released, 0);
    if (BigInt(runner.packetNumber) - written <= BigInt(LEAD_PACKETS)) return;
    Atomics.wait(released, 0, written, 1000);
  }
}

for (let step = runner.step(); step !== null; step = runner.step()) {
  port.postMessage(step.batch, step.transfer);
  keepPace();
}
port.postMessage(runner.done());
