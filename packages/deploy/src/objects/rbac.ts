import type { V1ClusterRole, V1ClusterRoleBinding, V1Role, V1RoleBinding, V1ServiceAccount } from '@kubernetes/client-node';
import { objectName, type BuildInput } from './build-context.js';
import { clusterMetadata, metadata } from './labels.js';

/**
 * The hub's access to the API, and no more: it watches pods, services, EndpointSlices and nodes
 * to name traffic and find the workers (one watch for the whole cluster, kubeshark#1500), and
 * namespaces, which the design lists for scoping answers by namespace (today's hub does
 * not read them yet); it writes nothing but its own ConfigMap. The workers and the
 * front never call the API: their pods get no service account token.
 */
export function hubServiceAccount(input: BuildInput): V1ServiceAccount {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata(input, objectName(input, 'hub'), 'hub') };
}

/**
 * The workers' own service account, so a cluster's policy (an OpenShift SCC, a Pod Security
 * exemption) can be granted to them alone; it holds no rights and its token is not mounted.
 */
export function workerServiceAccount(input: BuildInput): V1ServiceAccount {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata(input, objectName(input, 'worker'), 'worker'), automountServiceAccountToken: false };
}

/** Cluster-scoped names carry the namespace: two installations in two namespaces do not collide. */
function clusterRoleName(input: BuildInput): string {
  return objectName(input, `hub-${input.settings.tap.release.namespace}`);
}

const READ = ['get', 'list', 'watch'];

export function clusterRole(input: BuildInput): V1ClusterRole {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: clusterMetadata(input, clusterRoleName(input), 'rbac'),
    rules: [
      { apiGroups: [''], resources: ['namespaces', 'nodes', 'pods', 'services'], verbs: [...READ] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: [...READ] },
    ],
  };
}

export function clusterRoleBinding(input: BuildInput): V1ClusterRoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: clusterMetadata(input, clusterRoleName(input), 'rbac'),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRoleName(input) },
    subjects: [{ kind: 'ServiceAccount', name: objectName(input, 'hub'), namespace: input.settings.tap.release.namespace }],
  };
}

/**
 * The one ConfigMap the hub keeps the target selection in (`shoal tap` changes only it on a second
 * run): read, watched and written by name, nothing else in the namespace. `list` and `watch` by
 * name are a field selector on metadata.name, which resourceNames allows.
 */
export function configRole(input: BuildInput): V1Role {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: metadata(input, objectName(input, 'hub'), 'rbac'),
    rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: [objectName(input, 'config')], verbs: [...READ, 'update', 'patch'] }],
  };
}

export function configRoleBinding(input: BuildInput): V1RoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: metadata(input, objectName(input, 'hub'), 'rbac'),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: objectName(input, 'hub') },
    subjects: [{ kind: 'ServiceAccount', name: objectName(input, 'hub'), namespace: input.settings.tap.release.namespace }],
  };
}
