/**
 * The objects run as they are written: the worker, hub and front containers' arguments (from the
 * builder, the objects `shoal manifests` prints) given to real `shoal worker`, `shoal hub` and
 * `shoal front` processes, with their tokens written from the Secrets' keys at the paths the pods
 * mount them. The hub finds the worker from a pod carrying the DaemonSet's labels through the
 * Kubernetes API test server (no API server can run here; that server speaks the real list and
 * watch JSON), and the front, signed in with the sign-in Secret's token, reaches the hub with the
 * hub token. What a machine cannot give a test is changed, and only that: addresses become
 * 127.0.0.1 and ports free ones; directories become temporary ones. The worker has no targets,
 * so it captures nothing and needs no privileges. Processes are ended by their PID.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { V1ConfigMap, V1Container, V1DaemonSet, V1Deployment, V1Secret } from '@kubernetes/client-node';
import { buildObjects, newClusterTokens, settingsFrom, SHOAL_VERSION, type BuiltObject } from '@shoal/deploy';
import { waitFor } from '@shoal/testkit';
import { K8sTestApiServer, namespace, node, pod } from '@shoal/testkit/k8s';
import { startListening, stop } from './helpers/listening-shoal.js';
import { runnable as podCommand, writeSecretFiles } from './helpers/pod-command.js';

const NAMESPACE = 'tools';
const tokens = newClusterTokens();

function objects(sets: string[]): BuiltObject[] {
  return buildObjects({ settings: settingsFrom([`tap.release.namespace=${NAMESPACE}`, ...sets]), tokens, version: SHOAL_VERSION });
}

function find<T>(built: BuiltObject[], kind: string, name: string): T {
  const o = built.find((b) => b.object.kind === kind && b.object.metadata!.name === name);
  assert.ok(o !== undefined, `${kind} ${name}`);
  return o.object as T;
}

let dir = '';
let secretsDir = '';
const children: ChildProcess[] = [];
let api: K8sTestApiServer | undefined;

before(async () => {
  dir = fs.mkdtempSync(join(tmpdir(), 'shoal-manifests-run-'));
  api = await K8sTestApiServer.start();
  fs.writeFileSync(join(dir, 'kubeconfig'), api.kubeconfigYaml(), { mode: 0o600 });
});

after(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await api?.close();
  if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
});

/** The container's arguments (helpers/pod-command.ts), the tokens from the built Secrets. */
function runnable(container: V1Container, built: BuiltObject[], replace: Record<string, string>): string[] {
  if (secretsDir === '') {
    const keys = built.filter((o) => o.object.kind === 'Secret').map((o) => (o.object as V1Secret).stringData!);
    secretsDir = writeSecretFiles(join(dir, 'secrets'), Object.assign({}, ...keys) as Record<string, string>);
  }
  return podCommand(container, secretsDir, dir, replace);
}

describe('the objects run', () => {
  it('the hub finds the worker by the DaemonSet\'s labels and holds its token; the front signs in with the sign-in Secret and reaches the hub', async () => {
    // The worker first, on a free port: the objects are then built for that port.
    const first = objects([]);
    const workerPod = find<V1DaemonSet>(first, 'DaemonSet', 'shoal-worker').spec!.template;
    const worker = await startListening(runnable(workerPod.spec!.containers[0]!, first, { '--host': '127.0.0.1', '--port': '0' }), { NODE_NAME: 'k8s-node' });
    children.push(worker.child);

    const built = objects([`tap.proxy.worker.srvPort=${worker.port}`]);
    api!.put('nodes', node('k8s-node', '192.168.1.10'));
    api!.put('pods', pod('shoal-worker-abcde', '127.0.0.1', { namespace: NAMESPACE, node: 'k8s-node', labels: workerPod.metadata!.labels!, hostNetwork: true }));
    // A pod of another installation's workers is not this hub's worker.
    api!.put('pods', pod('other-worker-abcde', '127.0.0.2', { namespace: NAMESPACE, node: 'k8s-node-2', labels: { ...workerPod.metadata!.labels!, 'app.kubernetes.io/instance': 'other' }, hostNetwork: true }));

    // The settings ConfigMap as the installer applies it: the hub keeps its selection there.
    api!.put('namespaces', namespace(NAMESPACE));
    api!.put('configmaps', find<V1ConfigMap>(built, 'ConfigMap', 'shoal-config') as never);
    const hubContainer = find<V1Deployment>(built, 'Deployment', 'shoal-hub').spec!.template.spec!.containers[0]!;
    const hub = await startListening(runnable(hubContainer, built, { '--host': '127.0.0.1', '--port': '0' }), { KUBECONFIG: join(dir, 'kubeconfig') });
    children.push(hub.child);
    const hubHeaders = { authorization: `Bearer ${tokens.hub}` };
    assert.equal((await fetch(`http://127.0.0.1:${hub.port}/status`)).status, 401, 'the hub needs its token');
    const workers = async () => ((await (await fetch(`http://127.0.0.1:${hub.port}/status`, { headers: hubHeaders })).json()) as { workers: { name: string; up: boolean; pod: string | null }[] }).workers;
    await waitFor(() => `the hub to reach the worker with its token: ${hub.log()}`, async () => (await workers()).some((w) => w.name === 'k8s-node' && w.up), 15_000);
    assert.deepEqual((await workers()).map((w) => [w.name, w.pod]), [['k8s-node', `${NAMESPACE}/shoal-worker-abcde`]]);
    const targets = (await (await fetch(`http://127.0.0.1:${hub.port}/targets`, { headers: hubHeaders })).json()) as { selection: unknown };
    assert.deepEqual(targets.selection, { podRegex: '.*', namespaces: [], excludedNamespaces: [] }, "the selection from the ConfigMap's targets.json");

    const frontContainer = find<V1Deployment>(built, 'Deployment', 'shoal-front').spec!.template.spec!.containers[0]!;
    const front = await startListening(runnable(frontContainer, built, { '--host': '127.0.0.1', '--port': '0', '--hub': `http://127.0.0.1:${hub.port}` }), {}, /the dashboard on http:\/\/127\.0\.0\.1:(\d+)/);
    children.push(front.child);
    const base = `http://127.0.0.1:${front.port}`;
    assert.equal((await fetch(`${base}/api/status`)).status, 401, 'signed out: no hub');
    const refused = await fetch(`${base}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: tokens.hub }) });
    assert.equal(refused.status, 401, 'the hub token is no sign-in token');
    const signIn = await fetch(`${base}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: tokens.signIn }) });
    assert.equal(signIn.status, 204, await signIn.text());
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const status = await fetch(`${base}/api/status`, { headers: { cookie } });
    assert.equal(status.status, 200, 'the front passes the hub token on');
    assert.deepEqual(((await status.json()) as { workers: { name: string }[] }).workers.map((w) => w.name), ['k8s-node']);

    for (const p of [front, hub, worker]) assert.equal(await stop(p.child), 0, p.log());
  });
});
