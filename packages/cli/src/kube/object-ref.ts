import type { KubernetesObject } from '@kubernetes/client-node';

/** An object by what names it: apiVersion, kind, name and (for a namespaced one) namespace. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export function refOf(o: KubernetesObject): ObjectRef {
  return { apiVersion: o.apiVersion!, kind: o.kind!, name: o.metadata!.name!, ...(o.metadata?.namespace !== undefined ? { namespace: o.metadata.namespace } : {}) };
}

/** `Deployment shoal-hub`: how progress lines name an object. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.name}`;
}

/** The header the official client needs to read or delete the object. */
export function header(ref: ObjectRef): KubernetesObject & { metadata: { name: string } } {
  return { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}) } };
}
