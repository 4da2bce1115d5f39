/**
 * The TLS tracer's state (docs/api.md, `tracer` in the worker's GET /stats and GET /health; the
 * hub copies the summary into GET /status per worker): the worker writes it, the hub, the
 * dashboard and the CLI read it. No Node-only import.
 */

/**
 * `off`: not asked for (the worker runs without `--tls`); `on`: loaded and tracing the targets;
 * `unavailable`: asked for, but this node cannot (no BTF, no uprobes, no permission...): `reason`
 * says why, and the worker goes on without it.
 */
export type TracerState = 'off' | 'on' | 'unavailable';

/** An OpenSSL file the tracer hooked, or tried to. */
export interface TracerFile {
  /** The file as the first process seen mapping it names it (inside that process's root). */
  path: string;
  /** The functions hooked (SSL_read, SSL_write, SSL_read_ex, SSL_write_ex, SSL_free). */
  functions: string[];
  /** Traced processes mapping it now. */
  processes: number;
  /** Why it could not be hooked (then `functions` is empty). */
  error?: string;
}

/** A process of a targeted pod. */
export interface TracerProcess {
  pid: number;
  /** Its name (/proc/PID/comm). */
  comm: string;
  /** The hooked OpenSSL files it maps (paths as in TracerFile); empty: nothing to trace in it. */
  libraries: string[];
}

/** One targeted pod, as the tracer sees it. */
export interface TracerPod {
  /** `namespace/name`. */
  pod: string;
  /** Inode number of its network namespace; null when not found (then `reason` says why). */
  netns: number | null;
  reason?: string;
  /** Its processes (at most TRACER_MAX_LISTED_PROCESSES; `processCount` counts them all). */
  processes: TracerProcess[];
  processCount: number;
  /** Plaintext delivered from its processes. */
  chunks: number;
  bytes: number;
  /**
   * Holes in its connections' plaintext: each one chunk or more the kernel's ring could not take
   * (the node's `counters.lostChunks` counts the chunks), and the bytes they held.
   */
  gaps: number;
  lostBytes: number;
}

/** Counters of the node's tracer; monotonic while the worker runs. */
export interface TracerCounters {
  /** Reads and writes of traced processes that moved bytes. */
  calls: number;
  /** Plaintext records read from the kernel (a large call is several). */
  chunks: number;
  /** Plaintext bytes read from the kernel. */
  bytes: number;
  /** Records the kernel could not hand over (its ring buffer was full). */
  lostChunks: number;
  /** Plaintext bytes lost: a full ring, an unreadable buffer, a connection never bound to a socket. */
  lostBytes: number;
  /** Connections seen (a connection whose two ends are both traced counts once). */
  connections: number;
  /** Bytes seen from the second traced end of a connection, left out (the first end's are used). */
  duplicateBytes: number;
  /** Encrypted-stream entries of the packet capture left out because the tracer showed the connection decrypted. */
  encryptedEntriesHidden: number;
  /** Exceptions caught in the tracer's own work (a bug, a full namespace map); the log has the first of every 10 s. */
  errors: number;
}

export interface TracerStatus {
  state: TracerState;
  /** Why `unavailable` (null otherwise). */
  reason: string | null;
  files: TracerFile[];
  pods: TracerPod[];
  counters: TracerCounters;
}

/** A pod's process list in the status stops here (a pod may run many short-lived processes). */
export const TRACER_MAX_LISTED_PROCESSES = 64;

/** One pod in a tracer summary (the hub's GET /status per worker). */
export interface TracerPodSummary {
  pod: string;
  /** Its network namespace was found on the node. */
  found: boolean;
  reason?: string;
  /** Its processes that map a hooked OpenSSL file. */
  hookedProcesses: number;
  /** The hooked OpenSSL files its processes map. */
  libraries: string[];
  chunks: number;
  bytes: number;
  /** Holes in its plaintext and their bytes (TracerPod). */
  gaps: number;
  lostBytes: number;
}

/** A worker's tracer in a few numbers per pod: what the hub's GET /status shows. */
export interface TracerSummary {
  state: TracerState;
  reason: string | null;
  /** OpenSSL files hooked, and those that could not be. */
  files: number;
  failedFiles: number;
  pods: TracerPodSummary[];
  counters: TracerCounters;
}

export function summarizeTracer(s: TracerStatus): TracerSummary {
  return {
    state: s.state,
    reason: s.reason,
    files: s.files.filter((f) => f.error === undefined).length,
    failedFiles: s.files.filter((f) => f.error !== undefined).length,
    pods: s.pods.map((p) => {
      const pod: TracerPodSummary = {
        pod: p.pod,
        found: p.netns !== null,
        hookedProcesses: p.processes.filter((proc) => proc.libraries.length > 0).length,
        libraries: [...new Set(p.processes.flatMap((proc) => proc.libraries))].sort(),
        chunks: p.chunks,
        bytes: p.bytes,
        gaps: p.gaps,
        lostBytes: p.lostBytes,
      };
      if (p.reason !== undefined) pod.reason = p.reason;
      return pod;
    }),
    counters: s.counters,
  };
}
