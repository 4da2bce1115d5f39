/**
 * A Kubernetes API test server and the objects it serves, for the hub's and the CLI's tests
 * (no API server can run here; k8s-api/k8s-api-server.ts says what it speaks). A subpath of its
 * own, so a test that only waits does not load the Kubernetes client.
 */
export { K8sTestApiServer } from './k8s-api/k8s-api-server.js';
export type { RecordedRequest } from './k8s-api/routes.js';
export type { ResourceName } from './k8s-api/resources.js';
export type { KubeObject } from './k8s-api/object-store.js';
export type { AccessRule } from './k8s-api/access-rules.js';
export type { PodFate } from './k8s-api/pod-fates.js';
export type { PodMatcher } from './k8s-api/workload-simulator.js';
export type { Address } from './k8s-api/service-backends.js';
export { endpointSlice, namespace, node, pod, service } from './k8s-objects.js';
