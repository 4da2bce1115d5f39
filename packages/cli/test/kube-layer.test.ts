/**
 * The CLI's Kubernetes layer (packages/cli/src/kube) against the Kubernetes API test server,
 * through the official client. No kube-apiserver runs here (none is packaged for this machine):
 * the test server speaks the real API's JSON and words, and simulates the controllers and the
 * kubelet as each test decides. The dashboard proxy reaches a real local HTTP and WebSocket
 * server registered as the front Service's backend.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildObjects, newClusterTokens, settingsFrom, SHOAL_VERSION } from '@shoal/deploy';
import { isShoalError } from '@shoal/model';
import { waitFor } from '@shoal/testkit';
import { K8sTestApiServer, node } from '@shoal/testkit/k8s';
import { WebSocket, WebSocketServer } from 'ws';
import { checkAccess } from '../dist/kube/access-review.js';
import { applyObjects } from '../dist/kube/apply-objects.js';
import { startDashboardProxy } from '../dist/kube/dashboard-proxy.js';
import { deleteInstallation } from '../dist/kube/delete-installation.js';
import { findInstallation, releaseOf, releaseSelector } from '../dist/kube/installation.js';
import { KubeClient } from '../dist/kube/kube-client.js';
import { loadKubeConfig } from '../dist/kube/kubeconfig.js';
import { rolloutsOf, waitForRollouts } from '../dist/kube/rollout.js';
import { closedPort } from './helpers/closed-port.js';

let api: K8sTestApiServer;
let client: KubeClient;
let dir: string;

async function failure(run: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await run();
  } catch (err) {
    assert.ok(isShoalError(err), String(err));
    return { code: err.code, message: err.message };
  }
  assert.fail('it succeeded');
}

before(async () => {
  api = await K8sTestApiServer.start('token', 'alice');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-kube-layer-'));
  fs.writeFileSync(path.join(dir, 'config'), api.kubeconfigYaml());
  client = KubeClient.fromOptions({ kubeconfig: path.join(dir, 'config') });
  for (const n of ['node-a', 'node-b']) api.put('nodes', node(n, n === 'node-a' ? '192.168.1.10' : '192.168.1.11'));
});
after(async () => {
  await api.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('kubeconfig', () => {
  it('says where it looked when there is none, and names the contexts when one is unknown', () => {
    const empty = path.join(dir, 'home');
    fs.mkdirSync(empty, { recursive: true });
    assert.throws(() => loadKubeConfig({}, {}, empty), (err: unknown) => isShoalError(err) && err.code === 'CLI_ERR_KUBECONFIG' && err.message.includes('$KUBECONFIG is not set') && err.message.includes(path.join(empty, '.kube', 'config')));
    assert.throws(() => loadKubeConfig({ kubeconfig: path.join(dir, 'config'), context: 'prod' }), (err: unknown) => isShoalError(err) && err.message.includes("has no context 'prod'; its contexts: test"));
    assert.equal(loadKubeConfig({}, { KUBECONFIG: `${path.join(dir, 'missing')}:${path.join(dir, 'config')}` }, empty).kc.getCurrentContext(), 'test');
  });
});

describe('errors in words', () => {
  it('forbidden names the verb, resource and namespace; not found, unreachable and unauthorized say what to do', async () => {
    api.access.deny({ verb: 'list', resource: 'pods', namespace: 'default' });
    try {
      const forbidden = await failure(() => client.call({ verb: 'list', group: '', resource: 'pods', namespace: 'default' }, () => client.core.listNamespacedPod({ namespace: 'default' })));
      assert.equal(forbidden.code, 'CLI_ERR_FORBIDDEN');
      assert.match(forbidden.message, /^forbidden by RBAC: you may not list pods in namespace default \(the API server said: pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"\)/);
    } finally {
      api.access.reset();
    }
    const missing = await failure(() => client.call({ verb: 'get', group: '', resource: 'namespaces', name: 'nope' }, () => client.core.readNamespace({ name: 'nope' })));
    assert.deepEqual(missing, { code: 'CLI_ERR_NOT_FOUND', message: 'namespaces "nope" cluster-wide does not exist (the API server said: namespaces "nope" not found)' });
    const port = await closedPort();
    fs.writeFileSync(path.join(dir, 'down'), api.kubeconfigYaml().replace(api.url, `http://127.0.0.1:${port}`));
    const down = KubeClient.fromOptions({ kubeconfig: path.join(dir, 'down') });
    const unreachable = await failure(() => down.serverVersion());
    assert.equal(unreachable.code, 'CLI_ERR_CLUSTER_UNREACHABLE');
    assert.match(unreachable.message, new RegExp(`^cannot reach the cluster's API server at http://127\\.0\\.0\\.1:${port} \\(context test\\): .*ECONNREFUSED`));
    fs.writeFileSync(path.join(dir, 'wrong'), api.kubeconfigYaml().replace(`token: ${api.token}`, 'token: wrong'));
    const wrong = await failure(() => KubeClient.fromOptions({ kubeconfig: path.join(dir, 'wrong') }).serverVersion());
    assert.equal(wrong.code, 'CLI_ERR_CLUSTER_AUTH');
  });

  it('an access review names every right that is missing, with what it is for', async () => {
    api.access.deny({ verb: 'create', resource: 'daemonsets' });
    api.access.deny({ verb: 'create', resource: 'clusterroles' });
    try {
      const denied = await failure(() => checkAccess(client, [
        { verb: 'create', group: 'apps', resource: 'daemonsets', namespace: 'default', why: 'the workers' },
        { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterroles', why: 'the hub\'s read access' },
        { verb: 'create', group: '', resource: 'configmaps', namespace: 'default', why: 'the settings' },
      ]));
      assert.equal(denied.message, 'forbidden by RBAC: the API server says you may not\n  create daemonsets.apps in namespace default (the workers)\n  create clusterroles.rbac.authorization.k8s.io cluster-wide (the hub\'s read access)\nNothing was changed. Ask a cluster admin for these rights, or use another --context');
    } finally {
      api.access.reset();
    }
  });
});

describe('apply, rollout, find and delete', () => {
  const settings = settingsFrom(['tap.release.name=layer']);
  const built = buildObjects({ settings, tokens: newClusterTokens(), version: SHOAL_VERSION });

  it('applies every object with field manager shoal and reports each', async () => {
    const lines: string[] = [];
    await applyObjects(client, built, (l) => lines.push(l));
    assert.deepEqual(lines, built.map((b) => `  applied ${b.object.kind} ${b.object.metadata!.name}`));
    const hub = api.get('deployments', 'layer-hub', 'default')!;
    assert.deepEqual((hub.metadata['managedFields'] as { manager: string }[]).map((m) => m.manager), ['shoal']);
    assert.ok(api.requests.filter((r) => r.verb === 'patch').every((r) => r.contentType === 'application/apply-patch+yaml' && r.query['fieldManager'] === 'shoal'));
  });

  it('waits for the rollouts with a line per change, naming the nodes a DaemonSet still waits on', async () => {
    api.simulator.fate((p) => p.metadata.labels?.['app.kubernetes.io/instance'] === 'layer', { state: 'starting' });
    const lines: string[] = [];
    const waiting = waitForRollouts(client, rolloutsOf(built), (l) => lines.push(l), 30_000);
    await waitFor(() => `the workers to wait on both nodes: ${lines.join(' | ')}`, () => lines.includes('workers ready 0/2 (waiting on node-a, node-b)'));
    api.simulator.fate((p) => p.metadata.labels?.['app.kubernetes.io/instance'] === 'layer', { state: 'ready' });
    await waiting;
    for (const done of ['hub ready 1/1', 'front ready 1/1', 'workers ready 2/2']) assert.ok(lines.includes(done), `${done} in ${lines.join(' | ')}`);
  });

  it('finds the installation by its labels and deletes it, waiting until its pods are gone', async () => {
    const found = await findInstallation(client, settings);
    assert.deepEqual(found.map((o) => `${o.kind}/${o.name}`).sort(), built.map((b) => `${b.object.kind}/${b.object.metadata!.name}`).sort());
    const lines: string[] = [];
    await deleteInstallation(client, releaseOf(settings), found, (l) => lines.push(l), 30_000);
    assert.equal(lines.length, found.length);
    assert.deepEqual(api.list('pods', 'default').filter((p) => p.metadata.labels?.['app.kubernetes.io/instance'] === 'layer'), []);
    assert.deepEqual(await findInstallation(client, settings), []);
    assert.equal(releaseSelector(releaseOf(settings)), 'app.kubernetes.io/name=shoal,app.kubernetes.io/instance=layer');
  });
});

describe('the dashboard proxy', () => {
  let front: Server;
  let seen: { host?: string; url?: string; origin?: string } = {};
  const settings = settingsFrom(['tap.release.name=dash']);
  const built = buildObjects({ settings, tokens: newClusterTokens(), version: SHOAL_VERSION });

  before(async () => {
    front = createServer((req, res) => {
      seen = { host: req.headers.host!, url: req.url!, ...(req.headers.origin !== undefined ? { origin: req.headers.origin } : {}) };
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<script src="/assets/app.js"></script>');
    });
    new WebSocketServer({ server: front }).on('connection', (ws, req) => ws.send(`hello ${req.headers.origin}`));
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    api.simulator.fate((p) => p.metadata.labels?.['app.kubernetes.io/instance'] === 'dash', { state: 'ready' });
    await applyObjects(client, built, () => undefined);
    await waitForRollouts(client, rolloutsOf(built), () => undefined, 30_000);
    api.exposeService('default', 'dash-front', 8899, { host: '127.0.0.1', port: (front.address() as AddressInfo).port });
  });
  after(async () => {
    front.closeAllConnections();
    await new Promise<void>((resolve) => front.close(() => resolve()));
  });

  const options = { host: '127.0.0.1', port: 0, namespace: 'default', service: 'dash-front', servicePort: 8899, podSelector: 'app.kubernetes.io/instance=dash,app.kubernetes.io/component=front' };

  it('serves the front through the service proxy, as the front\'s own page, HTTP and WebSocket', async () => {
    const lines: string[] = [];
    const proxy = await startDashboardProxy(client, options, (l) => lines.push(l));
    try {
      assert.match(proxy.via, /^the API server's service proxy/);
      assert.deepEqual(lines, []);
      const page = await fetch(`${proxy.url}/`);
      assert.equal(await page.text(), '<script src="/api/v1/namespaces/default/services/dash-front:8899/proxy/assets/app.js"></script>', 'the API server rewrote the link under its prefix');
      assert.equal((await fetch(`${proxy.url}/api/v1/namespaces/default/services/dash-front:8899/proxy/assets/app.js`)).status, 200, 'a rewritten link reaches the front');
      assert.equal(seen.host, '127.0.0.1:8899');
      const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}/api/ws`, { headers: { origin: proxy.url } });
      assert.equal(await new Promise<string>((resolve, reject) => ws.on('message', (d) => resolve(String(d))).on('error', reject)), 'hello http://127.0.0.1:8899');
      ws.close();
      const foreign = await fetch(`${proxy.url}/`, { method: 'POST', headers: { origin: 'http://evil.example' } });
      assert.equal(foreign.status, 403, 'a page of another origin is refused here');
      const raw = (target: string) => new Promise<number>((resolve, reject) => {
        get({ host: '127.0.0.1', port: Number(new URL(proxy.url).port), path: target }, (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        }).on('error', reject);
      });
      assert.equal(await raw('/api/v1/namespaces/default/services/dash-front:8899/proxy/%2e%2e/%2e%2e/x'), 400, 'no way out of the service proxy\'s prefix');
      assert.equal(await raw('/assets/../../secrets'), 400);
      assert.equal(await raw('//elsewhere.invalid/x'), 200, 'a path naming another host stays a path on the API server');
      assert.equal(seen.url, '//elsewhere.invalid/x');
    } finally {
      await proxy.close();
    }
  });

  it('falls back to a port-forward when the service proxy is forbidden', async () => {
    api.access.deny({ resource: 'services', subresource: 'proxy' });
    const lines: string[] = [];
    try {
      const proxy = await startDashboardProxy(client, options, (l) => lines.push(l));
      try {
        assert.match(proxy.via, /^a port-forward to pod default\/dash-front-/);
        assert.match(lines[0]!, /^ {2}the service proxy did not serve the dashboard \(403 services "dash-front:8899" is forbidden: User "alice" cannot get resource "services\/proxy"/);
        assert.equal(await (await fetch(`${proxy.url}/x`)).text(), '<script src="/assets/app.js"></script>');
      } finally {
        await proxy.close();
      }
      api.access.deny({ resource: 'pods', subresource: 'portforward' });
      const both = await failure(() => startDashboardProxy(client, options, () => undefined));
      assert.equal(both.code, 'CLI_ERR_FORBIDDEN');
    } finally {
      api.access.reset();
    }
  });
});
