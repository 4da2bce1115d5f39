import { ConfigMap, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { DaemonSet, Deployment } from 'kubernetes-models/apps/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';

/**
 * Schema validation of Kubernetes objects as the API's OpenAPI schemas describe them
 * (`kubernetes-models`: types, required fields, enums, formats). It accepts fields the schema does
 * not know, so misspelled optional fields are caught elsewhere: by building the objects with the
 * official client's types under `tsc --strict`.
 */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/DaemonSet': DaemonSet,
  'apps/v1/Deployment': Deployment,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
};

/** Throws when `object` (API JSON) breaks its kind's schema, or is of a kind this does not know. */
export function validateKubernetesObject(object: { apiVersion?: unknown; kind?: unknown }): void {
  const key = `${String(object.apiVersion)}/${String(object.kind)}`;
  const Model = MODELS[key];
  if (Model === undefined) throw new Error(`no schema for ${key}; known: ${Object.keys(MODELS).join(', ')}`);
  new Model(object as never).validate();
}
