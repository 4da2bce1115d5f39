/** A DissectorSession for tests: records what a stream dissector emits and hands over. */

import type { Direction, DissectOptions, DissectorSession, FlowTransport, Transaction } from '../../dist/dissector.js';

export interface RecordedUpgrade {
  protocol: string;
  pending: [Buffer[], Buffer[]];
}

export const defaultTestOptions: DissectOptions = { bodyCapBytes: 1 << 20, responseTimeoutMs: 30_000, detail: 'full' };

export class RecordingSession implements DissectorSession {
  readonly transactions: Transaction[] = [];
  readonly upgrades: RecordedUpgrade[] = [];
  readonly clientDirection: Direction;
  readonly options: DissectOptions;
  readonly layer4: FlowTransport;
  readonly ipVersion: 4 | 6;

  constructor(clientDirection: Direction = 0, options: Partial<DissectOptions> = {}, layer4: FlowTransport = 'tcp', ipVersion: 4 | 6 = 4) {
    this.clientDirection = clientDirection;
    this.options = { ...defaultTestOptions, ...options };
    this.layer4 = layer4;
    this.ipVersion = ipVersion;
  }

  emit(transaction: Transaction): void {
    this.transactions.push(transaction);
  }

  upgrade(protocol: string, pending: [Buffer[], Buffer[]]): void {
    this.upgrades.push({ protocol, pending });
  }
}
