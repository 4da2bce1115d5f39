/**
 * Live capture from a network interface through the native addon (eBPF tc programs with a
 * BPF ring buffer, AF_PACKET TPACKET_V3 ring, or libpcap), optionally inside another network
 * namespace; `best` picks the first backend of the chain that opens (backend-chain.ts).
 *
 * A native thread reads the kernel's packets and hands them over in batches, one ArrayBuffer
 * per crossing; this side walks each batch and calls the PacketSink once per packet, on the
 * main thread.
 */

import type { PacketSink } from '@shoal/model';
import { BEST_CHAIN, ebpfBuildProblem, isSkippable, liveBackendAvailability, pfRingUnavailable, skipForOptions } from './backend-chain.js';
import type { BackendAvailability, SkippedBackend } from './backend-chain.js';
import { LiveCaptureError } from './live-errors.js';
import { checkBackendChoice, resolveLiveOptions } from './live-options.js';
import type { ChainBackend, LiveBackend, LiveBackendChoice, LiveCaptureOptions } from './live-options.js';
import { bpfObjectPath, loadAddon } from './native-addon.js';
import type { NativeStats } from './native-addon.js';
import { emptyStats, NativeSession } from './native-session.js';

export interface LiveCaptureStats {
  /** Packets the kernel let through the filter, dropped ones included. */
  received: number;
  /** Packets the kernel dropped for lack of ring / buffer space (ebpf: BPF ring buffer full). */
  dropped: number;
  /** libpcap's ps_ifdrop (drops by the interface); 0 for af_packet. */
  interfaceDropped: number;
  /** af_packet: times the ring was full (TPACKET_V3 tp_freeze_q_cnt); 0 for libpcap. */
  ringFreezes: number;
  /** Packets handed to the sink. */
  delivered: number;
  /** Batches handed to the sink. */
  batches: number;
  /**
   * Packets read from the kernel and waiting for the sink: the batches in flight towards JS and
   * the spool. 0 once closed: close() discards them, and `discarded` counts them.
   */
  queued: number;
  /**
   * Packets captured and never delivered: what was still queued, or in the batch being
   * filled, when close() ran (target changes close captures), and a batch no memory could be
   * found for. ebpf also counts what its ring buffer still held: it takes its programs off
   * first, then empties the ring. A closed capture balances:
   *   received = delivered + dropped + discarded + unread
   * where `unread` is what an af_packet ring or libpcap buffer still held at close (no counter
   * sees it; 0 when the capture thread had caught up; always 0 for ebpf), plus, on `any` with
   * af_packet or libpcap, loopback's leaving copies, which the kernel counts and user space
   * drops. While open, `queued` stands where `discarded` will.
   */
  discarded: number;
}

function toStats(s: NativeStats): LiveCaptureStats {
  return {
    received: s.received,
    dropped: s.dropped,
    interfaceDropped: s.interfaceDropped,
    ringFreezes: s.freezes,
    delivered: s.deliveredPackets,
    batches: s.deliveredBatches,
    queued: s.queuedPackets,
    discarded: s.discardedPackets,
  };
}

export class LiveCapture {
  /** The backend that runs this capture ('ebpf', 'af_packet' or 'libpcap'). */
  readonly backend: LiveBackend;
  /** What was asked for: that backend, or 'best'. */
  readonly requested: LiveBackendChoice;
  /** With 'best': the backends tried (or ruled out) before this one, and why each was skipped. */
  readonly skipped: readonly SkippedBackend[];
  readonly interface: string;
  readonly netns: string | undefined;
  /**
   * Settles when the capture ends: fulfilled after close(), rejected with a LiveCaptureError
   * when the capture fails while running (say the interface was removed). The rejection is
   * marked handled: await `done` (or read `error`) to learn of it.
   */
  readonly done: Promise<void>;

  #session: NativeSession | null = null;
  #error: LiveCaptureError | null = null;
  #settle!: (err: LiveCaptureError | null) => void;

  /** Use openLiveCapture(). */
  private constructor(
    backend: LiveBackend,
    requested: LiveBackendChoice,
    skipped: readonly SkippedBackend[],
    iface: string,
    netns: string | undefined,
  ) {
    this.backend = backend;
    this.requested = requested;
    this.skipped = Object.freeze([...skipped]);
    this.interface = iface;
    this.netns = netns;
    this.done = new Promise<void>((resolve, reject) => {
      this.#settle = (err) => (err === null ? resolve() : reject(err));
    });
    this.done.catch(() => undefined);
  }

  /** @internal */
  static open(options: LiveCaptureOptions, sink: PacketSink): LiveCapture {
    if (typeof options !== 'object' || options === null) resolveLiveOptions(options); // throws: not an object
    const requested = checkBackendChoice(options.backend);
    if (requested !== 'best') return LiveCapture.#openOne(options, requested, requested, [], sink);

    // `best`: every backend in turn; the first that opens wins.
    const skipped: SkippedBackend[] = [];
    let last: LiveCaptureError | null = null;
    for (const backend of BEST_CHAIN) {
      const ruledOut = skipForOptions(backend, options);
      if (ruledOut !== null) {
        skipped.push({ backend, reason: ruledOut });
        continue;
      }
      try {
        return LiveCapture.#openOne(options, backend, 'best', skipped, sink);
      } catch (err) {
        if (!(err instanceof LiveCaptureError) || !isSkippable(err)) throw err;
        skipped.push({ backend, reason: err.message });
        last = err;
      }
    }
    const list = skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ');
    throw new LiveCaptureError(last?.reason ?? 'backend', `no live capture backend could open "${String(options.interface)}" (${list})`, {
      cause: last ?? undefined,
    });
  }

  static #openOne(
    options: LiveCaptureOptions,
    backend: ChainBackend,
    requested: LiveBackendChoice,
    skipped: readonly SkippedBackend[],
    sink: PacketSink,
  ): LiveCapture {
    const whereOf = (iface: unknown, netns: unknown): string =>
      `${backend} capture on "${String(iface)}"${typeof netns === 'string' && netns !== '' ? ` in ${netns}` : ''}`;
    if (backend === 'pf_ring') {
      resolveLiveOptions(options, 'af_packet'); // bad options are reported as such first
      throw new LiveCaptureError('backend', `cannot start ${whereOf(options.interface, options.netns)}: ${pfRingUnavailable()}`);
    }
    let bpfObject: string | undefined;
    if (backend === 'ebpf') bpfObject = bpfObjectPath().path;
    const resolved = resolveLiveOptions(options, backend, bpfObject);
    const addon = loadAddon();
    const where = whereOf(resolved.interface, resolved.netns);
    if (backend === 'ebpf') {
      const problem = ebpfBuildProblem(addon);
      if (problem !== null) throw new LiveCaptureError('backend', `cannot start ${where}: ${problem}`);
    }
    const capture = new LiveCapture(backend, requested, skipped, resolved.interface, resolved.netns ?? undefined);
    capture.#session = new NativeSession(addon, resolved, sink, `cannot start ${where}`, where, (err) => capture.#fail(err));
    return capture;
  }

  /** Counters so far (after close, the final ones). */
  stats(): LiveCaptureStats {
    return toStats(this.#session?.stats() ?? emptyStats());
  }

  /**
   * Stops reading, waits for the capture thread, releases ring, socket and queue. Packets not
   * yet delivered are discarded and counted (`discarded`); the sink is not called after close()
   * returns. Returns the final counters. Safe to call more than once.
   */
  close(): LiveCaptureStats {
    if (this.#session?.handle != null) this.#settle(this.#error);
    return toStats(this.#session?.close() ?? emptyStats());
  }

  /** True once closed, by close() or by a failure. */
  get closed(): boolean {
    return this.#session?.handle == null;
  }


  /** The failure that ended the capture, if any. */
  get error(): LiveCaptureError | null {
    return this.#error;
  }

  /** An open capture keeps the process alive (the default)... */
  ref(): this {
    this.#session?.ref();
    return this;
  }

  /** ...or not. */
  unref(): this {
    this.#session?.unref();
    return this;
  }

  /** The session closed itself on the failure: settle with it. */
  #fail(err: LiveCaptureError): void {
    if (this.#error !== null) return;
    this.#error = err;
    this.#settle(err);
  }
}

/**
 * Starts a live capture; packets go to `sink` in batches on the main thread. Throws a
 * LiveCaptureError (code CAP_ERR_OPEN, `reason` saying which part failed) with a one-line
 * message when it cannot start: bad options, no such interface in that namespace, a filter
 * that does not compile (libpcap's message), missing privileges, an unusable backend.
 *
 * The sink must not throw: an exception from it surfaces as an uncaught exception.
 */
export function openLiveCapture(options: LiveCaptureOptions, sink: PacketSink): LiveCapture {
  return LiveCapture.open(options, sink);
}

/**
 * Whether live capture can be tried in this process, and why not (loads the addon); with each
 * backend of the `best` chain and its own availability and reason (see liveBackendAvailability).
 */
export function liveCaptureAvailability():
  | { available: true; libpcap: string; backends: BackendAvailability[] }
  | { available: false; reason: string; backends: BackendAvailability[] } {
  let libpcap: string;
  try {
    libpcap = loadAddon().libpcapVersion();
  } catch (err) {
    if (err instanceof LiveCaptureError) return { available: false, reason: err.message, backends: liveBackendAvailability() };
    throw err;
  }
  return { available: true, libpcap, backends: liveBackendAvailability() };
}
