/**
 * Loading the native addon (build/Release/shoal_capture.node, built from native/ by
 * native/build.mjs when the package is installed). Loaded on first use, once per process.
 */

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { RECORD_HEADER_BYTES } from './batch-records.js';
import { LiveCaptureError } from './live-errors.js';

/** The flat option object the addon reads (native/addon.c, parse_options). */
export interface NativeOptions {
  /** `tls`: the TLS tracer (tls-trace.ts), whose batches carry its records instead of packets. */
  backend: 'ebpf' | 'af_packet' | 'libpcap' | 'tls';
  /** null for `tls`. */
  interface: string | null;
  filter: string | null;
  netns: string | null;
  promiscuous: boolean;
  ignoreOutgoing: boolean;
  snaplen: number;
  fanout: boolean;
  fanoutGroup: number;
  fanoutMode: string;
  fanoutDefrag: boolean;
  fanoutRollover: boolean;
  blockBytes: number;
  blockCount: number;
  blockTimeoutMs: number;
  batchBytes: number;
  batchPackets: number;
  maxInFlight: number;
  spoolBytes: number;
  pcapBufferBytes: number;
  pcapTimeoutMs: number;
  pcapImmediate: boolean;
  /** ebpf, tls: path of the compiled programs. */
  bpfObject: string | null;
  ebpfRingBytes: number;
  ebpfTimeoutMs: number;
}

export interface NativeStats {
  received: number;
  dropped: number;
  interfaceDropped: number;
  freezes: number;
  emittedBatches: number;
  emittedPackets: number;
  emittedBytes: number;
  deliveredBatches: number;
  deliveredPackets: number;
  /** Emitted and not yet delivered (in flight or spooled); 0 once closed. */
  queuedPackets: number;
  /** Read from the kernel and thrown away, never delivered (see LiveCaptureStats.discarded). */
  discardedPackets: number;
}

/** The TLS tracer programs' counters (SHOAL_TLS_CNT_* in native/bpf/shoal_tls.h). */
export interface TlsCounters {
  /** Reads and writes of traced processes that moved bytes. */
  calls: number;
  /** Records written to the ring buffer. */
  records: number;
  /** Plaintext bytes written to the ring buffer. */
  bytes: number;
  /** Records lost: the ring buffer was full. */
  lostRecords: number;
  /** Plaintext bytes lost: a full ring, an unreadable buffer, a call beyond 64 MiB. */
  lostBytes: number;
}

/** Opaque: a JS external wrapping the native capture. */
export type NativeHandle = { readonly __nativeCapture: unique symbol };

/** kind 0: a batch (ArrayBuffer, packet count); kind 1: an Error after open. */
export type NativeMessageHandler = (kind: number, payload: ArrayBuffer | Error, packets: number) => void;

export interface NativeAddon {
  open(options: NativeOptions, onMessage: NativeMessageHandler): NativeHandle;
  stats(handle: NativeHandle): NativeStats;
  close(handle: NativeHandle): NativeStats;
  /**
   * `count` delivered batches are done with. A batch stays in flight from its delivery until
   * then; the capture thread waits when `maxInFlight` are.
   */
  release(handle: NativeHandle, count: number): void;
  ref(handle: NativeHandle): void;
  unref(handle: NativeHandle): void;
  libpcapVersion(): string;
  /** null when the backend can run here; else why not (code: a LiveErrorReason). */
  probe(backend: 'ebpf' | 'af_packet' | 'libpcap' | 'tls'): { code: string; message: string } | null;
  /** tls: uprobes on the OpenSSL functions of the file at `path` (throws with a reason code). */
  tlsAttach(handle: NativeHandle, path: string): { id: number; functions: string[] };
  /** tls: takes an attachment off; false when there is no such id. */
  tlsDetach(handle: NativeHandle, id: number): boolean;
  /** tls: the network namespaces (inode numbers) whose processes are traced. */
  tlsNamespaces(handle: NativeHandle, inodes: number[]): void;
  /** tls: the programs' counters. */
  tlsCounters(handle: NativeHandle): TlsCounters;
  /** Built with libbpf (clang and libbpf-dev were there at build time). */
  readonly ebpfCompiled: boolean;
  readonly recordHeaderBytes: number;
}

/** Where the addon is expected; SHOAL_CAPTURE_ADDON overrides it (tests of a missing addon). */
export function addonPath(): string {
  const override = process.env['SHOAL_CAPTURE_ADDON'];
  if (override !== undefined && override !== '') return override;
  // Through the package's own package.json: this module may run from the CLI's start-up bundle.
  const packageDir = path.dirname(createRequire(import.meta.url).resolve('@shoal/capture/package.json'));
  return path.join(packageDir, 'build', 'Release', 'shoal_capture.node');
}

/** What native/build.mjs wrote about the eBPF part (build/Release/shoal_capture.ebpf.json). */
export interface EbpfBuildStatus {
  built: boolean;
  object?: string;
  clang?: string;
  reason?: string;
  /** The TLS tracer's programs (absent in builds before it). */
  tls?: { built: boolean; object?: string; clang?: string; reason?: string };
}

/** The build's eBPF status beside the addon, or null when there is none (an older build). */
export function ebpfBuildStatus(): EbpfBuildStatus | null {
  try {
    const text = fs.readFileSync(path.join(path.dirname(addonPath()), 'shoal_capture.ebpf.json'), 'utf8');
    const parsed = JSON.parse(text) as EbpfBuildStatus;
    return typeof parsed.built === 'boolean' ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * The compiled tc programs: SHOAL_BPF_OBJECT when set (tests hide the object with it), else
 * shoal_capture.bpf.o beside the addon.
 */
export function bpfObjectPath(): { path: string; fromEnv: boolean } {
  const override = process.env['SHOAL_BPF_OBJECT'];
  if (override !== undefined && override !== '') return { path: override, fromEnv: true };
  return { path: path.join(path.dirname(addonPath()), 'shoal_capture.bpf.o'), fromEnv: false };
}

/** The TLS tracer's programs: SHOAL_TLS_BPF_OBJECT when set, else shoal_tls.bpf.o beside the addon. */
export function tlsObjectPath(): string {
  const override = process.env['SHOAL_TLS_BPF_OBJECT'];
  if (override !== undefined && override !== '') return override;
  return path.join(path.dirname(addonPath()), 'shoal_tls.bpf.o');
}

let loaded: NativeAddon | null = null;
let loadError: LiveCaptureError | null = null;

/** The addon, or a LiveCaptureError (reason 'backend') saying why it cannot be used. */
export function loadAddon(): NativeAddon {
  if (loaded !== null) return loaded;
  if (loadError !== null) throw loadError;
  const file = addonPath();
  try {
    const required = createRequire(import.meta.url)(file) as NativeAddon;
    if (required.recordHeaderBytes !== RECORD_HEADER_BYTES) {
      throw new Error(
        `record layout mismatch (header ${required.recordHeaderBytes} bytes, expected ${RECORD_HEADER_BYTES}): rebuild it`,
      );
    }
    loaded = required;
    return loaded;
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    loadError = new LiveCaptureError(
      'backend',
      `live capture is unavailable: the native addon ${file} cannot be loaded (${why}); build it with ` +
        '`npm run build:native -w @shoal/capture` (needs the Debian packages libpcap-dev, make, g++, python3)',
      { cause: err },
    );
    throw loadError;
  }
}
