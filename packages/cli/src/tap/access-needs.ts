import type { V1ClusterRole, V1Role } from '@kubernetes/client-node';
import type { BuiltObject, Settings } from '@shoal/deploy';
import type { AccessNeed } from '../kube/access-review.js';
import type { KubeClient } from '../kube/kube-client.js';
import { refOf } from '../kube/object-ref.js';

/**
 * The rights each command needs, asked for before anything changes (kube/access-review.ts):
 * derived from the builder's objects, so a new object is a new right without a second list.
 */
async function kindNeeds(client: KubeClient, built: readonly BuiltObject[], verbs: readonly string[], why: string): Promise<AccessNeed[]> {
  const needs: AccessNeed[] = [];
  for (const { object } of built) {
    const ref = refOf(object);
    const info = await client.kindInfo(ref.apiVersion, ref.kind);
    for (const verb of verbs) needs.push({ verb, group: info.group, resource: info.resource, ...(info.namespaced ? { namespace: ref.namespace! } : {}), why: `${why} ${ref.kind} ${ref.name}` });
  }
  return needs;
}

/**
 * RBAC lets a user grant only rights they hold themselves ("Privilege escalation prevention"):
 * to create the hub's ClusterRole and Role, the caller needs what they grant.
 */
function grantedNeeds(built: readonly BuiltObject[]): AccessNeed[] {
  return built.flatMap(({ object }) => {
    if (object.kind !== 'ClusterRole' && object.kind !== 'Role') return [];
    const role = object as V1ClusterRole | V1Role;
    const namespace = object.kind === 'Role' ? object.metadata?.namespace : undefined;
    return (role.rules ?? []).flatMap((rule) =>
      (rule.apiGroups ?? ['']).flatMap((group) =>
        (rule.resources ?? []).flatMap((resource) =>
          rule.verbs.map((verb) => ({
            verb, group, resource, ...(namespace !== undefined ? { namespace } : {}),
            ...(rule.resourceNames?.length === 1 ? { name: rule.resourceNames[0]! } : {}),
            why: `to grant it to the hub (${object.kind} ${object.metadata?.name})`,
          })),
        ),
      ),
    );
  });
}

/** Watching the rollouts and saying why a pod fails. */
function rolloutNeeds(settings: Settings): AccessNeed[] {
  const namespace = settings.tap.release.namespace;
  return [
    { verb: 'list', group: '', resource: 'pods', namespace, why: 'to follow the rollout' },
    { verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace, why: 'to show a crashing pod\'s log' },
    { verb: 'list', group: '', resource: 'events', namespace, why: 'to say why a pod is not scheduled' },
  ];
}

/** A first install: apply every object (create and patch; get to read the sign-in token back). */
export async function installNeeds(client: KubeClient, built: readonly BuiltObject[], settings: Settings, ephemeral: boolean): Promise<AccessNeed[]> {
  return [
    ...(await kindNeeds(client, built, ['get', 'create', 'patch'], 'to install')),
    ...grantedNeeds(built),
    ...rolloutNeeds(settings),
    ...(ephemeral ? await kindNeeds(client, built, ['list', 'delete'], 'to remove (--ephemeral)') : []),
  ];
}

/** A change of the targets of an installation: its ConfigMap, and the rollout it is checked by. */
export async function retargetNeeds(client: KubeClient, configMap: readonly BuiltObject[], settings: Settings): Promise<AccessNeed[]> {
  return [...(await kindNeeds(client, configMap, ['get', 'patch'], 'to change the targets in')), ...rolloutNeeds(settings)];
}

/** `--dry-run`: list the pods of the target namespaces (or of all). */
export function dryRunNeeds(settings: Settings): AccessNeed[] {
  const { namespaces } = settings.tap;
  if (namespaces.length === 0) return [{ verb: 'list', group: '', resource: 'pods', why: 'to list the pods that would be tapped' }];
  return namespaces.map((namespace) => ({ verb: 'list', group: '', resource: 'pods', namespace, why: 'to list the pods that would be tapped' }));
}
