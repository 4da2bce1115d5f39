import type { PodInfo } from './cluster-state.js';

/**
 * The pods a source knows now, for targeting (pod regex, namespaces → the pods on each node).
 * The Kubernetes watch and the inventory file both implement it.
 */
export interface PodDirectory {
  pods(): PodInfo[];
  /** Called after the pod list changed; returns the function that stops the calls. */
  onChange(listener: () => void): () => void;
}
