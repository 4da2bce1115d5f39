import { openLiveCapture, type LiveBackend, type LiveCapture, type PacketSink } from '@shoal/capture';
import type { Logger } from 'pino';
import type { CaptureCounters, CaptureSpec, OpenCapture, PacketSource } from './packet-source.js';

export type CaptureChoice = 'best' | LiveBackend;

export const CAPTURE_CHOICES: readonly CaptureChoice[] = ['best', 'ebpf', 'af_packet', 'libpcap'];

function counters(c: LiveCapture, closing: boolean): CaptureCounters {
  const s = closing ? c.close() : c.stats();
  return { received: s.received, dropped: s.dropped + s.interfaceDropped, delivered: s.delivered, queued: s.queued, discarded: s.discarded };
}

/**
 * Live capture through the native addon. `best` is resolved by the capture package's chain
 * (eBPF → PF_RING → AF_PACKET → libpcap, each skip with its reason) at the first capture, then
 * kept, so every capture and entry of a run names one backend.
 */
export class LiveSource implements PacketSource {
  readonly skipped: { backend: string; reason: string }[] = [];
  private chosen: LiveBackend | undefined;

  constructor(readonly requested: CaptureChoice, private readonly log: Logger) {
    if (requested !== 'best') this.chosen = requested;
  }

  open(spec: CaptureSpec, sink: PacketSink): OpenCapture {
    const capture = openLiveCapture(
      {
        backend: this.chosen ?? 'best',
        interface: spec.interface,
        filter: spec.filter,
        ...(spec.netns !== undefined ? { netns: spec.netns } : {}),
      },
      sink,
    );
    if (this.chosen === undefined) {
      this.chosen = capture.backend;
      this.skipped.push(...capture.skipped);
      for (const s of capture.skipped) this.log.warn(s, `capture backend ${s.backend} skipped`);
      this.log.info({ backend: capture.backend, skipped: this.skipped }, `capture backend: ${capture.backend} (chosen by --capture best)`);
    }
    return {
      backend: capture.backend,
      stats: () => counters(capture, false),
      close: () => counters(capture, true),
      done: capture.done,
    };
  }
}
