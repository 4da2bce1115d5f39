import { DEFAULT_ENGINE_OPTIONS, DissectEngine, defaultRegistry, type ByteStream } from '@shoal/dissect';
import type { CaptureSource, Endpoint, Entry, NodeInfo } from '@shoal/model';
import type { PlaintextConnection, PlaintextSink } from '@shoal/tracer';
import type { Logger } from 'pino';
import { DuplicateFilter } from './capture/duplicate-filter.js';
import { EncryptedEntries } from './capture/encrypted-entries.js';
import { LiveFeed, type FeedLimits } from './feed/live-feed.js';
import type { ResolutionTable } from './resolution.js';
import type { EntryStore } from './store/entry-store.js';

export interface PipelineOptions {
  /** The worker's name (the node's): entries carry it as `worker`. */
  worker: string;
  /** Distinguishes this run's ids from an earlier run's on the same data dir. */
  runId: string;
  node: NodeInfo;
  store: EntryStore;
  resolution: ResolutionTable;
  log: Logger;
  feedLimits?: FeedLimits;
}

/** A failure repeated per packet is logged at most this often (it is counted every time). */
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * Packets in, stored and streamed entries out: duplicate filter → DissectEngine (raw packets
 * of each flow to the store) → resolution → store → live subscribers. Every packet source
 * feeds this one pipeline, so tests that replay a file exercise the code live capture runs.
 *
 * The TLS tracer's plaintext comes in as byte streams (plaintextSink), into the same engine and
 * dissectors, its entries marked `ebpf_tls`. While the tracer runs, the capture's entries of
 * encrypted streams wait a moment (EncryptedEntries) and are left out when the tracer showed
 * the same connection decrypted.
 *
 * Captures may run on different backends (each gets the best one that can serve it, say eBPF
 * inside a pod and AF_PACKET on the node's `any`); the engine is told which one each packet
 * comes from, and an entry names the backend of the capture that saw its stream first.
 */
export class Pipeline {
  readonly dedup = new DuplicateFilter();
  readonly feed: LiveFeed;
  /** Created when the first capture opens (null before: nothing to dissect yet). */
  engine: DissectEngine | null = null;
  /** The user-space target check (set when the targets outgrow the kernel filter). */
  acceptFlow: ((a: Endpoint, b: Endpoint) => boolean) | undefined;
  /** Last packet time per stream, to report live streams; swept by tick(). */
  private readonly streamSeen = new Map<string, number>();
  private readonly engineWorker: string;
  /** Exceptions caught in the pipeline (a bug, or the disk): counted, logged, never fatal. */
  errors = 0;
  /** Set while the TLS tracer runs (hideDecrypted). */
  private encrypted: EncryptedEntries | null = null;
  private lastErrorLogMs = -Infinity;

  constructor(private readonly options: PipelineOptions) {
    this.feed = new LiveFeed(options.feedLimits);
    // Entry ids are `<engine worker>/<seq>` with seq restarting at 1 each run: the run id in
    // the engine's worker name keeps ids (and stream ids) unique across restarts on one store.
    this.engineWorker = `${options.worker}/${options.runId}`;
  }

  /** A capture opened on `backend`: the engine is made at the first (later ones share it). */
  prepare(backend: CaptureSource): void {
    if (this.engine !== null) return;
    const store = this.options.store;
    this.engine = new DissectEngine(
      {
        ...DEFAULT_ENGINE_OPTIONS,
        registry: defaultRegistry(),
        worker: this.engineWorker,
        node: this.options.node,
        capture: backend,
        onFlowPacket: (stream, linkType, ts, data, offset, caplen, wire) => {
          this.streamSeen.set(stream, ts);
          store.appendPacket(stream, linkType, ts, data, offset, caplen, wire);
        },
        acceptFlow: (a, b) => this.acceptFlow === undefined || this.acceptFlow(a, b),
      },
      (entry) => this.onEntry(entry),
    );
  }

  /**
   * The TLS tracer runs: `decrypted` says whether it showed the connection between two ends
   * ("ip:port") decrypted, and the capture's encrypted entry of such a connection is left out.
   */
  hideDecrypted(decrypted: (a: string, b: string) => boolean): void {
    this.encrypted = new EncryptedEntries(decrypted, (entry, json) => this.publish(entry, json));
  }

  /** Where the TLS tracer's connections go: a byte stream each into the engine, entries marked `ebpf_tls`. */
  plaintextSink(): PlaintextSink {
    return {
      open: (connection: PlaintextConnection, tsMs: number): ByteStream => {
        this.prepare('ebpf_tls');
        const stream = this.engine!.openStream(connection.local, connection.remote, tsMs, 'ebpf_tls');
        // As for packets: a stream must not throw into the tracer.
        return {
          data: (d, chunk, ts) => this.guard('tls data', () => stream.data(d, chunk, ts)),
          gap: (d, length, ts) => this.guard('tls gap', () => stream.gap(d, length, ts)),
          end: (ts) => this.guard('tls end', () => stream.end(ts)),
        };
      },
    };
  }

  /** A packet from a capture running on `capture`. */
  onPacket(capture: CaptureSource, linkType: number, tsMs: number, data: Buffer, offset: number, caplen: number, wireLen: number): void {
    if (this.engine === null || this.dedup.isDuplicate(linkType, tsMs, data, offset, caplen)) return;
    // A capture's sink must not throw: one bad packet must not take the node's worker down.
    try {
      this.engine.setCapture(capture);
      this.engine.onPacket(linkType, tsMs, data, offset, caplen, wireLen);
    } catch (err) {
      this.fail('packet', err);
    }
  }

  /** Streams that had a packet within the engine's TCP idle timeout. */
  get liveStreams(): number {
    return this.streamSeen.size;
  }

  /** Every second: timeouts run even when no packet arrives. */
  tick(nowMs: number): void {
    try {
      this.engine?.advanceClock(nowMs);
    } catch (err) {
      this.fail('clock', err);
    }
    const idle = DEFAULT_ENGINE_OPTIONS.tcpIdleTimeoutMs;
    for (const [stream, seen] of this.streamSeen) if (nowMs - seen > idle) this.streamSeen.delete(stream);
  }

  /** Every ~100 ms: what was appended reaches the disk, slow subscribers hear of their losses. */
  flush(): void {
    this.encrypted?.release(Date.now());
    try {
      this.options.store.flush();
    } catch (err) {
      // Disk full or gone: the appends stay buffered and the next flush tries again.
      this.fail('store flush', err);
    }
    this.feed.tick();
  }

  /** Shutdown: every flow is flushed and its entries stored before the store is closed. */
  finish(): void {
    this.engine?.finish();
    this.encrypted?.release(Infinity);
    this.options.store.flush();
  }

  private guard(where: string, run: () => void): void {
    try {
      run();
    } catch (err) {
      this.fail(where, err);
    }
  }

  private fail(where: string, err: unknown): void {
    this.errors++;
    const now = Date.now();
    if (now - this.lastErrorLogMs < ERROR_LOG_INTERVAL_MS) return;
    this.lastErrorLogMs = now;
    this.options.log.error({ err: err instanceof Error ? err.stack : String(err), errors: this.errors }, `pipeline error (${where})`);
  }

  private onEntry(entry: Entry): void {
    entry.worker = this.options.worker;
    this.options.resolution.resolve(entry.src);
    this.options.resolution.resolve(entry.dst);
    const json = JSON.stringify(entry);
    if (this.encrypted?.take(entry, json, Date.now()) !== true) this.publish(entry, json);
  }

  private publish(entry: Entry, json: string): void {
    this.options.store.appendEntry(entry, json);
    this.feed.publish(entry, json);
  }
}
