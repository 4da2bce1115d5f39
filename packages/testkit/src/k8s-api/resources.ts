/**
 * The resources the test API server serves, as the API's discovery documents describe them
 * ("The Kubernetes API", API groups and versioning; `kubectl api-resources`): group, version,
 * plural name, kind, scope, verbs, and the subresources a client calls (`pods/log`,
 * `pods/portforward`, `services/proxy`, the workloads' `status`). Only the kinds Shoal reads or
 * makes, and what a cluster shows around them, are here.
 */
export interface ResourceType {
  /** '' for the core group. */
  group: string;
  version: string;
  /** The plural, lower-case name in paths and RBAC rules: `deployments`. */
  resource: string;
  kind: string;
  namespaced: boolean;
  /** Verbs discovery lists; create-only resources (access reviews) have `create` alone. */
  verbs: string[];
  subresources?: string[];
}

const ALL = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const CREATE = ['create'];

function type(group: string, version: string, resource: string, kind: string, namespaced: boolean, verbs = ALL, subresources?: string[]): ResourceType {
  return { group, version, resource, kind, namespaced, verbs, ...(subresources !== undefined ? { subresources } : {}) };
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  type('', 'v1', 'namespaces', 'Namespace', false, ALL, ['status']),
  type('', 'v1', 'nodes', 'Node', false, ALL, ['status']),
  type('', 'v1', 'pods', 'Pod', true, ALL, ['log', 'portforward', 'status']),
  type('', 'v1', 'services', 'Service', true, ALL, ['proxy', 'status']),
  type('', 'v1', 'configmaps', 'ConfigMap', true),
  type('', 'v1', 'secrets', 'Secret', true),
  type('', 'v1', 'serviceaccounts', 'ServiceAccount', true),
  type('', 'v1', 'events', 'Event', true),
  type('apps', 'v1', 'deployments', 'Deployment', true, ALL, ['status']),
  type('apps', 'v1', 'replicasets', 'ReplicaSet', true, ALL, ['status']),
  type('apps', 'v1', 'daemonsets', 'DaemonSet', true, ALL, ['status']),
  type('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true),
  type('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true),
  type('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, ALL, ['status']),
  type('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false),
  type('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false),
  type('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true),
  type('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true),
  type('authorization.k8s.io', 'v1', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', false, CREATE),
];

/** The plural names of every resource served: what `put`, `get` and `remove` take. */
export type ResourceName =
  | 'namespaces' | 'nodes' | 'pods' | 'services' | 'configmaps' | 'secrets' | 'serviceaccounts' | 'events'
  | 'deployments' | 'replicasets' | 'daemonsets' | 'endpointslices' | 'networkpolicies' | 'ingresses'
  | 'clusterroles' | 'clusterrolebindings' | 'roles' | 'rolebindings' | 'selfsubjectaccessreviews';

export function groupVersion(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group === '' ? t.version : `${t.group}/${t.version}`;
}

export function resourceType(resource: string): ResourceType {
  const found = RESOURCE_TYPES.find((t) => t.resource === resource);
  if (found === undefined) throw new Error(`the test API server has no resource '${resource}'`);
  return found;
}

/** The type served at `/api/v1/<resource>` or `/apis/<group>/<version>/<resource>`, if any. */
export function resourceAt(group: string, version: string, resource: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.resource === resource);
}

/** The type of an object by its apiVersion and kind. */
export function resourceOfKind(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => groupVersion(t) === apiVersion && t.kind === kind);
}

/** `deployments.apps`, `pods`: how the API names a resource in its messages. */
export function qualifiedName(t: Pick<ResourceType, 'group' | 'resource'>): string {
  return t.group === '' ? t.resource : `${t.resource}.${t.group}`;
}
