/**
 * `shoal version`: the CLI's, the chart's and the images' versions (all the project's: checked
 * against the repository's package.json and deploy/chart/Chart.yaml), and what a cluster runs,
 * read by a real `bin/shoal` process from the Kubernetes API test server through the official
 * client. No kube-apiserver runs here (none is packaged for this machine): the test server
 * speaks the real API's JSON and stores installations applied as `shoal tap` applies them, one
 * of this version and one of another. Without a cluster it says so and exits 0.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { buildObjects, defaultSettings, newClusterTokens, SHOAL_VERSION } from '@shoal/deploy';
import { namespace } from '@shoal/testkit/k8s';
import { imageTag } from '../dist/version/installed-versions.js';
import { install } from './helpers/installed-shoal.js';
import { describeRun, REPO_ROOT, shoalWithEnv, type ShoalRun } from './helpers/run-shoal.js';
import { TapCluster } from './helpers/tap-cluster.js';

const OLD = '0.0.9';
let cluster: TapCluster;

before(async () => {
  cluster = await TapCluster.start(['node-a']);
  await install(cluster.kubeconfigPath);
  cluster.api.put('namespaces', namespace('old'));
  const settings = defaultSettings();
  settings.tap.release.namespace = 'old';
  await install(cluster.kubeconfigPath, settings, buildObjects({ settings, tokens: newClusterTokens(), version: OLD }));
});
after(async () => {
  await cluster?.close();
});

function projectVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

async function version(env: Record<string, string | undefined>, ...args: string[]): Promise<ShoalRun> {
  const run = await shoalWithEnv(env, 'version', ...args);
  assert.equal(run.code, 0, describeRun(run));
  return run;
}

describe('shoal version', () => {
  it('the CLI, the chart and the images are the project\'s version; --client asks no cluster', async () => {
    const chart = parse(fs.readFileSync(path.join(REPO_ROOT, 'deploy/chart/Chart.yaml'), 'utf8')) as { version: string };
    const v = projectVersion();
    assert.equal(SHOAL_VERSION, v);
    assert.equal(chart.version, v);
    const from = cluster.api.requests.length;
    const run = await version({ KUBECONFIG: cluster.kubeconfigPath }, '--client');
    assert.equal(run.stdout, [
      `CLI        ${v}`,
      `chart      ${v} (deploy/chart; its version is @shoal/deploy's SHOAL_VERSION, the one this CLI deploys)`,
      `images     localhost/shoal-hub:${v}`,
      `           localhost/shoal-front:${v}`,
      `           localhost/shoal-worker:${v}`,
      '           (what shoal tap deploys with these settings; -r and -t change them)',
      '',
    ].join('\n'));
    assert.equal(run.stderr, '');
    assert.equal(cluster.api.requests.length, from, 'the cluster is not asked');
    const bare = await shoalWithEnv({}, '--version');
    assert.equal(bare.stdout, `shoal ${v}\n`, 'shoal --version stays the bare line');
  });

  it('what the cluster runs, when it runs this version: no warning', async () => {
    const run = await version({ KUBECONFIG: cluster.kubeconfigPath });
    const v = projectVersion();
    assert.match(run.stdout, /^cluster {4}http:\/\/127\.0\.0\.1:\d+ \(context test, Kubernetes v\d+\.\d+\.\d+\)$/m);
    assert.ok(run.stdout.endsWith([
      'installed  in namespace default:',
      `  hub      Shoal ${v}, localhost/shoal-hub:${v}`,
      `  front    Shoal ${v}, localhost/shoal-front:${v}`,
      `  workers  Shoal ${v}, localhost/shoal-worker:${v}`,
      '',
    ].join('\n')), run.stdout);
    assert.equal(run.stderr, '');
  });

  it('an installation of another version: each difference named in a warning on stderr, exit 0', async () => {
    const run = await version({ KUBECONFIG: cluster.kubeconfigPath }, '-s', 'old');
    assert.match(run.stdout, new RegExp(`^ {2}hub {6}Shoal ${OLD}, localhost/shoal-hub:${OLD}$`, 'm'));
    assert.match(run.stderr, new RegExp(`^shoal version: warning: the cluster does not run this CLI's version ${projectVersion()}: Deployment shoal-hub is labelled ${OLD}; Deployment shoal-hub runs localhost/shoal-hub:${OLD}; .*DaemonSet shoal-worker runs localhost/shoal-worker:${OLD}\\. A CLI and an installation of different versions may not understand each other`));
  });

  it('nothing installed, the workloads forbidden, no kubeconfig, a cluster that does not answer: each said in its line, exit 0', async () => {
    const none = await version({ KUBECONFIG: cluster.kubeconfigPath }, '-s', 'elsewhere');
    assert.match(none.stdout, /^installed {2}none in namespace elsewhere$/m);

    cluster.api.access.deny({ verb: 'get', resource: 'deployments' });
    try {
      const forbidden = await version({ KUBECONFIG: cluster.kubeconfigPath });
      assert.match(forbidden.stdout, /^installed {2}unknown: forbidden by RBAC: you may not get deployments\.apps "shoal-hub" in namespace default .*\(CLI_ERR_FORBIDDEN\)$/m);
    } finally {
      cluster.api.access.reset();
    }

    const home = path.join(cluster.dir, 'home');
    fs.mkdirSync(home, { recursive: true });
    const noConfig = await version({ KUBECONFIG: undefined, HOME: home });
    assert.match(noConfig.stdout, /^cluster {4}none: no kubeconfig: --kubeconfig was not given, \$KUBECONFIG is not set .*\(CLI_ERR_KUBECONFIG\)$/m);
    assert.equal(noConfig.stderr, '');

    // A port nothing listens on any more.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const kubeconfig = path.join(cluster.dir, 'unreachable');
    fs.writeFileSync(kubeconfig, fs.readFileSync(cluster.kubeconfigPath, 'utf8').replace(/server: http:\/\/127\.0\.0\.1:\d+/, `server: http://127.0.0.1:${port}`));
    const unreachable = await version({ KUBECONFIG: kubeconfig });
    assert.match(unreachable.stdout, new RegExp(`^cluster {4}none: cannot reach the cluster's API server at http://127\\.0\\.0\\.1:${port} .*\\(CLI_ERR_CLUSTER_UNREACHABLE\\)$`, 'm'));
  });

  it('a bad command line is still exit 2', async () => {
    const run = await shoalWithEnv({}, 'version', 'now');
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /takes no arguments, got 'now' \(CLI_ERR_USAGE\)/);
  });

  it('an image\'s tag, behind a registry port and before a digest', () => {
    assert.equal(imageTag('registry.example:5000/team/shoal-hub:0.1.0@sha256:0123'), '0.1.0');
    assert.equal(imageTag('registry.example:5000/team/shoal-hub'), undefined);
    assert.equal(imageTag('shoal-hub:rc-1'), 'rc-1');
  });
});
