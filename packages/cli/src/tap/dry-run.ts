import type { V1Pod } from '@kubernetes/client-node';
import type { Settings } from '@shoal/deploy';
import { selectPods, targetablePods } from '@shoal/hub';
import type { Progress } from '../kube/apply-objects.js';
import type { KubeClient } from '../kube/kube-client.js';
import { targetsText } from './installed-settings.js';

/**
 * `shoal tap --dry-run`: the pods the hub would target with these settings, per node (the node's
 * worker captures them), chosen by the hub's own selection (its `selectPods` over the pods it
 * can target: running, with an address of their own). Reads only.
 */
async function podsOf(client: KubeClient, settings: Settings): Promise<V1Pod[]> {
  const { namespaces } = settings.tap;
  if (namespaces.length === 0) return (await client.call({ verb: 'list', group: '', resource: 'pods' }, () => client.core.listPodForAllNamespaces({}))).items;
  const lists = [];
  for (const namespace of namespaces) lists.push(...(await client.call({ verb: 'list', group: '', resource: 'pods', namespace }, () => client.core.listNamespacedPod({ namespace }))).items);
  return lists;
}

export async function printDryRun(client: KubeClient, settings: Settings, out: Progress): Promise<void> {
  const { regex, namespaces, excludedNamespaces } = settings.tap;
  const selected = selectPods(targetablePods(await podsOf(client, settings)), { podRegex: regex, namespaces, excludedNamespaces });
  out(`shoal tap --dry-run: ${selected.length} pod${selected.length === 1 ? '' : 's'} would be tapped (${targetsText(settings)})`);
  const byNode = new Map<string, typeof selected>();
  for (const p of selected) byNode.set(p.node, [...(byNode.get(p.node) ?? []), p]);
  for (const nodeName of [...byNode.keys()].sort()) {
    out(nodeName);
    const pods = byNode.get(nodeName)!.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
    const width = Math.max(...pods.map((p) => `${p.namespace}/${p.name}`.length));
    for (const p of pods) out(`  ${`${p.namespace}/${p.name}`.padEnd(width)}  ${p.ip}`);
  }
  out('Nothing was changed.');
}
