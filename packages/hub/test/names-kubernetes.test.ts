/*
 * KubernetesNames through the official @kubernetes/client-node against a test API server.
 * No API server can run here; this server (@shoal/testkit/k8s) speaks the real API shapes
 * over plain HTTP with token auth: list responses with metadata.resourceVersion, chunked watch
 * streams of ADDED / MODIFIED / DELETED / BOOKMARK / ERROR events, 410 Gone, dropped connections.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ResolutionPatch } from '@shoal/model';
import { KubernetesNames, NameHistory } from '../dist/names/index.js';
import { waitFor } from '@shoal/testkit';
import { endpointSlice, K8sTestApiServer, node, pod, service } from '@shoal/testkit/k8s';
import { recordingLogger } from './helpers/names-recording-logger.js';

/** Reconnection backoff of the client under test: quick, so a test sees several retries. */
const RETRY = { retryMs: 20, maxRetryMs: 100 };

describe('KubernetesNames (list and watch through the official client)', { timeout: 30_000 }, () => {
  let api: K8sTestApiServer;
  let names: KubernetesNames | undefined;
  let history: NameHistory;
  let patches: ResolutionPatch[];
  const clock = { ms: 1_000_000 };
  const logger = recordingLogger();

  beforeEach(async () => {
    api = await K8sTestApiServer.start();
    api.put('nodes', node('node-a', '192.168.1.10'));
    api.put('pods', pod('web-1', '10.244.1.5', { labels: { app: 'web' } }));
    api.put('pods', pod('kube-proxy-a', '192.168.1.10', { namespace: 'kube-system', hostNetwork: true }));
    api.put('services', service('web', '10.96.0.20', [80]));
    api.put('endpointslices', endpointSlice('web', ['10.244.1.5'], [8080]));
    clock.ms = 1_000_000;
    history = new NameHistory({ now: () => clock.ms });
    patches = [];
    history.onPatch((p) => patches.push(p));
  });

  afterEach(async () => {
    await names?.stop();
    names = undefined;
    await api.close();
  });

  async function started(): Promise<KubernetesNames> {
    names = new KubernetesNames({ kubeConfig: api.kubeConfig(), history, logger, ...RETRY });
    await names.start();
    await waitFor('all four watches to open', () => api.openWatches() === 4);
    return names;
  }

  const podAt = (ip: string, ms = clock.ms) => history.at(ip, undefined, ms)?.pod;

  it('the initial lists name pods, services, service ports and nodes, and list the pods', async () => {
    const n = await started();
    assert.deepEqual(history.snapshot(), {
      '192.168.1.10': { name: 'node-a', node: 'node-a' },
      '10.244.1.5': { name: 'web-1', namespace: 'shop', pod: 'web-1', node: 'node-a', service: 'web' },
      '10.244.1.5:8080': { name: 'web-1', namespace: 'shop', pod: 'web-1', node: 'node-a', service: 'web' },
      '10.96.0.20': { name: 'web', namespace: 'shop', service: 'web' },
      '10.96.0.20:80': { name: 'web', namespace: 'shop', service: 'web' },
    });
    assert.equal(patches.length, 1, 'the initial lists make one patch');
    assert.deepEqual(
      n.pods().map((p) => [p.namespace, p.name, p.node, p.ip, p.labels, p.hostNetwork]).sort(),
      [
        ['kube-system', 'kube-proxy-a', 'node-a', '192.168.1.10', {}, true],
        ['shop', 'web-1', 'node-a', '10.244.1.5', { app: 'web' }, false],
      ],
    );
    const lists = api.requests.filter((r) => !r.watch).map((r) => r.resource).sort();
    assert.deepEqual(lists, ['endpointslices', 'nodes', 'pods', 'services']);
    assert.ok(api.requests.filter((r) => r.watch).every((r) => r.query.allowWatchBookmarks === 'true'), 'watches ask for bookmarks');
  });

  it('large lists are read page by page, from one snapshot', async () => {
    for (let i = 0; i < 5; i++) api.put('pods', pod(`batch-${i}`, `10.244.2.${i}`));
    const snapshot = api.resourceVersion;
    names = new KubernetesNames({ kubeConfig: api.kubeConfig(), history, logger, pageSize: 2 });
    await names.start();
    const podLists = api.requests.filter((r) => r.resource === 'pods' && !r.watch);
    assert.deepEqual(podLists.map((r) => [r.query.limit, r.query.continue]), [['2', undefined], ['2', 'page-1'], ['2', 'page-2'], ['2', 'page-3']]);
    for (let i = 0; i < 5; i++) assert.equal(podAt(`10.244.2.${i}`), `batch-${i}`);
    assert.equal(names.pods().length, 7);
    await waitFor('the pods watch to open', () => api.openWatches('pods') === 1);
    const watch = api.requests.find((r) => r.resource === 'pods' && r.watch)!;
    assert.equal(watch.query.resourceVersion, snapshot, 'the watch starts at the snapshot');
  });

  it('a pod added and then deleted during the watch is named, then forgotten, with patches and pod changes', async () => {
    const n = await started();
    let podChanges = 0;
    n.onChange(() => podChanges++);
    api.put('pods', pod('db-0', '10.244.1.9'));
    await waitFor('the added pod to be named', () => podAt('10.244.1.9') === 'db-0');
    assert.deepEqual(patches.at(-1), { upsert: { '10.244.1.9': { name: 'db-0', namespace: 'shop', pod: 'db-0', node: 'node-a' } } });
    assert.ok(n.pods().some((p) => p.name === 'db-0'));
    api.remove('pods', 'db-0', 'shop');
    await waitFor('the deleted pod to be forgotten', () => history.snapshot()['10.244.1.9'] === undefined);
    assert.deepEqual(patches.at(-1), { remove: ['10.244.1.9'] });
    assert.ok(!n.pods().some((p) => p.name === 'db-0'));
    assert.equal(podChanges, 2);
  });

  it('an IP reused by a new pod names old timestamps with the old pod and new ones with the new', async () => {
    await started();
    clock.ms = 2_000_000;
    api.remove('pods', 'web-1', 'shop');
    await waitFor('the old pod to be gone', () => history.snapshot()['10.244.1.5'] === undefined);
    clock.ms = 3_000_000;
    api.put('pods', pod('web-2', '10.244.1.5', { created: '2026-01-02T00:00:00Z' }));
    await waitFor('the new pod to hold the IP', () => podAt('10.244.1.5') === 'web-2');
    assert.equal(podAt('10.244.1.5', 1_500_000), 'web-1');
    assert.equal(podAt('10.244.1.5', 2_500_000), undefined);
    assert.equal(podAt('10.244.1.5', 3_500_000), 'web-2');
  });

  it('410 Gone on the stream: the client relists, and changes it never saw are applied', async () => {
    await started();
    const listsBefore = api.requests.filter((r) => r.resource === 'pods' && !r.watch).length;
    api.remove('pods', 'web-1', 'shop', { unseen: true });
    api.put('pods', pod('db-0', '10.244.1.9'), { unseen: true });
    assert.equal(podAt('10.244.1.5'), 'web-1', 'the stream did not carry those changes');
    api.expireWatches();
    await waitFor('the relist to apply the changes', () => podAt('10.244.1.9') === 'db-0' && podAt('10.244.1.5') === undefined);
    assert.ok(api.requests.filter((r) => r.resource === 'pods' && !r.watch).length > listsBefore, 'pods were listed again');
    await waitFor('the watches to reopen', () => api.openWatches() === 4);
    api.put('pods', pod('db-1', '10.244.1.10'));
    await waitFor('the reopened watch to deliver', () => podAt('10.244.1.10') === 'db-1');
  });

  it('a dropped connection resumes from the last resourceVersion and catches up, without relisting', async () => {
    await started();
    const listsBefore = api.requests.filter((r) => !r.watch).length;
    const requestsBefore = api.requests.length;
    api.refuse(true);
    api.dropWatches();
    api.remove('pods', 'web-1', 'shop');
    api.put('pods', pod('db-0', '10.244.1.9'));
    await waitFor('a reconnection to be refused', () => api.requests.slice(requestsBefore).some((r) => r.watch));
    api.refuse(false);
    await waitFor('the missed events to be replayed', () => podAt('10.244.1.9') === 'db-0' && podAt('10.244.1.5') === undefined);
    assert.equal(api.requests.filter((r) => !r.watch).length, listsBefore, 'no list: the watch resumed');
    assert.ok(logger.lines.some((l) => l.level === 'warn' && l.msg.includes('retrying')), 'the failure was logged');
  });

  it('reconnecting after the history was compacted gets 410 and relists', async () => {
    await started();
    api.refuse(true);
    api.dropWatches();
    api.remove('pods', 'web-1', 'shop');
    api.put('pods', pod('db-0', '10.244.1.9'));
    api.compact();
    const listsBefore = api.requests.filter((r) => r.resource === 'pods' && !r.watch).length;
    api.refuse(false);
    await waitFor('the relist to apply the changes', () => podAt('10.244.1.9') === 'db-0' && podAt('10.244.1.5') === undefined);
    assert.ok(api.requests.filter((r) => r.resource === 'pods' && !r.watch).length > listsBefore, 'pods were listed again');
  });

  it('bookmarks advance the resourceVersion a reconnection resumes from', async () => {
    const n = await started();
    // Changes elsewhere move the shared counter; the pods watch hears of it only by bookmark.
    api.put('services', service('db', '10.96.0.30', [5432]));
    await waitFor('the service to be named', () => history.snapshot()['10.96.0.30'] !== undefined);
    const before = n.resourceVersions().pods;
    const rv = api.bookmark('pods');
    assert.ok(Number(rv) > Number(before));
    await waitFor('the bookmark to be taken', () => n.resourceVersions().pods === rv);
    api.dropWatches();
    await waitFor('the pods watch to reconnect', () => api.openWatches('pods') === 1);
    const resumed = api.requests.filter((r) => r.resource === 'pods' && r.watch).at(-1)!;
    assert.equal(resumed.query.resourceVersion, rv);
  });

  it('stop closes every watch and starts nothing afterwards', async () => {
    const n = await started();
    await n.stop();
    await waitFor('the server to see the watches closed', () => api.openWatches() === 0);
    const requests = api.requests.length;
    api.put('pods', pod('db-0', '10.244.1.9'));
    // An absence is under test, and nothing signals that nothing happened: so a delay. A client
    // left running would reconnect within maxRetryMs and name the pod as it came; three times
    // that is the window in which a leaked watch or timer would show.
    await new Promise((resolve) => setTimeout(resolve, 3 * RETRY.maxRetryMs));
    assert.equal(api.requests.length, requests);
    assert.equal(podAt('10.244.1.9'), undefined);
  });

  it('a pod is named once it has an IP and no longer once it has finished', async () => {
    const n = await started();
    api.put('pods', pod('job-1', undefined));
    await waitFor('the pending pod to be listed', () => n.pods().some((p) => p.name === 'job-1'));
    assert.equal(n.pods().find((p) => p.name === 'job-1')?.ip, undefined);
    api.put('pods', pod('job-1', '10.244.1.20'));
    await waitFor('the running pod to be named', () => podAt('10.244.1.20') === 'job-1');
    api.put('pods', pod('job-1', '10.244.1.20', { phase: 'Succeeded' }));
    await waitFor('the finished pod to lose its IP', () => history.snapshot()['10.244.1.20'] === undefined);
    assert.ok(n.pods().find((p) => p.name === 'job-1')?.terminated);
  });

  it('an EndpointSlice change moves a pod port to another service', async () => {
    await started();
    api.put('services', service('api', '10.96.0.40', [80]));
    api.put('endpointslices', endpointSlice('web', [], [8080]));
    api.put('endpointslices', endpointSlice('api', ['10.244.1.5'], [9000]));
    await waitFor('the port to name the new service', () => history.at('10.244.1.5', 9000, clock.ms)?.service === 'api');
    assert.equal(history.snapshot()['10.244.1.5:8080'], undefined);
    assert.equal(history.at('10.244.1.5', undefined, clock.ms)?.service, 'api');
  });

  it('an API server that refuses at first is retried until the lists succeed', async () => {
    api.refuse(true);
    names = new KubernetesNames({ kubeConfig: api.kubeConfig(), history, logger, ...RETRY });
    const ready = names.start();
    await waitFor('several refused lists', () => api.requests.filter((r) => !r.watch).length >= 8);
    assert.deepEqual(history.snapshot(), {});
    api.refuse(false);
    await ready;
    assert.equal(podAt('10.244.1.5'), 'web-1');
  });

  it('stop before the lists succeed ends start() too', async () => {
    api.refuse(true);
    names = new KubernetesNames({ kubeConfig: api.kubeConfig(), history, logger, ...RETRY });
    const ready = names.start();
    await waitFor('a refused list', () => api.requests.length > 0);
    await names.stop();
    await ready;
    assert.deepEqual(history.snapshot(), {});
  });

  it('stop while the watches are still connecting leaves none open once the server answers', async () => {
    api.holdWatches(true);
    names = new KubernetesNames({ kubeConfig: api.kubeConfig(), history, logger, ...RETRY });
    await names.start();
    await waitFor('the four watches to be asked for', () => api.openWatches() === 4);
    await names.stop();
    api.holdWatches(false);
    await waitFor('the late watches to be closed by the client', () => api.openWatches() === 0);
  });
});
