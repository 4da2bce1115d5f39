import type { CaptureSource, PacketSink } from '@shoal/model';
import type { Logger } from 'pino';
import type { Pipeline } from '../pipeline.js';
import { specKey } from './capture-plan.js';
import type { CaptureCounters, CaptureSpec, OpenCapture, PacketSource, SkippedBackend } from './packet-source.js';

/** One planned capture as /stats and PUT /targets report it. */
export interface CaptureStatus {
  interface: string;
  netns?: string;
  filter: string;
  targets: string[];
  /** The backend running it (null when it is not open). */
  backend: string | null;
  /** With `--capture best`: the backends passed over for this capture, and why. */
  skipped: readonly SkippedBackend[];
  open: boolean;
  /** Why it could not open, or why it stopped (say the pod's namespace went away). */
  error?: string;
  stats: CaptureCounters;
}

interface Slot {
  spec: CaptureSpec;
  capture: OpenCapture | null;
  error: string | null;
}

const ZERO: CaptureCounters = { received: 0, dropped: 0, delivered: 0, queued: 0, discarded: 0 };

function add(a: CaptureCounters, b: CaptureCounters): CaptureCounters {
  return {
    received: a.received + b.received,
    dropped: a.dropped + b.dropped,
    delivered: a.delivered + b.delivered,
    queued: a.queued + b.queued,
    discarded: a.discarded + b.discarded,
  };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The captures open now, kept in step with the plan. Counters of closed captures are carried
 * into the totals, so the metrics stay monotonic across target updates.
 */
export class CaptureSet {
  private slots = new Map<string, Slot>();
  private closedTotals: CaptureCounters = ZERO;

  constructor(
    private readonly source: PacketSource,
    private readonly pipeline: Pipeline,
    private readonly log: Logger,
  ) {}

  /**
   * Opens the captures of `specs` that are not open yet, then closes those no longer planned:
   * opening first leaves no moment without a capture, and no packet is delivered twice since
   * both happen in one turn of the event loop: close() discards (and counts, `discarded`) what
   * the old capture had not delivered yet. An unchanged capture stays open untouched.
   */
  apply(specs: readonly CaptureSpec[]): CaptureStatus[] {
    const next = new Map<string, Slot>();
    for (const spec of specs) {
      const key = specKey(spec);
      const old = this.slots.get(key);
      if (old !== undefined && old.capture !== null && old.error === null) {
        old.spec = spec;
        next.set(key, old);
        continue;
      }
      next.set(key, this.openSlot(spec));
    }
    const stale = [...this.slots].filter(([key, slot]) => next.get(key) !== slot).map(([, slot]) => slot);
    this.slots = next;
    for (const slot of stale) this.closeSlot(slot);
    return this.status();
  }

  closeAll(): void {
    for (const slot of this.slots.values()) this.closeSlot(slot);
    this.slots.clear();
  }

  get size(): number {
    return this.slots.size;
  }

  /** True when some planned capture is not running. */
  get failing(): boolean {
    return [...this.slots.values()].some((s) => s.error !== null);
  }

  totals(): CaptureCounters {
    let sum = this.closedTotals;
    for (const slot of this.slots.values()) if (slot.capture !== null) sum = add(sum, slot.capture.stats());
    return sum;
  }

  /** The backends of the open captures, each once, in the order of the captures. */
  backends(): string[] {
    return [...new Set(this.status().flatMap((c) => (c.open && c.backend !== null ? [c.backend] : [])))];
  }

  status(): CaptureStatus[] {
    return [...this.slots.values()].map((slot) => {
      const s: CaptureStatus = {
        interface: slot.spec.interface,
        filter: slot.spec.filter,
        targets: slot.spec.targets,
        backend: slot.capture?.backend ?? null,
        skipped: slot.capture?.skipped ?? [],
        open: slot.capture !== null && slot.error === null,
        stats: slot.capture?.stats() ?? ZERO,
      };
      if (slot.spec.netns !== undefined) s.netns = slot.spec.netns;
      if (slot.error !== null) s.error = slot.error;
      return s;
    });
  }

  private openSlot(spec: CaptureSpec): Slot {
    const slot: Slot = { spec, capture: null, error: null };
    const where = `${spec.interface}${spec.netns !== undefined ? ` in ${spec.netns}` : ''}`;
    // Packets arrive on later turns of the event loop, once `backend` names the one that opened.
    let backend: CaptureSource = 'pcap_file';
    const sink: PacketSink = {
      onPacket: (linkType, tsMs, data, offset, caplen, wireLen) => this.pipeline.onPacket(backend, linkType, tsMs, data, offset, caplen, wireLen),
    };
    try {
      const capture = this.source.open(spec, sink);
      slot.capture = capture;
      backend = capture.backend;
      this.pipeline.prepare(backend);
      for (const s of capture.skipped) {
        this.log.warn({ interface: spec.interface, netns: spec.netns, backend: s.backend, reason: s.reason }, `capture on ${where}: backend ${s.backend} skipped: ${s.reason}`);
      }
      this.log.info(
        { interface: spec.interface, netns: spec.netns, filter: spec.filter, backend, skipped: capture.skipped },
        `capture open on ${where} with ${backend}${this.source.requested === 'best' ? ' (the best backend that opened)' : ''}`,
      );
      capture.done.catch((err: unknown) => {
        if (this.slots.get(specKey(spec)) !== slot) return;
        slot.error = message(err);
        this.log.error({ interface: spec.interface, netns: spec.netns, err: slot.error }, `capture on ${where} stopped`);
      });
    } catch (err) {
      slot.error = message(err);
      this.log.error({ interface: spec.interface, netns: spec.netns, filter: spec.filter, err: slot.error }, `cannot capture on ${where}`);
    }
    return slot;
  }

  private closeSlot(slot: Slot): void {
    if (slot.capture === null) return;
    this.closedTotals = add(this.closedTotals, slot.capture.close());
    slot.capture = null;
  }
}
