/**
 * The TLS tracer of a node: the plaintext the targeted pods' processes hand to OpenSSL, as one
 * byte stream per connection and direction, into a PlaintextSink (the worker's dissect engine).
 *
 *   targets ──▶ network namespaces ──▶ the kernel side traces their processes (TlsTrace)
 *      │             │
 *      │             └──▶ their processes (/proc walk, exec and exit records) ──▶ the OpenSSL
 *      │                  files they map (libssl.so.*, binaries exporting SSL_read: node) ──▶ uprobes
 *      ▼
 *   records ──▶ TlsConnections (pieces joined, addresses bound, both ends de-duplicated) ──▶ sink
 *
 * A target is found by its network namespace: the path it names (`netns`, the lab's pods), else
 * the namespace holding its IP (a cluster's pods). The tracer never throws for want of a
 * kernel: start() gives a tracer in state `unavailable` with the reason (no BTF, no uprobe PMU,
 * tracefs not mountable, no permission, an addon built without libbpf), and the worker goes on.
 */

import { TlsTrace, type TlsRecord, type TlsTraceStats } from '@shoal/capture';
import { TRACER_MAX_LISTED_PROCESSES, type Target, type TracerPod, type TracerStatus } from '@shoal/model';
import { namespacesByAddress } from './address-namespaces.js';
import { DEFAULT_MAX_FILES, OpensslFiles } from './openssl-files.js';
import { namespaceInode } from './proc-files.js';
import { TlsConnections, type PlaintextSink } from './tls-connections.js';
import { TracedProcesses } from './traced-processes.js';

/** The slice of a pino logger the tracer writes to. */
export interface TracerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface TracerOptions {
  /** Where connections go. */
  sink: PlaintextSink;
  log: TracerLog;
  /** The host's /proc as this process sees it (default /proc; a cluster's worker: /hostproc). */
  proc?: string;
  /** Every so often all processes of the targets are looked at again (default 2 s). */
  rescanMs?: number;
  /** OpenSSL files hooked at most (default DEFAULT_MAX_FILES). */
  maxFiles?: number;
  /** A connection silent this long is ended (default 120 s, the engine's TCP idle timeout). */
  idleMs?: number;
  /** The kernel's ring buffer (bytes, a power of two from 4 MiB; default 16 MiB). */
  ringBytes?: number;
}

export const DEFAULT_RESCAN_MS = 2_000;
export const DEFAULT_IDLE_MS = 120_000;
/** After a traced process starts a program, it is looked at again this much later (libraries load after exec). */
const AFTER_EXEC_MS = [100, 1_000];

interface PodTarget {
  pod: string;
  netns: number | null;
  reason?: string;
  /** The target as given: its netns path, or its IP to find the namespace by. */
  nsPath?: string;
  ip: string;
}

const NO_STATS: TlsTraceStats = { calls: 0, records: 0, bytes: 0, lostRecords: 0, lostBytes: 0, delivered: 0, queued: 0, discarded: 0 };

export class Tracer {
  readonly #options: TracerOptions;
  readonly #proc: string;
  readonly #trace: TlsTrace | null;
  readonly #reason: string | null;
  readonly #files: OpensslFiles | null;
  readonly #processes: TracedProcesses | null;
  readonly #connections: TlsConnections;
  readonly #timers = new Set<NodeJS.Timeout>();
  #pods: PodTarget[] = [];
  #namespaces = new Set<number>();
  /** Plaintext delivered per namespace: the pods' share of the counters. */
  readonly #perNamespace = new Map<number, { chunks: number; bytes: number }>();
  #hidden = 0;
  #closed = false;
  /** Exceptions caught in the tracer's own work (a bug, a full namespace map): logged, never fatal. */
  #errors = 0;
  #lastErrorLogMs = -Infinity;

  private constructor(options: TracerOptions, trace: TlsTrace | null, reason: string | null) {
    this.#options = options;
    this.#proc = options.proc ?? '/proc';
    this.#trace = trace;
    this.#reason = reason;
    this.#connections = new TlsConnections(options.sink);
    this.#files = trace === null ? null : new OpensslFiles(trace, options.maxFiles ?? DEFAULT_MAX_FILES);
    this.#processes = this.#files === null ? null : new TracedProcesses(this.#proc, this.#files);
    if (trace !== null) {
      trace.unref();
      const timer = setInterval(() => this.#guard('rescan', () => this.#rescan()), options.rescanMs ?? DEFAULT_RESCAN_MS);
      timer.unref();
      this.#timers.add(timer);
    }
  }

  /**
   * Loads the kernel side; on failure the tracer is `unavailable` with the reason (logged once),
   * and traces nothing. Nothing is traced before setTargets.
   */
  static start(options: TracerOptions): Tracer {
    let tracer: Tracer | null = null;
    try {
      // Records come on later turns of the event loop, once `tracer` is set.
      const trace = TlsTrace.open({ ...(options.ringBytes !== undefined ? { ringBytes: options.ringBytes } : {}) }, (r) => tracer!.#guard('record', () => tracer!.#onRecord(r)));
      tracer = new Tracer(options, trace, null);
      options.log.info({}, 'TLS tracer loaded: uprobes on OpenSSL, syscall tracepoints');
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      tracer = new Tracer(options, null, reason);
      options.log.warn({ reason }, `TLS tracer unavailable, going on without it: ${reason}`);
    }
    return tracer;
  }

  /** The pods to trace: replaces the previous ones. */
  setTargets(targets: readonly Target[]): void {
    const byPod = new Map<string, PodTarget>();
    for (const t of targets) {
      const pod = `${t.namespace}/${t.name}`;
      if (!byPod.has(pod)) byPod.set(pod, { pod, netns: null, ip: t.ip, ...(t.netns !== undefined ? { nsPath: t.netns } : {}) });
    }
    this.#pods = [...byPod.values()];
    this.#guard('targets', () => this.#rescan());
  }

  /**
   * Whether the connection between these two ends ("ip:port") was decrypted lately; counted as
   * an encrypted entry hidden when it was (the worker asks this of the capture's TLS entries).
   */
  hidesEncrypted(a: string, b: string): boolean {
    if (!this.#connections.decrypted(a, b)) return false;
    this.#hidden++;
    return true;
  }

  status(): TracerStatus {
    const stats = this.#stats();
    const users = this.#processes?.users() ?? new Map<string, number>();
    return {
      state: this.#trace !== null ? 'on' : 'unavailable',
      reason: this.#reason,
      files: this.#files?.status(users) ?? [],
      pods: this.#pods.map((p) => this.#podStatus(p)),
      counters: {
        calls: stats.calls,
        chunks: stats.records,
        bytes: stats.bytes,
        lostChunks: stats.lostRecords,
        lostBytes: stats.lostBytes + this.#connections.counters.unboundBytes,
        connections: this.#connections.counters.connections,
        duplicateBytes: this.#connections.counters.duplicateBytes,
        encryptedEntriesHidden: this.#hidden,
        errors: this.#errors,
      },
    };
  }

  /** Takes every probe off, ends the connections (their last entries come out). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#trace?.close();
    this.#connections.closeAll(Date.now());
  }

  #stats(): TlsTraceStats {
    return this.#trace?.stats() ?? NO_STATS;
  }

  #podStatus(p: PodTarget): TracerPod {
    const counts = p.netns === null ? undefined : this.#perNamespace.get(p.netns);
    const lost = p.netns === null ? undefined : this.#connections.lostByNamespace.get(p.netns);
    const processes = p.netns === null || this.#processes === null ? [] : this.#processes.inNamespace(p.netns);
    const files = this.#files;
    const status: TracerPod = {
      pod: p.pod,
      netns: p.netns,
      processes: processes.slice(0, TRACER_MAX_LISTED_PROCESSES).map((proc) => ({
        pid: proc.pid,
        comm: proc.comm,
        libraries: proc.files.flatMap((id) => files?.pathOf(id) ?? []),
      })),
      processCount: processes.length,
      chunks: counts?.chunks ?? 0,
      bytes: counts?.bytes ?? 0,
      gaps: lost?.gaps ?? 0,
      lostBytes: lost?.bytes ?? 0,
    };
    if (p.reason !== undefined) status.reason = p.reason;
    return status;
  }

  /** Finds each pod's namespace, tells the kernel side, looks at every process again. */
  #rescan(): void {
    if (this.#trace === null || this.#closed) return;
    const byAddress = this.#pods.some((p) => p.nsPath === undefined) ? namespacesByAddress(this.#proc) : null;
    for (const p of this.#pods) {
      p.netns = p.nsPath !== undefined ? namespaceInode(p.nsPath) : (byAddress?.get(p.ip) ?? null);
      if (p.netns !== null) delete p.reason;
      else p.reason = p.nsPath !== undefined ? `its network namespace ${p.nsPath} cannot be opened` : `no network namespace on this node has its address ${p.ip}`;
    }
    const namespaces = new Set(this.#pods.flatMap((p) => (p.netns === null ? [] : [p.netns])));
    if (!sameSet(namespaces, this.#namespaces)) {
      this.#namespaces = namespaces;
      this.#trace.setNamespaces([...namespaces]);
      for (const netns of this.#perNamespace.keys()) if (!namespaces.has(netns)) this.#perNamespace.delete(netns);
      for (const netns of this.#connections.lostByNamespace.keys()) if (!namespaces.has(netns)) this.#connections.lostByNamespace.delete(netns);
    }
    this.#processes!.scanAll(namespaces);
    this.#connections.sweep(Date.now(), this.#options.idleMs ?? DEFAULT_IDLE_MS);
  }

  #onRecord(r: TlsRecord): void {
    switch (r.kind) {
      case 'exec':
        this.#processes?.scanOne(r.pid, this.#namespaces);
        for (const ms of AFTER_EXEC_MS) this.#later(ms, () => this.#guard('exec', () => this.#processes?.scanOne(r.pid, this.#namespaces)));
        return;
      case 'exit':
        this.#processes?.remove(r.pid);
        this.#connections.endProcess(r.pid, r.timestampMs);
        return;
      case 'data': {
        const counts = this.#perNamespace.get(r.netns) ?? { chunks: 0, bytes: 0 };
        counts.chunks++;
        counts.bytes += r.data.length;
        this.#perNamespace.set(r.netns, counts);
        break;
      }
    }
    this.#connections.onRecord(r);
  }

  /** The tracer's work never throws into the worker: a failure is counted and logged (at most every 10 s). */
  #guard(where: string, run: () => void): void {
    try {
      run();
    } catch (err) {
      this.#errors++;
      const now = Date.now();
      if (now - this.#lastErrorLogMs < 10_000) return;
      this.#lastErrorLogMs = now;
      this.#options.log.warn({ err: err instanceof Error ? err.message : String(err), errors: this.#errors }, `TLS tracer error (${where})`);
    }
  }

  #later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#closed) run();
    }, ms);
    timer.unref();
    this.#timers.add(timer);
  }
}

function sameSet<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

/** The status of a worker that runs no tracer (without `--tls`). */
export function tracerOff(): TracerStatus {
  return {
    state: 'off',
    reason: null,
    files: [],
    pods: [],
    counters: { calls: 0, chunks: 0, bytes: 0, lostChunks: 0, lostBytes: 0, connections: 0, duplicateBytes: 0, encryptedEntriesHidden: 0, errors: 0 },
  };
}
