import type { PacketSink } from '@shoal/model';
import { openLiveCapture, type LiveBackend, type LiveCapture } from '@shoal/capture';
import type { CaptureCounters, CaptureSpec, OpenCapture, PacketSource } from './packet-source.js';

export type CaptureChoice = 'best' | LiveBackend;

export const CAPTURE_CHOICES: readonly CaptureChoice[] = ['best', 'ebpf', 'af_packet', 'libpcap'];

function counters(c: LiveCapture, closing: boolean): CaptureCounters {
  const s = closing ? c.close() : c.stats();
  return { received: s.received, dropped: s.dropped + s.interfaceDropped, delivered: s.delivered, queued: s.queued, discarded: s.discarded };
}

/**
 * Live capture through the native addon. With `best`, each capture walks the capture
 * package's chain (eBPF → PF_RING → AF_PACKET → libpcap) on its own and gets the first backend
 * that can serve it: eBPF on a bridge and inside a pod's namespace, AF_PACKET on the node's
 * `any`, which eBPF refuses. Nothing is pinned by the first capture. A backend asked for by
 * name serves every capture or fails it with its reason.
 */
export class LiveSource implements PacketSource {
  constructor(readonly requested: CaptureChoice) {}

  open(spec: CaptureSpec, sink: PacketSink): OpenCapture {
    const capture = openLiveCapture(
      {
        backend: this.requested,
        interface: spec.interface,
        filter: spec.filter,
        ...(spec.netns !== undefined ? { netns: spec.netns } : {}),
      },
      sink,
    );
    return {
      backend: capture.backend,
      skipped: capture.skipped,
      stats: () => counters(capture, false),
      close: () => counters(capture, true),
      done: capture.done,
    };
  }
}
