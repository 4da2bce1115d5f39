/**
 * Test sinks: one that records every packet as plain values, for deep comparisons.
 */

import type { PacketSink } from '@shoal/model';

export interface SeenPacket {
  linkType: number;
  timestampMs: number;
  hex: string;
  capturedLength: number;
  originalLength: number;
}

export class CollectSink implements PacketSink {
  readonly packets: SeenPacket[] = [];
  /** The raw windows as delivered, to check later that nobody rewrote them. */
  readonly windows: { data: Buffer; offset: number; length: number }[] = [];

  onPacket(
    linkType: number,
    timestampMs: number,
    data: Buffer,
    offset: number,
    capturedLength: number,
    originalLength: number,
  ): void {
    this.packets.push({
      linkType,
      timestampMs,
      hex: data.toString('hex', offset, offset + capturedLength),
      capturedLength,
      originalLength,
    });
    this.windows.push({ data, offset, length: capturedLength });
  }

  /** Hex of every delivered window as it reads now (must equal what was delivered). */
  currentHex(): string[] {
    return this.windows.map((w) => w.data.toString('hex', w.offset, w.offset + w.length));
  }
}

/** Counts packets and does nothing else. */
export class CountSink implements PacketSink {
  count = 0;
  onPacket(): void {
    this.count++;
  }
}
