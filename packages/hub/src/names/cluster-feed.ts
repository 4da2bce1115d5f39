import { clusterNames } from './cluster-names.js';
import type { ClusterState, PodInfo } from './cluster-state.js';
import { Listeners } from './listeners.js';
import type { NameHistory } from './name-history.js';
import type { PodDirectory } from './pod-directory.js';

/**
 * Where a source hands what it knows: the names go to the NameHistory (which records them over
 * time and emits the patches), the pods to targeting. Shared by both sources so they cannot
 * drift apart.
 */
export class ClusterFeed implements PodDirectory {
  private state: ClusterState = { nodes: [], pods: [], services: [], endpoints: [] };
  private readonly podListeners = new Listeners<void>();

  constructor(private readonly history: NameHistory) {}

  /** Replaces what the source knows; `podsChanged` says whether targeting must look again. */
  publish(state: ClusterState, podsChanged: boolean): void {
    this.state = state;
    this.history.reconcile(clusterNames(state));
    if (podsChanged) this.podListeners.emit();
  }

  pods(): PodInfo[] {
    return [...this.state.pods];
  }

  onChange(listener: () => void): () => void {
    return this.podListeners.add(listener);
  }
}
