import type { CaptureSource, PacketSink } from '@shoal/model';

/** One capture the worker wants open: where, and which packets (a pcap-filter expression). */
export interface CaptureSpec {
  /** Interface name in the capture's namespace, or `any`. */
  interface: string;
  /** Network namespace path; undefined for the worker's own (the node's root namespace). */
  netns?: string;
  /** Kernel filter (pcap-filter(7)); never empty: "no targets" means no capture at all. */
  filter: string;
  /** Names (`namespace/name`) of the targets this capture is for, for /stats. */
  targets: string[];
}

/** Counters of one capture, in the shape /stats and /metrics report. */
export interface CaptureCounters {
  /** Packets the kernel let through the filter (dropped ones included). */
  received: number;
  /** Packets the kernel or the interface dropped for lack of room. */
  dropped: number;
  /** Packets handed to the pipeline. */
  delivered: number;
  /**
   * Packets captured and not yet handed to the pipeline (the hand-over and the capture's
   * spool): the backlog of a busy pipeline. 0 once a capture is closed.
   */
  queued: number;
  /**
   * Packets captured and never handed to the pipeline: what was still queued when the capture
   * closed (a target change), and batches lost for lack of memory.
   */
  discarded: number;
}

/** A backend `--capture best` passed over for one capture, and why. */
export interface SkippedBackend {
  backend: string;
  reason: string;
}

/** A capture that is open; packets reach its sink on the main thread until close(). */
export interface OpenCapture {
  /** The backend that actually runs it (entries of its streams carry it as `capture`). */
  readonly backend: CaptureSource;
  /** With `best`: the backends tried (or ruled out) before this one, and why. */
  readonly skipped: readonly SkippedBackend[];
  stats(): CaptureCounters;
  /** Stops delivery; returns the final counters. Safe to call twice. */
  close(): CaptureCounters;
  /** Settles when the capture ends; rejects when it failed while running (interface gone). */
  readonly done: Promise<void>;
}

/**
 * Where the worker's packets come from: live capture in production, a capture file replayed
 * "as if live" in tests. Whatever the source, packets go through the same pipeline.
 */
export interface PacketSource {
  /** What `--capture` asked for (`best`, `ebpf`, `af_packet`, `libpcap`; `pcap_file` for a replay). */
  readonly requested: string;
  /** Opens one capture; throws (a coded error with a one-line message) when it cannot. */
  open(spec: CaptureSpec, sink: PacketSink): OpenCapture;
}
