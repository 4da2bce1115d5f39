/**
 * `shoal logs`, a real `bin/shoal` process against the Kubernetes API test server through the
 * official client. No kube-apiserver runs here (none is packaged for this machine): the test
 * server speaks the real API's JSON, stores the installation `shoal tap` would apply, and its
 * simulated kubelet gives the pods the fates the test decides — a hub that runs and logs,
 * workers in a crash loop (restarted, so their previous run's log is read too), a front still
 * starting (no log yet) — with their events; its service proxy reaches a real hub
 * (helpers/installed-shoal.ts). The zip is read back by Debian's unzip.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@shoal/testkit';
import { type KubeObject } from '@shoal/testkit/k8s';
import { install, HubOnWorkers } from './helpers/installed-shoal.js';
import { describeRun, type ShoalRun } from './helpers/run-shoal.js';
import { componentPods, TapCluster } from './helpers/tap-cluster.js';

const HUB_LOG = ['{"level":30,"msg":"listening","port":8898}', '{"level":40,"msg":"node-b refused the capture: EPERM"}'];
const WORKER_LOG = ['{"level":30,"msg":"starting"}', '{"level":50,"msg":"cannot open the capture: EPERM (operation not permitted)"}'];

let cluster: TapCluster;
let hub: HubOnWorkers;

/** Pods of the release now, by component. */
function pods(component: string): KubeObject[] {
  return cluster.api.list('pods', 'default').filter(componentPods(component));
}

function event(name: string, kind: string, object: string, reason: string, message: string): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Event',
    metadata: { name, namespace: 'default' },
    involvedObject: { kind, name: object, namespace: 'default' },
    reason, message, type: 'Warning', count: 2,
    firstTimestamp: '2026-05-01T10:00:00Z', lastTimestamp: '2026-05-01T10:00:05Z',
  } as unknown as KubeObject;
}

before(async () => {
  cluster = await TapCluster.start(['node-a', 'node-b']);
  cluster.api.simulator.fate(componentPods('hub'), { state: 'ready', logs: HUB_LOG });
  cluster.api.simulator.fate(componentPods('front'), { state: 'starting' });
  cluster.api.simulator.fate(componentPods('worker'), { state: 'crash-loop', logs: WORKER_LOG, restarts: 3 });
  const { tokens } = await install(cluster.kubeconfigPath);
  hub = await HubOnWorkers.start(tokens, ['node-a']);
  hub.expose(cluster.api);
  await waitFor('the pods to meet their fates', () => pods('hub').length === 1 && pods('front').length === 1 && pods('worker').length === 2
    && pods('worker').every((p) => JSON.stringify(p['status']).includes('CrashLoopBackOff')), 30_000);
  // What a ReplicaSet controller says when it cannot make a pod, an event about the Deployment,
  // and one about a pod that is not Shoal's.
  cluster.api.put('events', event('rs.1', 'ReplicaSet', 'shoal-front-6b7c9', 'FailedCreate', 'pods "shoal-front-6b7c9-" is forbidden: violates PodSecurity "restricted:latest"'));
  cluster.api.put('events', event('dep.1', 'Deployment', 'shoal-hub', 'ScalingReplicaSet', 'Scaled up replica set shoal-hub-1 to 1'));
  cluster.api.put('events', event('web.1', 'Pod', 'web-1', 'BackOff', 'Back-off restarting failed container web (EPERM)'));
});
after(async () => {
  await hub?.close();
  await cluster?.close();
});

function zipPath(name: string): string {
  return path.join(cluster.dir, name);
}

function entries(zip: string): string[] {
  return execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).split('\n').filter((l) => l !== '').sort();
}

function read(zip: string, name: string): string {
  return execFileSync('unzip', ['-p', zip, name], { encoding: 'utf8' });
}

async function logs(...args: string[]): Promise<ShoalRun> {
  const run = await cluster.run('logs', ...args);
  assert.equal(run.code, 0, describeRun(run));
  return run;
}

describe('shoal logs', () => {
  it('zips every container\'s log, the previous run\'s of the restarted ones, the events about Shoal, the hub\'s status and a summary', async () => {
    const from = cluster.api.requests.length;
    const zip = zipPath('all.zip');
    const run = await logs('-f', zip);
    assert.match(execFileSync('unzip', ['-t', zip], { encoding: 'utf8' }), /No errors detected/);
    assert.equal(fs.statSync(zip).mode & 0o777, 0o600);
    const [hubPod] = pods('hub').map((p) => p.metadata.name);
    const [frontPod] = pods('front').map((p) => p.metadata.name);
    const workerPods = pods('worker').map((p) => p.metadata.name).sort();
    assert.deepEqual(entries(zip), [
      `default.${hubPod}.hub.log`,
      ...workerPods.flatMap((w) => [`default.${w}.sniffer.log`, `default.${w}.sniffer.previous.log`]),
      'default_events.log', 'hub_status.json', 'summary.txt',
    ].sort());
    assert.equal(read(zip, `default.${hubPod}.hub.log`), `${HUB_LOG.join('\n')}\n`);
    assert.equal(read(zip, `default.${workerPods[0]}.sniffer.previous.log`), `${WORKER_LOG.join('\n')}\n`);
    const previous = cluster.api.requests.slice(from).filter((r) => r.subresource === 'log' && r.query['previous'] === 'true').map((r) => r.name).sort();
    assert.deepEqual(previous, workerPods, 'the previous run is asked of the restarted containers only');

    const events = read(zip, 'default_events.log');
    assert.match(events, /Warning {2}FailedCreate {2}ReplicaSet\/shoal-front-6b7c9 {2}pods "shoal-front-6b7c9-" is forbidden: .* \(×2\)\n/);
    assert.match(events, /ScalingReplicaSet {2}Deployment\/shoal-hub /);
    assert.match(events, new RegExp(`BackOff  Pod/${workerPods[0]} `), 'the simulated kubelet\'s events about the pods');
    assert.doesNotMatch(events, /web-1/, 'not another pod\'s');

    const status = JSON.parse(read(zip, 'hub_status.json')) as { workers: { name: string }[]; up: number };
    assert.deepEqual(status.workers.map((w) => w.name), ['node-a']);
    const summary = read(zip, 'summary.txt');
    assert.match(summary, new RegExp(`^ {2}${frontPod} \\(Pending, not ready, on node-\\w\\)\\n {4}front: no log: container "front" in pod "${frontPod}" is waiting to start: ContainerCreating$`, 'm'));
    assert.match(summary, new RegExp(`^ {2}${workerPods[0]} \\(Running, not ready, on node-\\w, restarted 3 times\\)\\n {4}sniffer: default\\.${workerPods[0]}\\.sniffer\\.log, \\d+ B\\n {4}sniffer, the run before the last restart: default\\.${workerPods[0]}\\.sniffer\\.previous\\.log, \\d+ B$`, 'm'));
    assert.match(summary, /^hub status: GET \/status through the API server's service proxy .* → hub_status\.json$/m);

    for (const pod of [hubPod, frontPod, ...workerPods]) assert.match(run.stderr, new RegExp(`^ {2}pod ${pod}: `, 'm'), 'a progress line per pod');
    assert.match(run.stdout, new RegExp(`^shoal logs: wrote ${zip.replace(/[.]/g, '\\.')} \\(\\S+ \\S+, 8 files\\): 4 pods, 5 logs, \\d+ events, the hub's status\\n$`));
  });

  it('-g keeps only the lines its RE2 pattern matches, in the logs and the events', async () => {
    const zip = zipPath('grep.zip');
    await logs('-f', zip, '-g', 'EPERM|FailedCreate');
    const [hubPod] = pods('hub').map((p) => p.metadata.name);
    assert.equal(read(zip, `default.${hubPod}.hub.log`), `${HUB_LOG[1]}\n`);
    for (const w of pods('worker')) assert.equal(read(zip, `default.${w.metadata.name}.sniffer.log`), `${WORKER_LOG[1]}\n`);
    assert.deepEqual(read(zip, 'default_events.log').split('\n').filter((l) => l !== '').map((l) => l.split('  ')[2]), ['FailedCreate']);
    assert.match(read(zip, 'summary.txt'), /^filter \(-g\): 'EPERM\|FailedCreate': only the matching lines of the logs and events$/m);
  });

  it('a pattern RE2 refuses: exit 2, the construct and where, nothing written', async () => {
    const zip = zipPath('bad.zip');
    const run = await cluster.run('logs', '-f', zip, '-g', '(?=EPERM)');
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /-g '\(\?=EPERM\)' is not an RE2 regular expression: `\(\?=` is a lookahead, which RE2 does not have .*\(at character 1\)\n {2}\(\?=EPERM\)\n {2}\^\^\^/);
    assert.equal(fs.existsSync(zip), false);
  });

  it('logs RBAC does not let it read are written down with the API server\'s words, not a failure', async () => {
    cluster.api.access.deny({ resource: 'pods', subresource: 'log' });
    try {
      const zip = zipPath('forbidden.zip');
      await logs('-f', zip);
      assert.deepEqual(entries(zip), ['default_events.log', 'hub_status.json', 'summary.txt']);
      assert.match(read(zip, 'summary.txt'), /^ {4}hub: no log: pods ".*" is forbidden: User "alice" cannot get resource "pods\/log"/m);
    } finally {
      cluster.api.access.reset();
    }
  });

  it('not installed in the namespace given: exit 3, CLI_ERR_NOT_FOUND, nothing written', async () => {
    const zip = zipPath('elsewhere.zip');
    const run = await cluster.run('logs', '-f', zip, '-s', 'elsewhere');
    assert.equal(run.code, 3, describeRun(run));
    assert.match(run.stderr, /Shoal is not installed in namespace elsewhere: no settings ConfigMap and no pod of the release .*\(CLI_ERR_NOT_FOUND\)/);
    assert.equal(fs.existsSync(zip), false);
  });

  it('a hub that does not answer is written down in the summary; the rest is in the zip (exit 0)', async () => {
    await hub.close();
    const zip = zipPath('no-hub.zip');
    const run = await logs('-f', zip);
    assert.ok(!entries(zip).includes('hub_status.json'));
    assert.match(read(zip, 'summary.txt'), /^hub status: not collected: the hub does not answer: through the service proxy 503 .*; through a port-forward to shoal-hub-\S+ .*\(CLI_ERR_ROLLOUT\)$/m);
    assert.match(run.stdout, /, no hub status \(summary\.txt says why\)\n$/);
  });
});
