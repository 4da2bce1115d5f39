/**
 * A Kubernetes API test server and the objects it serves, for the hub's and the CLI's tests
 * (no API server can run here; k8s-api-server.ts says what it speaks). A subpath of its own, so
 * a test that only waits does not load the Kubernetes client.
 */
export { K8sTestApiServer } from './k8s-api-server.js';
export type { RecordedRequest, ResourceName } from './k8s-api-server.js';
export { endpointSlice, node, pod, service } from './k8s-objects.js';
