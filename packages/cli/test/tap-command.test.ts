/**
 * `shoal tap`, `shoal proxy` and `shoal clean`, real `bin/shoal` processes against the
 * Kubernetes API test server through the official client. No kube-apiserver runs here (none is
 * packaged for this machine): the test server speaks the real API's JSON, its simulated
 * controllers and kubelet make the pods, and the hub and the front run as real `shoal hub` and
 * `shoal front` processes from the Deployments `tap` applied, with the tokens of the Secrets it
 * created (helpers/tap-cluster.ts). The dashboard is then reached as a user reaches it: through
 * the local proxy, the API server's service proxy, the front and the hub.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@shoal/testkit';
import { namespace, type KubeObject } from '@shoal/testkit/k8s';
import { WebSocket } from 'ws';
import { parseAllDocuments } from 'yaml';
import { signIn } from './helpers/front-session.js';
import { describeRun } from './helpers/run-shoal.js';
import type { ServingShoal } from './helpers/serving-shoal.js';
import { componentPods, startPods, TapCluster, type RunningPods } from './helpers/tap-cluster.js';

const LINK = /the dashboard on (http:\/\/\S+)/;
/** The settings of the first tap, as flags and as `shoal manifests --set`. */
const TAP_FLAGS = ['web', '-n', 'shop', '--storage-limit', '1Gi', '-r', 'registry.example/shoal'];
const SAME_SETS = ['tap.regex=web', 'tap.namespaces=shop', 'tap.storageLimit=1Gi', 'tap.docker.registry=registry.example/shoal'].flatMap((s) => ['--set', s]);

/** What the API server adds to an object: left out to compare it with what was applied. */
function applied(stored: KubeObject): Record<string, unknown> {
  const o = structuredClone(stored) as Record<string, unknown> & KubeObject;
  for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'managedFields', 'generation']) delete o.metadata[k];
  delete o['status'];
  return o;
}

/** A Secret's tokens are new on every run: compared by their keys. */
function withoutTokens(o: Record<string, unknown>): Record<string, unknown> {
  if (o['kind'] !== 'Secret') return o;
  const { stringData, data, ...rest } = o as { stringData?: object; data?: object };
  return { ...rest, keys: Object.keys(stringData ?? data ?? {}).sort() };
}

let cluster: TapCluster;
let pods: RunningPods | undefined;
const running: ServingShoal[] = [];

before(async () => {
  cluster = await TapCluster.start();
  cluster.api.put('namespaces', namespace('shop'));
  // The front's pod waits until the real front listens (startPods).
  cluster.api.simulator.fate(componentPods('front'), { state: 'starting' });
});
after(async () => {
  for (const s of running) await s.stop();
  await pods?.stop();
  await cluster.close();
});

describe('shoal tap, proxy, clean', () => {
  let manifests: Record<string, unknown>[] = [];

  it('installs the objects of shoal manifests, waits for the rollouts, and serves the real front through the service proxy, page and WebSocket', async () => {
    const tap = cluster.serve(['tap', ...TAP_FLAGS, '--headless', '--proxy-front-port', '0']);
    running.push(tap);
    pods = await startPods(cluster);
    const link = await tap.printed(LINK, 'the sign-in link');
    for (const line of ['installing Shoal', '  applied DaemonSet shoal-worker', 'targets: pods matching \'web\' in namespace shop', 'hub ready 1/1', 'front ready 1/1', 'workers ready 3/3', 'through the API server\'s service proxy']) {
      assert.ok(tap.stdout.includes(line), `${line}\n${tap.describe()}`);
    }

    const printed = await cluster.run('manifests', ...SAME_SETS);
    assert.equal(printed.code, 0, describeRun(printed));
    manifests = parseAllDocuments(printed.stdout).map((d) => d.toJSON() as Record<string, unknown>);
    for (const m of manifests) {
      const meta = m['metadata'] as { name: string; namespace?: string };
      const stored = cluster.api.getKind(String(m['apiVersion']), String(m['kind']), meta.name, meta.namespace);
      assert.ok(stored !== undefined, `${m['kind']} ${meta.name} was applied`);
      assert.deepEqual(withoutTokens(applied(stored)), withoutTokens(m), `${m['kind']} ${meta.name} is what shoal manifests prints`);
    }

    const user = await signIn(link);
    const status = await fetch(`${user.base}/api/status`, { headers: { cookie: user.cookie } });
    assert.equal(status.status, 200, 'the front reaches the hub with its token');
    const page = await (await fetch(`${user.base}/`, { headers: { cookie: user.cookie } })).text();
    const asset = /src="(\/api\/v1\/namespaces\/default\/services\/shoal-front:8899\/proxy\/assets\/[^"]+)"/.exec(page)?.[1];
    assert.ok(asset !== undefined, `the page's script, its link rewritten under the service proxy: ${page}`);
    assert.equal((await fetch(`${user.base}${asset}`)).status, 200, 'and reached through it');
    const ws = new WebSocket(`${user.base.replace('http', 'ws')}/api/ws?q=`, { headers: { cookie: user.cookie, origin: user.base } });
    const first = await new Promise<Record<string, unknown>>((resolve, reject) => ws.on('message', (d) => resolve(JSON.parse(String(d)) as Record<string, unknown>)).on('error', reject));
    ws.close();
    assert.ok('ready' in first, `the hub's stream through the proxy: ${JSON.stringify(first)}`);

    assert.equal(await tap.stop(), 0, tap.describe());
    assert.match(tap.stdout, /Shoal keeps running in namespace default\n {2}shoal proxy -s default {3}serves the dashboard again\n {2}shoal clean -s default {3}removes Shoal/);
    assert.ok(cluster.api.get('daemonsets', 'shoal-worker', 'default') !== undefined, 'Ctrl-C leaves Shoal installed');
  });

  it('a second tap with another regex changes only the targets: one apply of the settings ConfigMap', async () => {
    const from = cluster.api.requests.length;
    const tap = cluster.serve(['tap', 'db', '--storage-limit', '2Gi', '--headless', '--proxy-front-port', '0']);
    running.push(tap);
    await tap.printed(LINK, 'the sign-in link');
    assert.deepEqual(cluster.writes(from), ['patch configmaps shoal-config']);
    assert.match(tap.stdout, /is installed in namespace default: only the targets change\n {2}kept as installed: tap\.storageLimit/);
    const config = cluster.api.get('configmaps', 'shoal-config', 'default')!;
    assert.deepEqual(JSON.parse((config['data'] as Record<string, string>)['targets.json']!), { podRegex: 'db', namespaces: [], excludedNamespaces: [] });
    // The hub running from the applied Deployment follows its ConfigMap (--targets-configmap).
    const hubTargets = async () => ((await (await fetch(`http://127.0.0.1:${pods!.hub.port}/targets`, { headers: { authorization: `Bearer ${pods!.hubToken}` } })).json()) as { selection?: { podRegex: string } }).selection?.podRegex;
    await waitFor('the hub to take the new targets from its ConfigMap', async () => (await hubTargets()) === 'db', 15_000);
    const ds = cluster.api.get('daemonsets', 'shoal-worker', 'default') as unknown as { spec: { template: { spec: { volumes: { name: string; emptyDir?: { sizeLimit: string } }[] } } } };
    assert.equal(ds.spec.template.spec.volumes.find((v) => v.name === 'data')!.emptyDir!.sizeLimit, '1Gi', 'the workers keep their store');
    assert.equal(await tap.stop(), 0, tap.describe());
  });

  it('shoal proxy serves the installation\'s dashboard again, changes nothing, and opens the link in a browser; a port in use is exit 1', async () => {
    const bin = join(cluster.dir, 'bin');
    const opened = join(cluster.dir, 'opened');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`, { mode: 0o755 });
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const taken = await cluster.run('proxy', '--proxy-front-port', String((busy.address() as AddressInfo).port), '--headless');
      assert.equal(taken.code, 1, describeRun(taken));
      assert.match(taken.stderr, /the port is in use: choose another with --proxy-front-port \(CLI_ERR_PROXY\)\n$/);
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
    const from = cluster.api.requests.length;
    const proxy = cluster.serve(['proxy', '--proxy-front-port', '0'], { PATH: `${bin}:${process.env['PATH'] ?? ''}` });
    running.push(proxy);
    const link = await proxy.printed(LINK, 'the sign-in link');
    assert.equal(await waitFor('the browser opener to run', () => fs.existsSync(opened) && fs.readFileSync(opened, 'utf8')), link);
    assert.equal((await fetch(new URL(link).origin)).status, 200);
    assert.deepEqual(cluster.writes(from), []);
    assert.equal(await proxy.stop(), 0, proxy.describe());
    assert.match(proxy.stdout, /shoal proxy: stopped; Shoal keeps running in namespace default/);
  });

  it('shoal clean removes everything it finds by label, waits until it and its pods are gone, and reports each', async () => {
    const clean = await cluster.run('clean');
    assert.equal(clean.code, 0, describeRun(clean));
    const removed = clean.stdout.split('\n').filter((l) => l.startsWith('  removed '));
    assert.deepEqual(removed.sort(), manifests.map((m) => `  removed ${m['kind']} ${(m['metadata'] as { name: string }).name}`).sort());
    for (const m of manifests) {
      const meta = m['metadata'] as { name: string; namespace?: string };
      assert.equal(cluster.api.getKind(String(m['apiVersion']), String(m['kind']), meta.name, meta.namespace), undefined, `${m['kind']} ${meta.name} is gone`);
    }
    assert.deepEqual(cluster.api.list('pods', 'default').map((p) => p.metadata.name), [], 'and every pod');
    assert.deepEqual(cluster.api.list('replicasets', 'default').map((p) => p.metadata.name), []);
    const again = await cluster.run('clean');
    assert.equal(again.code, 0, describeRun(again));
    assert.match(again.stdout, /nothing of Shoal in namespace default to remove/);
  });
});
