/**
 * What a request to the API server does, in the authorizer's terms (verb, group, resource,
 * namespace, name): the words an error about it uses, and what an access review asks.
 */
export interface ApiCall {
  verb: string;
  /** '' for the core group. */
  group: string;
  resource: string;
  subresource?: string;
  /** Undefined: cluster-wide (a cluster-scoped resource, or every namespace). */
  namespace?: string;
  name?: string;
}

/** `daemonsets.apps "shoal-worker"`, `services/proxy "shoal-front"`: how the API names it. */
export function describeTarget(call: ApiCall): string {
  const resource = `${call.resource}${call.subresource !== undefined ? `/${call.subresource}` : ''}${call.group !== '' ? `.${call.group}` : ''}`;
  return call.name !== undefined ? `${resource} "${call.name}"` : resource;
}

export function describeScope(call: ApiCall): string {
  return call.namespace !== undefined ? `in namespace ${call.namespace}` : 'cluster-wide';
}
