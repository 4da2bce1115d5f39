import { KubernetesObjectApi, type KubeConfig } from '@kubernetes/client-node';

/** Where a kind is served, as discovery tells: its group, its plural resource name, its scope. */
export interface KindInfo {
  group: string;
  resource: string;
  namespaced: boolean;
}

/**
 * The official client's API for any kind (apply, read, list, delete by apiVersion and kind), with
 * its discovery lookup opened: the access review and the error messages need a kind's plural
 * name and scope, which the client finds (and caches) through discovery anyway.
 */
export class ObjectApi extends KubernetesObjectApi {
  static make(kc: KubeConfig): ObjectApi {
    const api = kc.makeApiClient(ObjectApi);
    api.setDefaultNamespace(kc);
    return api;
  }

  async kindInfo(apiVersion: string, kind: string): Promise<KindInfo> {
    const found = await this.resource(apiVersion, kind);
    if (found === undefined) throw new Error(`the API server does not serve ${kind} (${apiVersion})`);
    return { group: apiVersion.includes('/') ? apiVersion.split('/')[0]! : '', resource: found.name, namespaced: found.namespaced };
  }
}
