import type { Logger } from 'pino';
import { Listeners } from '../names/listeners.js';
import { DEFAULT_LINK_OPTIONS, SYSTEM_LINK_ENVIRONMENT, WorkerLink, type LinkEnvironment, type LinkOptions, type WorkerState } from './worker-link.js';
import type { WorkerAddress } from './worker-list.js';

/**
 * Every worker the hub knows, by name; each polled on its own (worker-link.ts). Workers come
 * from `--workers` (static, for the hub's life) and from the worker pods (worker-pods.ts), which
 * add, remove and re-point them at run time: what fans out at request time (routes, /status,
 * /metrics) reads the registry then; what holds per-worker state (feeds, pushers) follows
 * `onAdded`, `onRemoved` and `onUp`.
 */
export class WorkerRegistry {
  private readonly links = new Map<string, WorkerLink>();
  private readonly added = new Listeners<WorkerLink>();
  private readonly removed = new Listeners<WorkerLink>();
  private readonly cameUp = new Listeners<WorkerLink>();
  private running = false;

  constructor(
    addresses: WorkerAddress[],
    private readonly token: string | undefined,
    private readonly log: Logger,
    private readonly options: LinkOptions = DEFAULT_LINK_OPTIONS,
    private readonly env: LinkEnvironment = SYSTEM_LINK_ENVIRONMENT,
  ) {
    for (const a of addresses) this.add(a);
  }

  start(): void {
    this.running = true;
    for (const link of this.links.values()) link.start();
  }

  stop(): void {
    this.running = false;
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

  /**
   * Adds a worker, or re-points one of that name at a new address (a replaced pod): the old link
   * is removed and a new one, with its own state, takes its name. The same host and port again
   * keep the link (and its feeds, which resume where they were): a hostNetwork worker pod
   * replaced on its node has the node's address, only the pod's name changes.
   */
  add(address: WorkerAddress): WorkerLink {
    const known = this.links.get(address.name);
    if (known !== undefined && known.address.host === address.host && known.address.port === address.port) {
      known.setPod(address.pod);
      return known;
    }
    if (known !== undefined) this.remove(address.name);
    const link = new WorkerLink(address, this.token, this.options, this.log, this.env);
    // A poll that was under way when the link was removed may still report it up: not news.
    const cameUp = (): void => {
      if (this.links.get(link.name) === link) this.cameUp.emit(link);
    };
    link.on('up', cameUp);
    link.on('restarted', cameUp);
    this.links.set(address.name, link);
    if (known !== undefined) this.log.info({ worker: address.name, url: link.base, was: known.base }, 'worker moved');
    this.added.emit(link);
    if (this.running) link.start();
    return link;
  }

  /** Forgets a worker: its polling stops and every feed drops its subscription to it. */
  remove(name: string): void {
    const link = this.links.get(name);
    if (link === undefined) return;
    link.stop();
    this.links.delete(name);
    this.removed.emit(link);
  }

  /** Calls `listener` with each worker added from now on; returns the unsubscribe. */
  onAdded(listener: (link: WorkerLink) => void): () => void {
    return this.added.add(listener);
  }

  /** Calls `listener` with each worker removed (or replaced by a re-pointed one); returns the unsubscribe. */
  onRemoved(listener: (link: WorkerLink) => void): () => void {
    return this.removed.add(listener);
  }

  /**
   * Calls `listener` whenever a worker, known now or added later, comes (back) up, or turns out
   * to have restarted between two polls: either way it may hold nothing the hub pushed it.
   */
  onUp(listener: (link: WorkerLink) => void): () => void {
    return this.cameUp.add(listener);
  }
}
