import type { V1LabelSelector, V1Pod } from '@kubernetes/client-node';

/** A workload's `matchLabels` as a list's `labelSelector` (`a=b,c=d`). */
export function selectorText(selector: V1LabelSelector | undefined): string {
  return Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
}

/** A pod that is Ready (its Ready condition True) and not being deleted. */
export function isPodReady(pod: V1Pod): boolean {
  return pod.metadata?.deletionTimestamp === undefined && pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}
