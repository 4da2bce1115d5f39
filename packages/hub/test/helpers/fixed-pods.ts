import type { Pod, PodDirectory } from '../../dist/index.js';

/**
 * The hub's pod source as a fixed list the test replaces (a Kubernetes watch or an inventory in
 * the hub itself): what target selection and pushes are computed from.
 */
export class FixedPods implements PodDirectory {
  private readonly listeners = new Set<() => void>();

  constructor(private list: Pod[]) {}

  pods(): Pod[] {
    return this.list;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  replace(list: Pod[]): void {
    this.list = list;
    for (const l of this.listeners) l();
  }
}
