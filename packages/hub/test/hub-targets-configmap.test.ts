/**
 * The target selection in the installation's ConfigMap (`--targets-configmap`,
 * targets/configmap-selection-store.ts): read at the start, patched (that one key) at each
 * PUT /targets, and followed when someone else writes it — a second `shoal tap`, a `helm
 * upgrade` — with the new selection pushed to real workers. No kube-apiserver runs here: the
 * Kubernetes API is @shoal/testkit's test server, which speaks the real API's JSON to the
 * official client (and refuses what a test's RBAC rule denies, as the real authorizer would).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { TARGETS_CONFIG_KEY } from '@shoal/model';
import { waitFor } from '@shoal/testkit';
import { K8sTestApiServer, namespace } from '@shoal/testkit/k8s';
import { ConfigMapSelectionStore, type Pod, type PodDirectory } from '../dist/index.js';
import { allUp, getJson, startCluster, type Cluster, type Json } from './helpers/cluster.js';

const PODS: Pod[] = [
  { name: 'web-1', namespace: 'shop', ip: '127.0.0.2', node: 'node-a' },
  { name: 'db-0', namespace: 'shop', ip: '127.0.0.3', node: 'node-a' },
];
const pods: PodDirectory = { pods: () => PODS, onChange: () => () => undefined };
const NS = 'shoal';
const NAME = 'shoal-config';
const SETTINGS = '{"tap": "as installed"}\n';

const selection = (podRegex: string) => ({ podRegex, namespaces: ['shop'], excludedNamespaces: [] });

async function putTargets(base: string, body: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}/targets`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describe('hub target selection in a ConfigMap', () => {
  let api: K8sTestApiServer;
  let c: Cluster;
  const logged: string[] = [];

  /** What the ConfigMap holds now. */
  const configData = (): Record<string, string> => (api.get('configmaps', NAME, NS)?.data ?? {}) as Record<string, string>;
  /** Writes the ConfigMap as another client would (the installer), not as the hub. */
  const writeSelection = (text: string): void => {
    const map = api.get('configmaps', NAME, NS)!;
    api.put('configmaps', { ...map, data: { ...(map.data as Record<string, string>), [TARGETS_CONFIG_KEY]: text } });
  };
  /** The pods the worker on node-a captures now, from its own /stats. */
  const workerTargets = async (): Promise<string[]> => {
    const stats = (await getJson(`http://127.0.0.1:${c.workers[0]!.port}`, '/stats', { authorization: `Bearer ${c.token}` })).body;
    return stats.capture.captures.flatMap((cap: Json) => cap.targets).sort();
  };
  const hubSelection = async (): Promise<string | undefined> => (await getJson(c.hubBase, '/targets')).body.selection?.podRegex;

  before(async () => {
    api = await K8sTestApiServer.start();
    api.put('namespaces', namespace(NS));
    api.put('configmaps', {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: NAME, namespace: NS },
      data: { 'settings.json': SETTINGS, [TARGETS_CONFIG_KEY]: `${JSON.stringify(selection('^web-'))}\n` },
    });
    const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(line) });
    const targetStore = new ConfigMapSelectionStore({ kubeConfig: api.kubeConfig(), namespace: NS, name: NAME, retryMs: 50, maxRetryMs: 200 });
    c = await startCluster(['node-a'], { pods, targetStore, logger });
    assert.ok(await allUp(c));
  });
  after(async () => {
    await c?.close();
    await api?.close();
  });

  it('starts with the selection the ConfigMap holds and pushes it to the workers', async () => {
    assert.equal(await hubSelection(), '^web-');
    await waitFor('the worker to capture web-1', async () => (await workerTargets()).join() === 'shop/web-1', 10_000);
  });

  it('PUT /targets patches only the targets key: the settings beside it stay as installed', async () => {
    const put = await putTargets(c.hubBase, selection('^db-'));
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(JSON.parse(configData()[TARGETS_CONFIG_KEY]!), selection('^db-'));
    assert.equal(configData()['settings.json'], SETTINGS);
    assert.deepEqual(await workerTargets(), ['shop/db-0']);
  });

  it('follows a selection someone else writes (a second shoal tap, a helm upgrade) and pushes it', async () => {
    writeSelection(`${JSON.stringify(selection('.'))}\n`);
    await waitFor('the hub to take the new selection', async () => (await hubSelection()) === '.', 10_000);
    await waitFor('the worker to capture both pods', async () => (await workerTargets()).join() === 'shop/db-0,shop/web-1', 10_000);
  });

  it('keeps the selection in force when someone writes a damaged one, and says so', async () => {
    const before = logged.length;
    writeSelection('{"podRegex": "(unclosed"}');
    await waitFor('the warning about the damaged value', () => logged.slice(before).some((l) => l.includes('HUB_ERR_STATE') || l.includes('is damaged')), 10_000);
    assert.equal(await hubSelection(), '.');
    writeSelection(`${JSON.stringify(selection('^web-'))}\n`);
    await waitFor('the next good selection to be taken', async () => (await hubSelection()) === '^web-', 10_000);
  });

  it('refuses a PUT it cannot save (RBAC forbids the patch) with HUB_ERR_STATE, keeping the previous selection', async () => {
    api.access.deny({ verb: 'patch', resource: 'configmaps' });
    try {
      const put = await putTargets(c.hubBase, selection('^db-'));
      assert.equal(put.status, 500);
      assert.equal(put.body.error.code, 'HUB_ERR_STATE');
      assert.match(put.body.error.message, /cannot save the target selection to ConfigMap shoal\/shoal-config: 403 .*forbidden/i);
      assert.equal(await hubSelection(), '^web-');
      assert.deepEqual(JSON.parse(configData()[TARGETS_CONFIG_KEY]!), selection('^web-'));
    } finally {
      api.access.reset();
    }
  });

  it('reads no selection from a ConfigMap without the key, or without the ConfigMap', async () => {
    const store = new ConfigMapSelectionStore({ kubeConfig: api.kubeConfig(), namespace: NS, name: 'absent' });
    assert.equal(await store.load(), undefined);
    api.put('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bare', namespace: NS }, data: {} });
    assert.equal(await new ConfigMapSelectionStore({ kubeConfig: api.kubeConfig(), namespace: NS, name: 'bare' }).load(), undefined);
  });
});
