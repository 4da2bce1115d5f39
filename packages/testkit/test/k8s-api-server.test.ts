/**
 * The Kubernetes API test server through the official client (@kubernetes/client-node), as the
 * hub and the CLI use it. No kube-apiserver runs here (none is packaged for this machine): these
 * tests check that the stand-in answers in the real API's JSON and words — apply with field
 * managers, refusals, the garbage collector, the simulated controllers and kubelet, logs and
 * events, the service proxy and port-forward to a real local server.
 */
import assert from 'node:assert/strict';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  ApiException, AppsV1Api, AuthorizationV1Api, CoreV1Api, KubernetesObjectApi, PatchStrategy, PortForward,
  type KubernetesObject, type V1ConfigMap, type V1DaemonSet, type V1Deployment, type V1Pod,
} from '@kubernetes/client-node';
import { WebSocket, WebSocketServer } from 'ws';
import { waitFor } from '@shoal/testkit';
import { K8sTestApiServer, namespace, node } from '@shoal/testkit/k8s';

let api: K8sTestApiServer;
let objects: KubernetesObjectApi;
let core: CoreV1Api;
let apps: AppsV1Api;

function statusOf(err: unknown): { code: number; reason: string; message: string } {
  assert.ok(err instanceof ApiException, `an ApiException: ${String(err)}`);
  const body = (typeof err.body === 'string' ? JSON.parse(err.body) : err.body) as { code: number; reason: string; message: string };
  return { code: body.code, reason: body.reason, message: body.message };
}

async function refusal(call: () => Promise<unknown>): Promise<{ code: number; reason: string; message: string }> {
  try {
    await call();
  } catch (err) {
    return statusOf(err);
  }
  assert.fail('the call succeeded');
}

const apply = <T extends KubernetesObject>(o: T, manager = 'shoal', force = true): Promise<T> => objects.patch(o, undefined, undefined, manager, force, PatchStrategy.ServerSideApply);

function deployment(name: string, labels: Record<string, string>, image = 'registry.example/app:1'): V1Deployment {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default', labels },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'main', image, ports: [{ name: 'http', containerPort: 8080 }] }] } } },
  };
}

before(async () => {
  api = await K8sTestApiServer.start('token', 'alice');
  const kc = api.kubeConfig();
  objects = KubernetesObjectApi.makeApiClient(kc);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
});
after(() => api.close());

describe('K8sTestApiServer: objects', () => {
  it('creates by server-side apply, records the field manager, and a repeated apply changes nothing', async () => {
    const cm: V1ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default', labels: { app: 'x' } }, data: { a: '1' } };
    const created = await apply(cm);
    assert.equal(created.data?.['a'], '1');
    assert.deepEqual(created.metadata?.managedFields?.map((m) => [m.manager, m.operation]), [['shoal', 'Apply']]);
    const again = await apply(cm);
    assert.equal(again.metadata?.resourceVersion, created.metadata?.resourceVersion, 'a no-op apply keeps the resourceVersion');
    const changed = await apply({ ...cm, data: { b: '2' } });
    assert.deepEqual(changed.data, { b: '2' }, 'a field the manager no longer sets is removed');
  });

  it('refuses another manager\'s field without force with a Conflict naming it; force takes it', async () => {
    const cm: V1ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned', namespace: 'default' }, data: { k: 'mine' } };
    await apply(cm, 'kubectl');
    const conflict = await refusal(() => apply({ ...cm, data: { k: 'theirs' } }, 'shoal', false));
    assert.deepEqual(conflict, { code: 409, reason: 'Conflict', message: 'Apply failed with 1 conflict: conflict with "kubectl" using v1: .data.k' });
    const forced = await apply({ ...cm, data: { k: 'theirs' } }, 'shoal', true);
    assert.equal(forced.data?.['k'], 'theirs');
  });

  it('answers 404 and 403 with the API server\'s words, and SelfSubjectAccessReviews from the same rules', async () => {
    assert.deepEqual(await refusal(() => core.readNamespace({ name: 'nowhere' })), { code: 404, reason: 'NotFound', message: 'namespaces "nowhere" not found' });
    const inMissing = await refusal(() => apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'nowhere' } } as V1ConfigMap));
    assert.equal(inMissing.message, 'namespaces "nowhere" not found', 'no object is made in a namespace that does not exist');
    api.access.deny({ verb: 'create', group: 'apps', resource: 'daemonsets', namespace: 'default' });
    try {
      const ds: V1DaemonSet = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agents', namespace: 'default' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } };
      assert.deepEqual(await refusal(() => apps.createNamespacedDaemonSet({ namespace: 'default', body: ds })), {
        code: 403, reason: 'Forbidden', message: 'daemonsets.apps is forbidden: User "alice" cannot create resource "daemonsets" in API group "apps" in the namespace "default"',
      });
      const authz = api.kubeConfig().makeApiClient(AuthorizationV1Api);
      const review = async (verb: string) => (await authz.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: { verb, group: 'apps', resource: 'daemonsets', namespace: 'default' } } } })).status?.allowed;
      assert.equal(await review('create'), false);
      assert.equal(await review('get'), true);
    } finally {
      api.access.reset();
    }
  });

  it('lists by label selector, and a watch sees an object leave its selector as DELETED', async () => {
    await apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'l1', namespace: 'default', labels: { tier: 'a' } } } as V1ConfigMap);
    await apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'l2', namespace: 'default', labels: { tier: 'b' } } } as V1ConfigMap);
    const listed = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'tier in (a),tier!=c' });
    assert.deepEqual(listed.items.map((c) => c.metadata?.name), ['l1']);
    const from = listed.metadata?.resourceVersion;
    await apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'l1', namespace: 'default', labels: { tier: 'z' } } } as V1ConfigMap);
    const res = await fetch(`${api.url}/api/v1/namespaces/default/configmaps?watch=true&labelSelector=tier%3Da&resourceVersion=${from}`, { headers: { authorization: `Bearer ${api.token}` } });
    const reader = res.body!.getReader();
    const first = JSON.parse(new TextDecoder().decode((await reader.read()).value).split('\n')[0]!) as { type: string; object: { metadata: { name: string } } };
    await reader.cancel();
    assert.deepEqual([first.type, first.object.metadata.name], ['DELETED', 'l1']);
  });
});

describe('K8sTestApiServer: controllers, kubelet and garbage collector', () => {
  before(() => {
    for (const n of ['node-a', 'node-b', 'node-c']) api.put('nodes', node(n, `192.168.1.${n.charCodeAt(5)}`));
    api.put('namespaces', namespace('tools'));
  });

  it('a Deployment gets a ReplicaSet and a ready pod; its status follows', async () => {
    await apply(deployment('web', { app: 'web' }));
    const d = await waitFor('the deployment to be ready', async () => {
      const got = await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' });
      return got.status?.readyReplicas === 1 ? got : undefined;
    });
    assert.equal(d.status?.observedGeneration, 1);
    const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' });
    assert.equal(pods.items.length, 1);
    assert.match(pods.items[0]!.metadata!.name!, /^web-\w{10}-\w{5}$/);
    assert.equal(pods.items[0]!.metadata?.ownerReferences?.[0]?.kind, 'ReplicaSet');
  });

  it('a DaemonSet gets one pod per node; the test decides each pod\'s fate', async () => {
    const labels = { app: 'agent' };
    api.simulator.fate((p) => JSON.stringify((p['spec'] as V1Pod['spec'])?.affinity ?? {}).includes('node-c'), { state: 'starting' });
    await apply({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'default' }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { hostNetwork: true, containers: [{ name: 'a', image: 'agent:1' }] } } } } as V1DaemonSet);
    const status = async () => (await apps.readNamespacedDaemonSet({ name: 'agent', namespace: 'default' })).status;
    await waitFor('two of three agents ready', async () => (await status())?.numberReady === 2);
    assert.equal((await status())?.desiredNumberScheduled, 3);
    const pods = (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=agent' })).items;
    assert.deepEqual(pods.map((p) => p.spec?.nodeName).sort(), ['node-a', 'node-b', 'node-c']);
    assert.ok(pods.filter((p) => p.spec?.nodeName !== 'node-c').every((p) => p.status?.podIP === p.status?.hostIP), 'a host-network pod has its node\'s address');
    api.simulator.fate(() => true, { state: 'ready' });
    await waitFor('all three ready', async () => (await status())?.numberReady === 3);
  });

  it('an image that cannot be pulled: ImagePullBackOff naming the image, and the kubelet\'s events', async () => {
    api.simulator.fate((p) => p.metadata.labels?.['app'] === 'broken', { state: 'image-pull-backoff' });
    await apply(deployment('broken', { app: 'broken' }, 'nowhere.example/broken:9'));
    const pod = await waitFor('the pod to back off', async () => (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=broken' })).items.find((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff'));
    assert.equal(pod.status?.containerStatuses?.[0]?.state?.waiting?.message, 'Back-off pulling image "nowhere.example/broken:9"');
    const events = await core.listNamespacedEvent({ namespace: 'default', fieldSelector: `involvedObject.name=${pod.metadata!.name}` });
    assert.ok(events.items.some((e) => e.reason === 'Failed' && e.message?.startsWith('Failed to pull image "nowhere.example/broken:9"')), JSON.stringify(events.items.map((e) => e.message)));
    const logs = await refusal(() => core.readNamespacedPodLog({ name: pod.metadata!.name!, namespace: 'default' }));
    assert.equal(logs.message, `container "main" in pod "${pod.metadata!.name}" is waiting to start: trying and failing to pull image`);
  });

  it('no node with room: Pending with the scheduler\'s FailedScheduling message; a crash loop keeps its logs', async () => {
    const message = '0/3 nodes are available: 3 Insufficient memory.';
    api.simulator.fate((p) => p.metadata.labels?.['app'] === 'big', { state: 'unschedulable', message });
    api.simulator.fate((p) => p.metadata.labels?.['app'] === 'crash', { state: 'crash-loop', logs: ['starting', 'fatal: no config'] });
    await apply(deployment('big', { app: 'big' }));
    await apply(deployment('crash', { app: 'crash' }));
    const big = await waitFor('the big pod to be unschedulable', async () => (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=big' })).items.find((p) => p.status?.conditions?.some((c) => c.reason === 'Unschedulable')));
    assert.equal(big.status?.phase, 'Pending');
    assert.equal(big.spec?.nodeName, undefined);
    const events = await core.listNamespacedEvent({ namespace: 'default', fieldSelector: `involvedObject.name=${big.metadata!.name}` });
    assert.deepEqual(events.items.map((e) => [e.reason, e.message]), [['FailedScheduling', message]]);
    const crash = await waitFor('the crash loop', async () => (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=crash' })).items.find((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff'));
    assert.equal(await core.readNamespacedPodLog({ name: crash.metadata!.name!, namespace: 'default', tailLines: 1 }), 'fatal: no config\n');
  });

  it('deleting a Deployment in the foreground removes its ReplicaSet and pods first; the pods terminate before they go', async () => {
    await objects.delete({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' } }, undefined, undefined, undefined, undefined, 'Foreground');
    const stillThere = await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' });
    assert.ok(stillThere.metadata?.deletionTimestamp !== undefined && stillThere.metadata.finalizers?.includes('foregroundDeletion'), 'the owner waits for its dependents');
    await waitFor('the deployment, its replica set and pods to go', async () => {
      const left = [
        ...(await apps.listNamespacedDeployment({ namespace: 'default', fieldSelector: 'metadata.name=web' })).items,
        ...(await apps.listNamespacedReplicaSet({ namespace: 'default', labelSelector: 'app=web' })).items,
        ...(await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' })).items,
      ];
      return left.length === 0;
    });
  });
});

describe('K8sTestApiServer: service proxy and port-forward to a local server', () => {
  let backend: Server;
  let wss: WebSocketServer;
  let seen: { host?: string; authorization?: string; url?: string } = {};

  before(async () => {
    backend = createServer((req, res) => {
      if (req.url === '/trailer') {
        res.writeHead(200, { 'content-type': 'application/octet-stream', trailer: 'x-done' });
        res.write('a body, ');
        res.addTrailers({ 'x-done': 'every part' });
        res.end('then its trailer');
        return;
      }
      if (req.url === '/cut') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write('half of it', () => res.destroy());
        return;
      }
      seen = { host: req.headers.host!, url: req.url! };
      if (req.headers.authorization !== undefined) seen.authorization = req.headers.authorization;
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><script src="/assets/app.js"></script><a href="//elsewhere/x">x</a></html>');
    });
    wss = new WebSocketServer({ server: backend });
    wss.on('connection', (ws) => ws.send('hello from the backend'));
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    await apply(deployment('front', { app: 'front' }));
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'front', namespace: 'default' }, spec: { selector: { app: 'front' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } } as KubernetesObject);
    api.exposeService('default', 'front', 80, { host: '127.0.0.1', port: (backend.address() as AddressInfo).port });
    await waitFor('the front pod to be ready', async () => (await apps.readNamespacedDeployment({ name: 'front', namespace: 'default' })).status?.readyReplicas === 1);
  });
  after(async () => {
    wss.close();
    await new Promise<void>((resolve) => backend.close(() => resolve()));
  });

  it('forwards HTTP without the caller\'s credentials, keeps Host, rewrites absolute links under the proxy', async () => {
    const prefix = '/api/v1/namespaces/default/services/front:80/proxy';
    // fetch() will not send another Host: node:http does.
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      get(`${api.url}${prefix}/page?x=1`, { headers: { authorization: `Bearer ${api.token}`, host: 'shown.example:8899' } }, (r) => {
        let body = '';
        r.on('data', (d: Buffer) => (body += d.toString('utf8')));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
      }).on('error', reject);
    });
    assert.equal(res.status, 200);
    assert.equal(res.body, `<html><script src="${prefix}/assets/app.js"></script><a href="//elsewhere/x">x</a></html>`);
    assert.deepEqual(seen, { host: 'shown.example:8899', url: '/page?x=1' });
    const noPort = await fetch(`${api.url}/api/v1/namespaces/default/services/missing:80/proxy/`, { headers: { authorization: `Bearer ${api.token}` } });
    assert.equal(noPort.status, 404);
  });

  it('passes the backend\'s trailers on after the body, and cuts a body the backend cut, as Go\'s ReverseProxy does', async () => {
    const prefix = '/api/v1/namespaces/default/services/front:80/proxy';
    const read = (path: string) => new Promise<{ body: string; trailers: Record<string, string | undefined>; complete: boolean }>((resolve) => {
      get(`${api.url}${prefix}${path}`, { headers: { authorization: `Bearer ${api.token}` } }, (r) => {
        let body = '';
        r.on('data', (d: Buffer) => (body += d.toString('utf8')));
        r.on('error', () => undefined);
        r.on('close', () => resolve({ body, trailers: r.trailers, complete: r.complete }));
      });
    });
    assert.deepEqual(await read('/trailer'), { body: 'a body, then its trailer', trailers: { 'x-done': 'every part' }, complete: true });
    assert.equal((await read('/cut')).complete, false, 'the caller sees the body end before its end');
  });

  it('splices a WebSocket through the service proxy', async () => {
    const ws = new WebSocket(`${api.url.replace('http', 'ws')}/api/v1/namespaces/default/services/front:http/proxy/ws`, { headers: { authorization: `Bearer ${api.token}` } });
    const message = await new Promise<string>((resolve, reject) => {
      ws.on('message', (d) => resolve(String(d)));
      ws.on('error', reject);
    });
    ws.close();
    assert.equal(message, 'hello from the backend');
  });

  it('port-forwards a pod\'s port through the official client\'s PortForward', async () => {
    const pod = (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=front' })).items[0]!;
    const input = new PassThrough();
    const output = new PassThrough();
    let answer = '';
    output.on('data', (d: Buffer) => (answer += d.toString('utf8')));
    const socket = await new PortForward(api.kubeConfig()).portForward('default', pod.metadata!.name!, [8080], output, null, input);
    input.write('GET /pf HTTP/1.1\r\nhost: 127.0.0.1:8899\r\nconnection: close\r\n\r\n');
    await waitFor(() => `the answer through the port-forward: ${answer}`, () => answer.includes('</html>'));
    assert.match(answer, /^HTTP\/1\.1 200 OK/);
    assert.equal(seen.url, '/pf');
    (socket as WebSocket).close();
  });
});
