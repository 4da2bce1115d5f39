import type { V1ObjectMeta } from '@kubernetes/client-node';
import type { BuildInput, Component } from './build-context.js';

/** What an object is part of: one of the pods, or what the hub's access and settings need. */
export type Part = Component | 'rbac' | 'config';

/**
 * The recommended labels (Kubernetes docs, "Recommended Labels") on every object: `shoal clean`
 * finds what an installation made by `app.kubernetes.io/instance`, and the hub finds its
 * workers by name, instance and component (its `--worker-selector`).
 */
export function labels(input: BuildInput, part: Part): Record<string, string> {
  return {
    ...selectorLabels(input, part),
    'app.kubernetes.io/part-of': 'shoal',
    'app.kubernetes.io/version': input.version,
    'app.kubernetes.io/managed-by': input.managedBy ?? 'shoal',
  };
}

/** The labels that select a part's pods: only those that never change on upgrade. */
export function selectorLabels(input: BuildInput, part: Part): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'shoal',
    'app.kubernetes.io/instance': input.settings.tap.release.name,
    'app.kubernetes.io/component': part,
  };
}

/** Metadata of a namespaced object. */
export function metadata(input: BuildInput, name: string, part: Part, annotations?: Record<string, string>): V1ObjectMeta {
  return { name, namespace: input.settings.tap.release.namespace, labels: labels(input, part), ...(annotations !== undefined ? { annotations } : {}) };
}

/** Metadata of a cluster-scoped object (a ClusterRole and its binding). */
export function clusterMetadata(input: BuildInput, name: string, part: Part): V1ObjectMeta {
  return { name, labels: labels(input, part) };
}
