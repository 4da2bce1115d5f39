/**
 * The live backends' availability and the `best` chain: eBPF → PF_RING → AF_PACKET → libpcap.
 *
 * `best` opens each backend in turn and keeps the first that opens; a backend is passed over
 * (and the reason recorded) when its failure is its own: reason 'backend' (not built, kernel
 * support missing), 'permission' (eBPF needs CAP_BPF + CAP_NET_ADMIN where AF_PACKET needs
 * CAP_NET_RAW) or 'system'. A failure every backend would share — no such interface or
 * namespace, a filter that does not compile, bad options — ends the walk at once with that
 * error rather than hide it behind the next backend's.
 *
 * Availability (liveBackendAvailability) asks the same questions without opening anything:
 * it is what a status page or `--capture` help shows, not a promise that an open succeeds.
 */

import fs from 'node:fs';
import { LiveCaptureError, oneLine } from './live-errors.js';
import type { LiveErrorReason } from './live-errors.js';
import { LIVE_BACKENDS } from './live-options.js';
import type { ChainBackend, LiveBackend, LiveCaptureOptions } from './live-options.js';
import { bpfObjectPath, ebpfBuildStatus, loadAddon } from './native-addon.js';
import type { NativeAddon } from './native-addon.js';

/** A backend `best` passed over, and why. */
export interface SkippedBackend {
  backend: ChainBackend;
  reason: string;
}

export interface BackendAvailability {
  backend: ChainBackend;
  available: boolean;
  /** Why not (absent when available). */
  reason?: string;
  /** The LiveCaptureError reason opening it would fail with (absent when available). */
  code?: LiveErrorReason;
}

/** The order `best` walks. */
export const BEST_CHAIN: readonly ChainBackend[] = LIVE_BACKENDS;

/** Reasons that let `best` go on to the next backend. */
const SKIPPABLE: ReadonlySet<LiveErrorReason> = new Set<LiveErrorReason>(['backend', 'permission', 'system']);

export function isSkippable(err: LiveCaptureError): boolean {
  return SKIPPABLE.has(err.reason);
}

/** Files whose presence shows that the PF_RING kernel module is loaded. */
export const PF_RING_MARKERS: readonly string[] = ['/proc/net/pf_ring', '/sys/module/pf_ring'];

/** Why the pf_ring backend cannot run: Shoal only detects PF_RING, it has no capture code. */
export function pfRingUnavailable(): string {
  const found = PF_RING_MARKERS.find((file) => fs.existsSync(file));
  if (found !== undefined) {
    return `the PF_RING kernel module is loaded (${found}), but Shoal has no PF_RING capture code (detection only); use af_packet`;
  }
  return `PF_RING is not available: its kernel module is not loaded (neither ${PF_RING_MARKERS.join(' nor ')} exists)`;
}

/**
 * Why the eBPF backend cannot run, as far as can be told without the kernel: the addon built
 * without libbpf, or the compiled programs missing. null when it may be tried.
 */
export function ebpfBuildProblem(addon: NativeAddon): string | null {
  const status = ebpfBuildStatus();
  if (!addon.ebpfCompiled) {
    const why = status !== null && !status.built && status.reason !== undefined ? `: ${status.reason}` : '';
    return (
      `the native addon was built without eBPF support${why}; install the Debian packages clang and libbpf-dev, ` +
      'then rebuild with `npm run build:native -w @shoal/capture`'
    );
  }
  const object = bpfObjectPath();
  if (fs.existsSync(object.path)) return null;
  if (object.fromEnv) return `the eBPF object ${object.path} (from SHOAL_BPF_OBJECT) does not exist`;
  if (status !== null && !status.built && status.reason !== undefined) {
    return `the eBPF programs were not built (${status.reason}); fix that and rebuild with \`npm run build:native -w @shoal/capture\``;
  }
  return `the eBPF object ${object.path} is missing; rebuild with \`npm run build:native -w @shoal/capture\``;
}

function unavailable(backend: ChainBackend, code: LiveErrorReason, reason: string): BackendAvailability {
  return { backend, available: false, reason: oneLine(reason), code };
}

/** Each backend of the chain, in order, with whether it can run here and why not. */
export function liveBackendAvailability(): BackendAvailability[] {
  let addon: NativeAddon | null = null;
  let addonError: LiveCaptureError | null = null;
  try {
    addon = loadAddon();
  } catch (err) {
    if (!(err instanceof LiveCaptureError)) throw err;
    addonError = err;
  }
  return BEST_CHAIN.map((backend): BackendAvailability => {
    if (backend === 'pf_ring') return unavailable(backend, 'backend', pfRingUnavailable());
    if (addon === null) return unavailable(backend, addonError!.reason, addonError!.message);
    if (backend === 'ebpf') {
      const problem = ebpfBuildProblem(addon);
      if (problem !== null) return unavailable(backend, 'backend', problem);
    }
    const probe = addon.probe(backend);
    if (probe === null) return { backend, available: true };
    const code = (['backend', 'permission', 'system'] as const).find((r) => r === probe.code) ?? 'system';
    return unavailable(backend, code, probe.message);
  });
}

/**
 * The backend `best` would try first with success as far as the probes tell, and the reasons
 * for the ones before it. backend is null when none is available.
 */
export function chooseBackend(): { backend: LiveBackend | null; skipped: SkippedBackend[] } {
  const skipped: SkippedBackend[] = [];
  for (const a of liveBackendAvailability()) {
    if (a.available && a.backend !== 'pf_ring') return { backend: a.backend, skipped };
    skipped.push({ backend: a.backend, reason: a.reason ?? 'unavailable' });
  }
  return { backend: null, skipped };
}

/**
 * Why `best` should not even try `backend` with these options (a feature only another backend
 * has), or null. These skips need no kernel: they come from the options alone.
 */
export function skipForOptions(backend: ChainBackend, options: LiveCaptureOptions): string | null {
  if (options.fanout !== undefined && backend !== 'af_packet') {
    return 'fanout needs the af_packet backend (PACKET_FANOUT)';
  }
  if (backend === 'ebpf' && options.interface === 'any' && options.netns === undefined) {
    // The same reason the addon gives (EBPF_ANY_OUTSIDE_NETNS in native/ebpf_backend.h).
    return (
      'the eBPF backend attaches to the interfaces present when it opens, so it takes "any" only inside a network namespace ' +
      'given by netns (a pod\'s, whose interfaces live as long as it does); use af_packet or libpcap for "any" without netns'
    );
  }
  if ((backend === 'ebpf' || backend === 'af_packet') && typeof options.filter === 'string' && mentionsVlan(options.filter)) {
    return `a "vlan" filter needs the libpcap backend (the kernel takes VLAN tags out of the packet before ${backend === 'ebpf' ? 'a tc program' : 'an AF_PACKET filter'} sees it)`;
  }
  return null;
}

/** True when a pcap filter uses the word "vlan" (native/bpf.c, bpf_filter_mentions_vlan). */
export function mentionsVlan(filter: string): boolean {
  return /(^|[^A-Za-z0-9_])vlan($|[^A-Za-z0-9_])/.test(filter);
}
