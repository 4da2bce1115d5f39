/**
 * The TLS tracer's kernel side (native/bpf/tls.bpf.c, loaded by the addon as the capture
 * backend "tls"): uprobes on OpenSSL's SSL_read/SSL_write (and _ex, SSL_free) in the files it
 * is told to attach to, syscall tracepoints for the connection behind each call, a BPF ring
 * buffer whose records reach `onRecord` in batches, on the main thread, as packets reach a
 * live capture's sink. Which files and which processes (by network namespace) is the caller's
 * business: @shoal/tracer decides, this only does what it is told.
 */

import type { PacketSink } from '@shoal/model';
import { fromNativeError, LiveCaptureError } from './live-errors.js';
import { LIVE_DEFAULTS, memoryLimitBytes } from './live-options.js';
import { ebpfBuildStatus, loadAddon, tlsObjectPath } from './native-addon.js';
import type { NativeAddon, NativeHandle, TlsCounters } from './native-addon.js';
import { NativeSession } from './native-session.js';
import { decodeTlsRecord, TLS_RECORD_LINKTYPE, type TlsRecord } from './tls-records.js';

export interface TlsTraceOptions {
  /** The BPF ring buffer: a power of two from 4 MiB to 1 GiB (default 16 MiB). */
  ringBytes?: number;
  /** How long a record may wait in the ring before the reader looks (default 10 ms). */
  timeoutMs?: number;
}

/** The programs' counters and the hand-over's. */
export interface TlsTraceStats extends TlsCounters {
  /** Records handed to onRecord. */
  delivered: number;
  /** Records read from the ring and waiting for onRecord. */
  queued: number;
  /** Records read and never delivered (still queued at close). */
  discarded: number;
}

export type TlsAvailability = { available: true } | { available: false; reason: string };

/**
 * Whether the tracer can be tried here, and why not: the addon, the build (clang, libbpf-dev,
 * the compiled programs) and the kernel (BTF, uprobe events, tracefs). Mounts and loads nothing;
 * an open can still fail where this passed (the verifier, a refused mount).
 */
export function tlsTraceAvailability(): TlsAvailability {
  let addon: NativeAddon;
  try {
    addon = loadAddon();
  } catch (err) {
    return { available: false, reason: (err as Error).message };
  }
  const build = ebpfBuildStatus();
  if (!addon.ebpfCompiled || build?.tls?.built === false) {
    const why = build?.tls?.reason ?? build?.reason ?? 'the addon was built without libbpf';
    return { available: false, reason: `the TLS tracer was not built: ${why}` };
  }
  const problem = addon.probe('tls');
  return problem === null ? { available: true } : { available: false, reason: problem.message };
}

function ringBytesOf(value: unknown): number {
  const limit = memoryLimitBytes();
  const v = value ?? LIVE_DEFAULTS.ebpfRingBytes;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 4 << 20 || v > Math.min(1 << 30, limit) || (v & (v - 1)) !== 0) {
    throw new LiveCaptureError('options', `TLS tracer option ringBytes must be a power of two from 4 MiB to ${Math.min(1024, Math.floor(limit / 2 ** 20))} MiB (got ${String(v)})`);
  }
  return v;
}

function timeoutOf(value: unknown): number {
  const v = value ?? LIVE_DEFAULTS.ebpfTimeoutMs;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 60000) {
    throw new LiveCaptureError('options', `TLS tracer option timeoutMs must be an integer from 1 to 60000 (got ${String(v)})`);
  }
  return v;
}

export class TlsTrace {
  /** Settles when the tracer ends: after close(), or rejected when it failed while running. */
  readonly done: Promise<void>;
  #addon: NativeAddon;
  #session!: NativeSession;
  #settle!: (err: LiveCaptureError | null) => void;
  #delivered = 0;
  /** The programs' counters when closed (the maps are gone after). */
  #final: TlsCounters | null = null;

  private constructor(addon: NativeAddon) {
    this.#addon = addon;
    this.done = new Promise<void>((resolve, reject) => {
      this.#settle = (err) => (err === null ? resolve() : reject(err));
    });
    this.done.catch(() => undefined);
  }

  /**
   * Loads the programs and attaches the tracepoints (mounting tracefs when it is not); traces
   * nothing until setNamespaces() and attach(). Throws a LiveCaptureError (reason `backend`,
   * `permission`...) saying why it cannot start.
   */
  static open(options: TlsTraceOptions, onRecord: (record: TlsRecord) => void): TlsTrace {
    const ebpfRingBytes = ringBytesOf(options.ringBytes);
    const ebpfTimeoutMs = timeoutOf(options.timeoutMs);
    const availability = tlsTraceAvailability();
    if (!availability.available) throw new LiveCaptureError('backend', `cannot start the TLS tracer: ${availability.reason}`);
    const addon = loadAddon();
    const trace = new TlsTrace(addon);
    const sink: PacketSink = {
      onPacket: (linkType, tsMs, data, offset, caplen) => {
        if (linkType !== TLS_RECORD_LINKTYPE) return;
        const record = decodeTlsRecord(data, offset, caplen, tsMs);
        if (record === null) return;
        trace.#delivered++;
        onRecord(record);
      },
    };
    const native = {
      backend: 'tls' as const,
      interface: null,
      filter: null,
      netns: null,
      promiscuous: false,
      ignoreOutgoing: false,
      snaplen: LIVE_DEFAULTS.snaplen, // the addon sets its own (a record and one piece)
      fanout: false,
      fanoutGroup: 0,
      fanoutMode: 'hash',
      fanoutDefrag: false,
      fanoutRollover: false,
      blockBytes: LIVE_DEFAULTS.blockBytes,
      blockCount: LIVE_DEFAULTS.blockCount,
      blockTimeoutMs: LIVE_DEFAULTS.blockTimeoutMs,
      batchBytes: LIVE_DEFAULTS.batchBytes,
      batchPackets: LIVE_DEFAULTS.batchPackets,
      maxInFlight: LIVE_DEFAULTS.maxInFlight,
      spoolBytes: LIVE_DEFAULTS.spoolBytes,
      pcapBufferBytes: LIVE_DEFAULTS.pcapBufferBytes,
      pcapTimeoutMs: LIVE_DEFAULTS.pcapTimeoutMs,
      pcapImmediate: false,
      bpfObject: tlsObjectPath(),
      ebpfRingBytes,
      ebpfTimeoutMs,
    };
    trace.#session = new NativeSession(addon, native, sink, 'cannot start the TLS tracer', 'the TLS tracer', (err) => trace.#settle(err));
    return trace;
  }

  /**
   * Attaches the uprobes to an OpenSSL file (a libssl.so, or a binary that exports SSL_read and
   * SSL_write, such as node): every process mapping it, now or later, is hooked, those of the
   * traced namespaces traced. Returns the attachment's id and the functions hooked. Throws a
   * LiveCaptureError: `options` when the file is no OpenSSL, `system` when it cannot be read,
   * `permission` or `backend` when the kernel refuses.
   */
  attach(path: string): { id: number; functions: string[] } {
    try {
      return this.#addon.tlsAttach(this.#handle(), path);
    } catch (err) {
      throw fromNativeError(err, `cannot attach the TLS tracer to ${path}`);
    }
  }

  /** Takes an attachment off; false when there was none with that id (or the tracer is closed). */
  detach(id: number): boolean {
    const handle = this.#session.handle;
    return handle !== null && this.#addon.tlsDetach(handle, id);
  }

  /** The network namespaces (inode numbers of /proc/PID/ns/net) whose processes are traced. */
  setNamespaces(inodes: readonly number[]): void {
    const handle = this.#session.handle;
    if (handle !== null) this.#addon.tlsNamespaces(handle, [...inodes]);
  }

  stats(): TlsTraceStats {
    const handle = this.#session.handle;
    const native = this.#session.stats();
    const counters = handle !== null ? this.#addon.tlsCounters(handle) : (this.#final ?? { calls: 0, records: 0, bytes: 0, lostRecords: 0, lostBytes: 0 });
    return { ...counters, delivered: this.#delivered, queued: native.queuedPackets, discarded: native.discardedPackets };
  }

  /** Takes every probe off and stops; records not delivered yet are discarded (and counted). */
  close(): TlsTraceStats {
    const handle = this.#session.handle;
    if (handle !== null) {
      this.#final = this.#addon.tlsCounters(handle);
      this.#session.close();
      this.#settle(null);
    }
    return this.stats();
  }

  get closed(): boolean {
    return this.#session.handle === null;
  }

  /** An open tracer keeps the process alive (the default)... */
  ref(): this {
    this.#session.ref();
    return this;
  }

  /** ...or not. */
  unref(): this {
    this.#session.unref();
    return this;
  }

  #handle(): NativeHandle {
    const handle = this.#session.handle;
    if (handle === null) throw new LiveCaptureError('backend', 'the TLS tracer is closed');
    return handle;
  }
}

