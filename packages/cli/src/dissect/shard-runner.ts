import { CaptureFileReader } from '@shoal/capture';
import { DEFAULT_ENGINE_OPTIONS, DissectEngine, defaultRegistry } from '@shoal/dissect';
import { formatterFor } from '../output/formatter-choice.js';
import { BatchWriter } from './batch-writer.js';
import type { ShardBatch, ShardDone, ShardJob } from './shard-messages.js';

/**
 * One shard of `shoal dissect --threads N`: reads the whole file, dissects the flows that fall to
 * it (DissectEngine's Shard) and formats their entries, a chunk of the file per `step`, each
 * entry with where it was emitted. Run by a worker thread (dissect-shard.ts) or, for shard 0, by
 * the main thread between merges (sharded-dissect.ts).
 */
export class ShardRunner {
  private readonly reader: CaptureFileReader;
  private readonly engine: DissectEngine;
  private readonly out = new BatchWriter();
  private finished = false;

  constructor(job: Omit<ShardJob, 'released'>) {
    const formatter = formatterFor(job.format, '--format');
    const out = this.out;
    this.engine = new DissectEngine(
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
    this.reader = CaptureFileReader.open(job.file);
  }

  /** The packets handled so far. */
  get packetNumber(): number {
    return this.engine.packetNumber;
  }

  /** The entries of the next chunk of the file (of the final flush after the last); null when done. */
  step(): { batch: ShardBatch; transfer: ArrayBuffer[] } | null {
    if (this.finished) return null;
    try {
      if (!this.reader.readChunk(this.engine)) {
        this.finished = true;
        this.engine.finish();
        this.reader.close();
      }
    } catch (err) {
      this.reader.close();
      throw err;
    }
    return this.out.take(this.engine.packetNumber, this.reader.bytesConsumed);
  }

  /** After the last step: the counters and the file's warnings. */
  done(): ShardDone {
    const warnings = this.reader.warnings.map((w) => ({ code: w.code, message: w.message }));
    return { kind: 'done', stats: this.engine.stats, packetStats: this.engine.packetStats, warnings };
  }
}
