/**
 * @shoal/hub: the one place that sees every node. It finds the workers, pushes them targets and
 * names, merges their entries in time order, and serves dashboards and the CLI (docs/hub.md).
 */
export type { ResolutionPatch, Workload } from '@shoal/model';
