/**
 * `shoal tap` while the cluster runs what it applied: progress per rollout, naming the nodes the
 * workers still wait on; the failures a cluster reports, said in words with their exit code
 * (an image that cannot be pulled, a pod no node has room for, a crash-looping hub and its last
 * log lines); `--ephemeral` removing everything on Ctrl-C. Real `bin/shoal` processes against
 * the Kubernetes API test server through the official client. No kube-apiserver runs here
 * (none is packaged for this machine): the test server speaks the real API's JSON, and its
 * simulated scheduler and kubelet give each pod the fate the test decides.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildObjects, newClusterTokens, settingsFrom, SHOAL_VERSION } from '@shoal/deploy';
import { namespace } from '@shoal/testkit/k8s';
import { describeRun } from './helpers/run-shoal.js';
import { componentPods, TapCluster } from './helpers/tap-cluster.js';

const NODES = ['node-a', 'node-b', 'node-c', 'node-d', 'node-e'];
let cluster: TapCluster;

before(async () => {
  cluster = await TapCluster.start(NODES);
  for (const ns of ['pull', 'room', 'crash', 'slow']) cluster.api.put('namespaces', namespace(ns));
});
after(() => cluster.close());

describe('shoal tap: rollouts', () => {
  it('an image that cannot be pulled: the image named, exit 4, Shoal left installed', async () => {
    cluster.api.simulator.fate(componentPods('hub', 'pull'), { state: 'image-pull-backoff' });
    const run = await cluster.run('tap', '-s', 'pull', '--headless', '-r', 'registry.example/team');
    assert.equal(run.code, 4, describeRun(run));
    assert.match(run.stderr, /^shoal tap: the hub's pod shoal-hub-\w+-\w+ on node-\w cannot pull its image registry\.example\/team\/shoal-hub:0\.1\.0 \(ImagePullBackOff: Back-off pulling image "registry\.example\/team\/shoal-hub:0\.1\.0"\)\. Make the images reachable from the nodes: push them to a registry and give it with -r REGISTRY/);
    assert.match(run.stderr, /\(CLI_ERR_ROLLOUT\)\n$/);
    assert.match(run.stdout, /Shoal stays installed in namespace pull: fix the cause and run shoal tap again, or remove it with shoal clean -s pull\n$/);
  });

  it('a pod no node has room for: the scheduler\'s words and the setting to lower, exit 4', async () => {
    cluster.api.simulator.fate(componentPods('front', 'room'), { state: 'unschedulable', message: '0/5 nodes are available: 5 Insufficient memory.' });
    const run = await cluster.run('tap', '-s', 'room', '--headless');
    assert.equal(run.code, 4, describeRun(run));
    assert.match(run.stderr, /^shoal tap: the front's pod shoal-front-\w+-\w+ cannot be scheduled: 0\/5 nodes are available: 5 Insufficient memory\. Free room on the nodes or lower what it asks for \(--set tap\.resources\.front\.requests\.memory=…, --set tap\.resources\.front\.requests\.cpu=…\) \(CLI_ERR_ROLLOUT\)\n$/);
  });

  it('a crash-looping hub: its last log lines, exit 4', async () => {
    const logs = ['{"level":30,"msg":"starting"}', '{"level":60,"msg":"cannot read --token-file: EACCES"}'];
    cluster.api.simulator.fate(componentPods('hub', 'crash'), { state: 'crash-loop', logs, exitCode: 1, restarts: 4 });
    const run = await cluster.run('tap', '-s', 'crash', '--headless');
    assert.equal(run.code, 4, describeRun(run));
    assert.match(run.stderr, /^shoal tap: the hub keeps crashing \(pod shoal-hub-\w+-\w+ on node-\w, container hub, restarted 4 times, last exit code 1\); its last log lines:\n {4}\{"level":30,"msg":"starting"\}\n {4}\{"level":60,"msg":"cannot read --token-file: EACCES"\} \(CLI_ERR_ROLLOUT\)\n$/);
  });

  it('names the nodes the workers still wait on; with --ephemeral, Ctrl-C removes everything and waits until it is gone', async () => {
    const late = (pod: Parameters<Parameters<typeof cluster.api.simulator.fate>[0]>[0]) => componentPods('worker', 'slow')(pod) && /node-[de]/.test(JSON.stringify(pod['spec']));
    cluster.api.simulator.fate(late, { state: 'starting' });
    const tap = cluster.serve(['tap', '-s', 'slow', '--ephemeral', '--headless', '--proxy-front-port', '0']);
    await tap.printed(/^(workers ready 3\/5 \(waiting on node-d, node-e\))$/m, 'the workers on node-d and node-e to be awaited');
    assert.equal(await tap.stop(), 0, tap.describe());
    const made = buildObjects({ settings: settingsFrom(['tap.release.namespace=slow']), tokens: newClusterTokens(), version: SHOAL_VERSION });
    const removal = tap.stdout.slice(tap.stdout.indexOf('shoal tap: removing what this run installed (--ephemeral)\n'));
    assert.deepEqual(removal.split('\n').filter((l) => l.startsWith('  removed ')).sort(), made.map((b) => `  removed ${b.object.kind} ${b.object.metadata!.name}`).sort());
    assert.match(removal, new RegExp(`shoal tap: removed ${made.length} objects; nothing of this run is left in the cluster\n$`));
    for (const resource of ['deployments', 'daemonsets', 'replicasets', 'pods', 'services', 'configmaps', 'secrets', 'serviceaccounts', 'roles', 'rolebindings', 'networkpolicies'] as const) {
      assert.deepEqual(cluster.api.list(resource, 'slow').map((o) => o.metadata.name), [], `no ${resource} left`);
    }
    assert.equal(cluster.api.get('clusterroles', 'shoal-hub-slow'), undefined);
    assert.ok(cluster.api.get('clusterroles', 'shoal-hub-pull') !== undefined, 'another namespace\'s installation stays');
  });
});
