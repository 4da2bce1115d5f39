/**
 * Options of a live capture: the public shape, defaults, and validation into the flat object
 * the addon reads. Every refusal is a LiveCaptureError with reason 'options' naming the
 * option and the accepted range.
 */

import os from 'node:os';
import { LiveCaptureError } from './live-errors.js';
import type { NativeOptions } from './native-addon.js';

/** The backends that run a capture (LiveCapture.backend; an entry's `capture` says the same). */
export type LiveBackend = 'ebpf' | 'af_packet' | 'libpcap';
/** Every backend of the `best` chain: PF_RING too, which is detected but never runs. */
export type ChainBackend = 'ebpf' | 'pf_ring' | 'af_packet' | 'libpcap';
/** What a caller may ask for: one backend, or `best` (the first in the chain that opens). */
export type LiveBackendChoice = ChainBackend | 'best';

/** The chain, in the order `best` tries it (see backend-chain.ts). */
export const LIVE_BACKENDS: readonly ChainBackend[] = ['ebpf', 'pf_ring', 'af_packet', 'libpcap'];

/** PACKET_FANOUT modes (packet(7)). */
export type FanoutMode = 'hash' | 'lb' | 'cpu' | 'rollover' | 'random' | 'qm';

export interface LiveCaptureOptions {
  /**
   * Which backend. A forced backend that cannot run fails with its reason (reason 'backend',
   * or 'permission'); `best` tries ebpf, pf_ring, af_packet, libpcap in turn and records
   * why each one it passed over was skipped (LiveCapture.skipped).
   */
  backend: LiveBackendChoice;
  /**
   * Interface name in the capture's namespace, or 'any' for all of them. ebpf takes 'any' only
   * with `netns`: it attaches to every Ethernet or loopback interface up when it opens (a pod's
   * lo and eth0), and does not see one added later.
   */
  interface: string;
  /** pcap filter expression (pcap-filter(7)), compiled by libpcap. */
  filter?: string;
  /** Capture inside this network namespace: /proc/PID/ns/net or /var/run/netns/NAME. */
  netns?: string;
  /** Promiscuous mode on the interface (default true; not possible on 'any'). */
  promiscuous?: boolean;
  /** Skip packets the host sends (PACKET_IGNORE_OUTGOING; libpcap: direction "in"). */
  ignoreOutgoing?: boolean;
  /** Bytes kept per packet (default and maximum 262144). */
  snaplen?: number;
  /** af_packet only: share the packets of one interface among the sockets of a group. */
  fanout?: { group: number; mode?: FanoutMode; defrag?: boolean; rollover?: boolean };
  /** af_packet only: the TPACKET_V3 ring. Defaults: 32 blocks of 1 MiB, 10 ms block timeout. */
  ring?: { blockBytes?: number; blockCount?: number; blockTimeoutMs?: number };
  /**
   * ebpf only: the BPF ring buffer, a power of two from 4 MiB to 1 GiB (default 16 MiB), and
   * how long a packet may wait in it before the reader looks (default 10 ms; the programs wake
   * the reader early once a sixteenth of the ring is used).
   */
  ebpf?: { ringBytes?: number; timeoutMs?: number };
  /** libpcap only. Defaults: 32 MiB buffer, 10 ms timeout, not immediate. */
  libpcap?: { bufferBytes?: number; timeoutMs?: number; immediate?: boolean };
  /**
   * Hand-over to JS. Defaults: 1 MiB or 16384 packets per batch; at most 4 batches in flight (a
   * batch is in flight from its send until JS's event loop has turned after delivering it: more
   * would only delay timers and I/O behind batches); up to 32 MiB of further batches wait in the
   * capture's spool, so the kernel ring keeps being emptied while JS is busy or stalled.
   */
  batch?: { maxBytes?: number; maxPackets?: number; maxInFlight?: number; spoolBytes?: number };
}

export const LIVE_DEFAULTS = {
  snaplen: 262144,
  blockBytes: 1 << 20,
  blockCount: 32,
  blockTimeoutMs: 10,
  batchBytes: 1 << 20,
  batchPackets: 16384,
  maxInFlight: 4,
  spoolBytes: 32 << 20,
  pcapBufferBytes: 32 << 20,
  pcapTimeoutMs: 10,
  ebpfRingBytes: 16 << 20,
  ebpfTimeoutMs: 10,
} as const;

const FANOUT_MODES: readonly FanoutMode[] = ['hash', 'lb', 'cpu', 'rollover', 'random', 'qm'];
const PAGE = 4096;

/**
 * The most memory one capture may ask for in each of its buffers (the kernel ring or libpcap
 * buffer; the batches queued towards JS): a quarter of this machine's memory, 4 GiB at most.
 * The kernel allocates a ring in full when it is set up, and a ring larger than the memory
 * gets the process killed by the OOM killer rather than an error.
 */
export function memoryLimitBytes(): number {
  return Math.min(4 * 2 ** 30, Math.floor(os.totalmem() / 4));
}

function mib(bytes: number): string {
  return `${Math.floor(bytes / 2 ** 20)} MiB`;
}

function bad(option: string, expected: string, value: unknown): never {
  throw new LiveCaptureError('options', `live capture option ${option} must be ${expected} (got ${describe(value)})`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  return typeof value;
}

function int(option: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    bad(option, `an integer from ${min} to ${max}`, value);
  }
  return value;
}

function flag(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') bad(option, 'true or false', value);
  return value;
}

function object(option: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) bad(option, 'an object', value);
  return value as Record<string, unknown>;
}

function fanoutGroup(value: unknown): number {
  if (value === undefined) bad('fanout.group', 'an integer from 0 to 65535 shared by the group', value);
  return int('fanout.group', value, 0, 0, 65535);
}

/** Checks the `backend` option: one of LIVE_BACKENDS or 'best'. */
export function checkBackendChoice(value: unknown): LiveBackendChoice {
  if (value !== 'best' && !LIVE_BACKENDS.includes(value as ChainBackend)) {
    bad('backend', `"best", ${LIVE_BACKENDS.map((b) => `"${b}"`).join(', ')}`, value);
  }
  return value as LiveBackendChoice;
}

/**
 * Checks the options and fills in defaults, for one backend the addon runs (`backend`; the
 * options' own backend when left out). `bpfObject` is the eBPF object's path (ebpf only).
 */
export function resolveLiveOptions(options: LiveCaptureOptions, backendOverride?: LiveBackend, bpfObject?: string): NativeOptions & { interface: string } {
  const o = object('options', options);
  const backend = backendOverride ?? o['backend'];
  if (backend !== 'af_packet' && backend !== 'libpcap' && backend !== 'ebpf') {
    bad('backend', '"ebpf", "af_packet" or "libpcap" here', backend);
  }

  const name = o['interface'];
  // IFNAMSIZ is 16 with the NUL; names never contain '/' or whitespace.
  if (typeof name !== 'string' || name.length === 0 || Buffer.byteLength(name) > 15 || /[/\s\0]/.test(name)) {
    bad('interface', 'an interface name of 1 to 15 bytes without "/" or spaces, or "any"', name);
  }
  const filter = o['filter'];
  if (filter !== undefined && typeof filter !== 'string') bad('filter', 'a pcap filter expression', filter);
  const netns = o['netns'];
  if (netns !== undefined && (typeof netns !== 'string' || !netns.startsWith('/') || netns.includes('\0'))) {
    bad('netns', 'an absolute path such as /proc/PID/ns/net or /var/run/netns/NAME', netns);
  }

  const ring = object('ring', o['ring']);
  const blockBytes = int('ring.blockBytes', ring['blockBytes'], LIVE_DEFAULTS.blockBytes, PAGE, 1 << 30);
  if (blockBytes % PAGE !== 0) bad('ring.blockBytes', `a multiple of the page size (${PAGE})`, blockBytes);
  const blockCount = int('ring.blockCount', ring['blockCount'], LIVE_DEFAULTS.blockCount, 1, 65536);
  const blockTimeoutMs = int('ring.blockTimeoutMs', ring['blockTimeoutMs'], LIVE_DEFAULTS.blockTimeoutMs, 1, 60000);
  const limit = memoryLimitBytes();
  if (blockBytes * blockCount > limit) {
    bad('ring', `at most ${mib(limit)} in all (a quarter of this machine's memory, 4 GiB at most)`, `${blockCount} blocks of ${blockBytes} bytes`);
  }

  const fanout = o['fanout'] === undefined ? undefined : object('fanout', o['fanout']);
  if (fanout !== undefined && backend !== 'af_packet') {
    bad('fanout', `left out with backend "${backend}" (PACKET_FANOUT needs af_packet)`, 'a fanout group');
  }

  const ebpf = object('ebpf', o['ebpf']);
  const ringBytes = int('ebpf.ringBytes', ebpf['ringBytes'], LIVE_DEFAULTS.ebpfRingBytes, 4 << 20, 1 << 30);
  if ((ringBytes & (ringBytes - 1)) !== 0) bad('ebpf.ringBytes', 'a power of two (4 MiB to 1 GiB)', ringBytes);
  if (ringBytes > limit) bad('ebpf.ringBytes', `at most ${mib(limit)}`, ringBytes);
  const ebpfTimeoutMs = int('ebpf.timeoutMs', ebpf['timeoutMs'], LIVE_DEFAULTS.ebpfTimeoutMs, 1, 60000);
  const mode = fanout?.['mode'] ?? 'hash';
  if (!FANOUT_MODES.includes(mode as FanoutMode)) bad('fanout.mode', FANOUT_MODES.join(', '), mode);

  const pcap = object('libpcap', o['libpcap']);
  const immediate = flag('libpcap.immediate', pcap['immediate'], false);

  const batch = object('batch', o['batch']);
  const batchBytes = int('batch.maxBytes', batch['maxBytes'], LIVE_DEFAULTS.batchBytes, 65536, 64 << 20);
  const maxInFlight = int('batch.maxInFlight', batch['maxInFlight'], LIVE_DEFAULTS.maxInFlight, 1, 1024);
  if (batchBytes * maxInFlight > limit) {
    bad('batch', `at most ${mib(limit)} queued (maxBytes x maxInFlight)`, `${maxInFlight} x ${batchBytes} bytes`);
  }
  const spoolBytes = int('batch.spoolBytes', batch['spoolBytes'], LIVE_DEFAULTS.spoolBytes, 0, Math.min(limit, 2 ** 32 - 1));
  const pcapBufferBytes = int('libpcap.bufferBytes', pcap['bufferBytes'], LIVE_DEFAULTS.pcapBufferBytes, 0, 2 ** 31 - 1);
  if (pcapBufferBytes > limit) bad('libpcap.bufferBytes', `at most ${mib(limit)}`, pcapBufferBytes);

  return {
    backend,
    interface: name,
    filter: filter === undefined || filter.trim() === '' ? null : filter,
    netns: netns ?? null,
    promiscuous: flag('promiscuous', o['promiscuous'], true),
    ignoreOutgoing: flag('ignoreOutgoing', o['ignoreOutgoing'], false),
    snaplen: int('snaplen', o['snaplen'], LIVE_DEFAULTS.snaplen, 1, LIVE_DEFAULTS.snaplen),
    fanout: fanout !== undefined,
    fanoutGroup: fanout === undefined ? 0 : fanoutGroup(fanout['group']),
    fanoutMode: mode as FanoutMode,
    fanoutDefrag: flag('fanout.defrag', fanout?.['defrag'], false),
    fanoutRollover: flag('fanout.rollover', fanout?.['rollover'], false),
    blockBytes,
    blockCount,
    blockTimeoutMs,
    batchBytes,
    batchPackets: int('batch.maxPackets', batch['maxPackets'], LIVE_DEFAULTS.batchPackets, 1, 1 << 20),
    maxInFlight,
    spoolBytes,
    pcapBufferBytes,
    // A timeout of 0 would mean "wait forever" to libpcap: only immediate mode may do without one.
    pcapTimeoutMs: int('libpcap.timeoutMs', pcap['timeoutMs'], LIVE_DEFAULTS.pcapTimeoutMs, immediate ? 0 : 1, 60000),
    pcapImmediate: immediate,
    bpfObject: backend === 'ebpf' ? (bpfObject ?? null) : null,
    ebpfRingBytes: ringBytes,
    ebpfTimeoutMs,
  };
}
