import type { Logger } from 'pino';
import type { PodDirectory } from '../names/pod-directory.js';
import type { WorkerAddress } from './worker-list.js';
import { workerAddresses, type WorkerPodSelector } from './worker-pods.js';
import type { WorkerRegistry } from './worker-registry.js';

/**
 * Keeps the registry's discovered workers equal to the worker pods: on every change of the pods
 * (the names' single Kubernetes watch, so the hub holds one watch of pods, not two) it adds the
 * new ones, re-points those whose pod moved to another IP and removes those whose pod is gone.
 * Workers given with `--workers` are never touched; a worker pod on a node of the same name is
 * left out, with a warning.
 */
export class WorkerDiscovery {
  /** The discovered workers now, by name (the node). */
  private readonly mine = new Map<string, WorkerAddress>();
  private readonly clashes = new Set<string>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly registry: WorkerRegistry,
    private readonly pods: PodDirectory,
    private readonly selector: WorkerPodSelector,
    private readonly log: Logger,
  ) {
    this.unsubscribe = pods.onChange(() => this.sync());
    this.sync();
  }

  stop(): void {
    this.unsubscribe();
  }

  private sync(): void {
    const wanted = workerAddresses(this.pods.pods(), this.selector, this.mine);
    const names = new Set(wanted.map((a) => a.name));
    for (const name of [...this.mine.keys()]) {
      if (names.has(name)) continue;
      this.log.info({ worker: name, pod: this.mine.get(name)!.pod }, 'worker pod gone or stopped: worker removed');
      this.mine.delete(name);
      this.registry.remove(name);
    }
    for (const address of wanted) {
      if (!this.mine.has(address.name) && this.registry.get(address.name) !== undefined) {
        if (!this.clashes.has(address.name)) this.log.warn({ worker: address.name, pod: address.pod }, 'a worker pod runs on a node --workers already names: the --workers entry is kept');
        this.clashes.add(address.name);
        continue;
      }
      if (!this.mine.has(address.name)) this.log.info({ worker: address.name, pod: address.pod, host: address.host }, 'worker pod found');
      this.mine.set(address.name, address);
      this.registry.add(address);
    }
  }
}
