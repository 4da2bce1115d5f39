import { setImmediate as nextTurn } from 'node:timers/promises';
import type { PacketSink } from '@shoal/model';
import { CaptureFileReader } from '@shoal/capture';
import type { CaptureCounters, CaptureSpec, OpenCapture, PacketSource } from './packet-source.js';

/** Between two replays the clock jumps this far, so no packet of one looks like a copy of another. */
const GAP_BETWEEN_PLAYS_MS = 50;

interface Replaying extends OpenCapture {
  spec: CaptureSpec;
  sink: PacketSink;
  counters: CaptureCounters;
  closed: boolean;
}

/**
 * Replays capture files "as if live" (tests, demos): packets are delivered in chunks on later
 * turns of the event loop, like a live capture's batches, with timestamps moved to now (or, with
 * `keepTimestamps`, as captured: `shoal view`, whose worker runs no wall clock). The
 * kernel filter of the spec is not applied (there is no kernel); the worker's user-space
 * target check still is. With no capture open (no targets) a replay delivers nothing, as a
 * quiet network would.
 */
export class ReplaySource implements PacketSource {
  readonly requested = 'pcap_file';
  private readonly open_ = new Set<Replaying>();
  private clock = 0;

  /**
   * `autoplay`: a file replayed once into every capture as it opens (child-process tests).
   * `keepTimestamps`: packets keep the file's times, so entries show when the traffic happened.
   * Only for a worker whose timeouts follow the packets' clock (`wallClock: false`): a clock
   * ticking at now would time out every stream of an older file in mid-replay.
   */
  constructor(private readonly options: { autoplay?: string; keepTimestamps?: boolean } = {}) {}

  /** Captures open now, oldest first. */
  get captures(): readonly { spec: CaptureSpec }[] {
    return [...this.open_];
  }

  open(spec: CaptureSpec, sink: PacketSink): OpenCapture {
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    const capture: Replaying = {
      backend: 'pcap_file',
      skipped: [],
      spec,
      sink,
      counters: { received: 0, dropped: 0, delivered: 0, queued: 0, discarded: 0 },
      closed: false,
      done,
      stats: () => ({ ...capture.counters }),
      close: () => {
        if (!capture.closed) {
          capture.closed = true;
          this.open_.delete(capture);
          settle();
        }
        return { ...capture.counters };
      },
    };
    this.open_.add(capture);
    const autoplay = this.options.autoplay;
    if (autoplay !== undefined) setImmediate(() => void this.playInto(capture, autoplay).catch(() => undefined));
    return capture;
  }

  /**
   * Replays `path` into the oldest open capture; resolves with the packets delivered (0 when
   * no capture is open, or it closed meanwhile).
   */
  async play(path: string): Promise<number> {
    const capture = this.open_.values().next().value;
    return capture === undefined ? 0 : this.playInto(capture, path);
  }

  private async playInto(capture: Replaying, path: string): Promise<number> {
    const reader = CaptureFileReader.open(path, { chunkBytes: 64 * 1024 });
    let shift: number | undefined;
    let last = this.clock;
    let delivered = 0;
    const sink: PacketSink = {
      onPacket: (linkType, ts, data, offset, caplen, wire) => {
        if (capture.closed) return;
        shift ??= this.options.keepTimestamps === true ? 0 : Math.max(Date.now(), this.clock + GAP_BETWEEN_PLAYS_MS) - ts;
        last = Math.max(last, ts + shift);
        capture.counters.received++;
        capture.counters.delivered++;
        delivered++;
        capture.sink.onPacket(linkType, ts + shift, data, offset, caplen, wire);
      },
    };
    try {
      while (!capture.closed && reader.readChunk(sink)) await nextTurn();
    } finally {
      reader.close();
      this.clock = Math.max(this.clock, last);
    }
    return delivered;
  }
}
