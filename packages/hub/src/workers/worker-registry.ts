import type { Logger } from 'pino';
import { DEFAULT_LINK_OPTIONS, WorkerLink, type LinkOptions, type WorkerState } from './worker-link.js';
import type { WorkerAddress } from './worker-list.js';

/** Every worker the hub knows, by name; each polled on its own (worker-link.ts). */
export class WorkerRegistry {
  private readonly links = new Map<string, WorkerLink>();

  constructor(
    addresses: WorkerAddress[],
    token: string | undefined,
    log: Logger,
    options: LinkOptions = DEFAULT_LINK_OPTIONS,
  ) {
    for (const a of addresses) this.links.set(a.name, new WorkerLink(a, token, options, log));
  }

  start(): void {
    for (const link of this.links.values()) link.start();
  }

  stop(): void {
    for (const link of this.links.values()) link.stop();
  }

  get(name: string): WorkerLink | undefined {
    return this.links.get(name);
  }

  all(): WorkerLink[] {
    return [...this.links.values()];
  }

  /** Workers answering now; the routes that fan out ask only these, so a dead one costs nothing. */
  up(): WorkerLink[] {
    return this.all().filter((l) => l.up);
  }

  status(): WorkerState[] {
    return this.all().map((l) => l.state());
  }
}
