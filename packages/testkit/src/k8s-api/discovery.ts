import { groupVersion, RESOURCE_TYPES, type ResourceType } from './resources.js';

/**
 * API discovery in the real shapes ("The Kubernetes API", Discovery API, the unaggregated
 * documents): `/api` (APIVersions), `/apis` (APIGroupList), `/api/v1` and `/apis/<g>/<v>`
 * (APIResourceList, subresources as `pods/log`), and `/version`. Clients read these to map a kind
 * to its path and scope (the official client's KubernetesObjectApi, kubectl). Undefined for any
 * other path.
 */
export const SERVER_VERSION = { major: '1', minor: '33', gitVersion: 'v1.33.0', platform: 'linux/amd64' };

function groups(): Map<string, ResourceType[]> {
  const byGv = new Map<string, ResourceType[]>();
  for (const t of RESOURCE_TYPES) {
    const gv = groupVersion(t);
    byGv.set(gv, [...(byGv.get(gv) ?? []), t]);
  }
  return byGv;
}

/** What discovery says of each subresource: the kind it takes or gives, and its verbs. */
const SUBRESOURCES: Record<string, { kind?: string; verbs: string[] }> = {
  status: { verbs: ['get', 'patch', 'update'] },
  log: { kind: 'Pod', verbs: ['get'] },
  portforward: { kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
  proxy: { kind: 'ServiceProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
};

function resourceList(gv: string, types: ResourceType[]): unknown {
  const resources = types.flatMap((t) => [
    { name: t.resource, singularName: t.kind.toLowerCase(), namespaced: t.namespaced, kind: t.kind, verbs: t.verbs },
    ...(t.subresources ?? []).map((sub) => ({ name: `${t.resource}/${sub}`, singularName: '', namespaced: t.namespaced, kind: SUBRESOURCES[sub]!.kind ?? t.kind, verbs: SUBRESOURCES[sub]!.verbs })),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources };
}

export function discoveryDocument(path: string): unknown {
  const byGv = groups();
  if (path === '/version') return SERVER_VERSION;
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  if (path === '/apis') {
    const list = [...byGv.keys()].filter((gv) => gv.includes('/')).map((gv) => {
      const [group, version] = gv.split('/') as [string, string];
      return { name: group, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
    });
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: list };
  }
  const gv = path === '/api/v1' ? 'v1' : path.startsWith('/apis/') ? path.slice('/apis/'.length) : '';
  const types = byGv.get(gv);
  // The core group lives at /api/v1 only.
  if (types === undefined || (gv === 'v1' && path !== '/api/v1')) return undefined;
  return resourceList(gv, types);
}
