import type { KubernetesObject } from '@kubernetes/client-node';
import { everyObject, newClusterTokens, SHOAL_VERSION, type Settings } from '@shoal/deploy';
import type { ApiCall } from './api-call.js';
import type { KubeClient } from './kube-client.js';
import type { KindInfo } from './object-api.js';
import { refOf, type ObjectRef } from './object-ref.js';

/**
 * An installation's objects in a cluster, found as `shoal clean` finds them: by the labels the
 * builder puts on everything (`app.kubernetes.io/name=shoal`, `app.kubernetes.io/instance=<release
 * name>`), in the release namespace for namespaced kinds; cluster-scoped objects carry the
 * namespace in their names, so of those only the names the builder gives this release count.
 * The kinds are every kind the builder can make, optional ones included.
 */
export interface Release {
  name: string;
  namespace: string;
}

export function releaseOf(settings: Settings): Release {
  return { name: settings.tap.release.name, namespace: settings.tap.release.namespace };
}

export function releaseSelector(release: Release): string {
  return `app.kubernetes.io/name=shoal,app.kubernetes.io/instance=${release.name}`;
}

export interface InstalledObject extends ObjectRef {
  info: KindInfo;
}

/** The call that lists a kind of the release, for errors and access reviews. */
export function listCall(info: KindInfo, release: Release): ApiCall {
  return { verb: 'list', group: info.group, resource: info.resource, ...(info.namespaced ? { namespace: release.namespace } : {}) };
}

/** Every kind and cluster-scoped name an installation of `settings` may hold, with where each kind is served. */
export async function shoalKinds(client: KubeClient, settings: Settings): Promise<{ apiVersion: string; kind: string; info: KindInfo; clusterNames: Set<string> }[]> {
  // Tokens and version do not change kinds or names.
  const possible = everyObject({ settings, tokens: newClusterTokens(), version: SHOAL_VERSION });
  const kinds = new Map<string, { apiVersion: string; kind: string; names: Set<string> }>();
  for (const o of possible) {
    const key = `${o.apiVersion}/${o.kind}`;
    if (!kinds.has(key)) kinds.set(key, { apiVersion: o.apiVersion!, kind: o.kind!, names: new Set() });
    kinds.get(key)!.names.add(o.metadata!.name!);
  }
  const out = [];
  for (const k of kinds.values()) {
    const info = await client.kindInfo(k.apiVersion, k.kind);
    out.push({ apiVersion: k.apiVersion, kind: k.kind, info, clusterNames: info.namespaced ? new Set<string>() : k.names });
  }
  return out;
}

/** The installation's objects now, in the builder's install order of kinds. */
export async function findInstallation(client: KubeClient, settings: Settings): Promise<InstalledObject[]> {
  const release = releaseOf(settings);
  const found: InstalledObject[] = [];
  for (const k of await shoalKinds(client, settings)) {
    const list = await client.call(listCall(k.info, release), () =>
      client.objects.list<KubernetesObject>(k.apiVersion, k.kind, k.info.namespaced ? release.namespace : undefined, undefined, undefined, undefined, undefined, releaseSelector(release)),
    );
    for (const item of list.items) {
      const ref = refOf({ ...item, apiVersion: k.apiVersion, kind: k.kind });
      if (!k.info.namespaced && !k.clusterNames.has(ref.name)) continue;
      found.push({ ...ref, info: k.info });
    }
  }
  return found;
}
