/**
 * A live capture in the lab's server namespace (UDP port 9999) behind a sink that takes 100 us
 * per packet, at most 10k packets/s: a burst outruns the event loop, so batches wait in flight
 * and in the capture's spool, as behind a busy worker.
 */

import { openLiveCapture } from '@shoal/capture';
import type { LiveBackend, LiveCapture } from '@shoal/capture';
import type { NetnsLab } from './netns-lab.js';
import type { PacketLog } from './netns-packets.js';

export interface SlowCaptureOptions {
  /** af_packet's ring; a 1 ms block timeout so that a quiet ring hands over at once. */
  ring?: { blockBytes: number; blockCount: number };
  /** The capture's spool (default 32 MiB); 0 leaves the kernel's buffer to take the strain. */
  spoolBytes?: number;
}

export function openSlowCapture(lab: NetnsLab, log: PacketLog, backend: LiveBackend, options: SlowCaptureOptions = {}): LiveCapture {
  log.onEach = () => {
    const until = process.hrtime.bigint() + 100_000n;
    while (process.hrtime.bigint() < until);
  };
  return openLiveCapture(
    {
      backend,
      interface: lab.serverIf,
      netns: lab.nsPath(lab.serverNs),
      filter: 'udp port 9999',
      ...(options.ring === undefined ? {} : { ring: { ...options.ring, blockTimeoutMs: 1 } }),
      batch: { maxBytes: 65536, maxInFlight: 1, ...(options.spoolBytes === undefined ? {} : { spoolBytes: options.spoolBytes }) },
    },
    log,
  );
}
