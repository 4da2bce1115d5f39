/**
 * What `shoal tap` checks before it changes anything, and `--dry-run`: real `bin/shoal`
 * processes against the Kubernetes API test server through the official client. No
 * kube-apiserver runs here (none is packaged for this machine); the test server speaks the real
 * API's JSON, and answers access reviews and requests from the rules each test sets.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { namespace, pod } from '@shoal/testkit/k8s';
import { closedPort } from './helpers/closed-port.js';
import { describeRun, shoalWithEnv } from './helpers/run-shoal.js';
import { TapCluster } from './helpers/tap-cluster.js';

let cluster: TapCluster;

before(async () => {
  cluster = await TapCluster.start();
  for (const ns of ['shop', 'pay']) cluster.api.put('namespaces', namespace(ns));
});
after(() => cluster.close());

describe('shoal tap: checks first', () => {
  it('without a kubeconfig says where it looked and exits 3 (CLI_ERR_KUBECONFIG)', async () => {
    const home = join(cluster.dir, 'empty-home');
    fs.mkdirSync(home, { recursive: true });
    const run = await shoalWithEnv({ HOME: home, KUBECONFIG: '' }, 'tap', '--headless');
    assert.equal(run.code, 3, describeRun(run));
    assert.equal(run.stderr, `shoal tap: no kubeconfig: --kubeconfig was not given, $KUBECONFIG is not set and ${join(home, '.kube', 'config')} does not exist. Give your cluster's kubeconfig (the one kubectl uses) with --kubeconfig PATH or KUBECONFIG=PATH (CLI_ERR_KUBECONFIG)\n`);
  });

  it('an unknown --context names the kubeconfig\'s contexts; an unreachable cluster names its address (exit 3)', async () => {
    const context = await cluster.run('tap', '--context', 'prod', '--headless');
    assert.equal(context.code, 3, describeRun(context));
    assert.match(context.stderr, /has no context 'prod'; its contexts: test \(CLI_ERR_KUBECONFIG\)/);
    const port = await closedPort();
    const down = join(cluster.dir, 'down');
    fs.writeFileSync(down, fs.readFileSync(cluster.kubeconfigPath, 'utf8').replace(cluster.api.url, `http://127.0.0.1:${port}`));
    const unreachable = await shoalWithEnv({ KUBECONFIG: down }, 'tap', '--headless');
    assert.equal(unreachable.code, 3, describeRun(unreachable));
    assert.match(unreachable.stderr, new RegExp(`^shoal tap: cannot reach the cluster's API server at http://127\\.0\\.0\\.1:${port} \\(context test\\): .*ECONNREFUSED.*\\(CLI_ERR_CLUSTER_UNREACHABLE\\)\n$`));
  });

  it('a release namespace or a target namespace that does not exist: exit 3, nothing changed', async () => {
    const from = cluster.api.requests.length;
    const release = await cluster.run('tap', '-s', 'nowhere', '--headless');
    assert.equal(release.code, 3, describeRun(release));
    assert.match(release.stderr, /^shoal tap: namespace nowhere does not exist \(the release namespace, -s\): create it \(kubectl create namespace nowhere\) or choose another with -s NAMESPACE \(CLI_ERR_NOT_FOUND\)\n$/);
    const target = await cluster.run('tap', '-n', 'shop,gone,lost', '--headless');
    assert.equal(target.code, 3, describeRun(target));
    assert.match(target.stderr, /namespaces gone, lost \(given with -n\) do not exist/);
    assert.deepEqual(cluster.writes(from), []);
  });

  it('starts from the config file (shoal config), which --set and the flags override', async () => {
    const file = join(cluster.dir, 'config.yaml');
    fs.writeFileSync(file, 'tap:\n  release:\n    namespace: from-file\n');
    const fromFile = await shoalWithEnv({ ...cluster.env, SHOAL_CONFIG: file }, 'tap', '--headless');
    assert.equal(fromFile.code, 3, describeRun(fromFile));
    assert.match(fromFile.stderr, /^shoal tap: namespace from-file does not exist \(the release namespace, -s\)/);
    const overridden = await shoalWithEnv({ ...cluster.env, SHOAL_CONFIG: file }, 'tap', '--set', 'tap.release.namespace=set-here', '--headless');
    assert.match(overridden.stderr, /^shoal tap: namespace set-here does not exist/);
    const flag = await cluster.run('tap', '--config', file, '-s', 'flag-here', '--set', 'tap.release.namespace=set-here', '--headless');
    assert.match(flag.stderr, /^shoal tap: namespace flag-here does not exist/);
    fs.writeFileSync(file, 'tap:\n  regexx: web\n');
    const bad = await cluster.run('tap', '--config', file, '--headless');
    assert.equal(bad.code, 2, describeRun(bad));
    assert.match(bad.stderr, /regexx/);
  });

  it('a regex RE2 refuses is a usage error (exit 2) before the cluster is asked anything', async () => {
    const from = cluster.api.requests.length;
    const run = await cluster.run('tap', '^(web)-\\1', '--headless');
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /^shoal tap: POD_REGEX \^\(web\)-\\1: '\^\(web\)-\\1' is not an RE2 regular expression: `\\1` is a backreference/);
    assert.equal(cluster.api.requests.length, from);
  });

  it('a dashboard without sign-in beyond loopback is refused (exit 2)', async () => {
    const run = await cluster.run('tap', '--set', 'tap.auth.enabled=false', '--proxy-host', '0.0.0.0', '--headless');
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /--proxy-host 0\.0\.0\.0 would publish a dashboard without sign-in \(tap\.auth\.enabled=false\) beyond this machine/);
  });

  it('a verb RBAC forbids: every missing right named with what it is for, exit 3, nothing changed', async () => {
    cluster.api.access.deny({ verb: 'create', group: 'apps', resource: 'daemonsets', namespace: 'pay' });
    cluster.api.access.deny({ verb: 'list', resource: 'pods', namespace: 'pay' });
    try {
      const from = cluster.api.requests.length;
      const run = await cluster.run('tap', '-s', 'pay', '--headless');
      assert.equal(run.code, 3, describeRun(run));
      assert.equal(run.stderr, [
        'shoal tap: forbidden by RBAC: the API server says you may not',
        '  create daemonsets.apps in namespace pay (to install DaemonSet shoal-worker)',
        '  list pods in namespace pay (to follow the rollout)',
        'Nothing was changed. Ask a cluster admin for these rights, or use another --context (CLI_ERR_FORBIDDEN)',
        '',
      ].join('\n'));
      assert.deepEqual(cluster.writes(from), []);
    } finally {
      cluster.api.access.reset();
    }
  });
});

describe('shoal tap --dry-run', () => {
  before(() => {
    const put = (name: string, ip: string | undefined, ns: string, node: string, extra: Parameters<typeof pod>[2] = {}) => cluster.api.put('pods', pod(name, ip, { namespace: ns, node, ...extra }));
    put('web-1', '10.244.1.5', 'shop', 'node-a');
    put('web-2', '10.244.2.7', 'shop', 'node-b');
    put('web-3', '10.244.1.6', 'pay', 'node-a');
    put('db-0', '10.244.1.9', 'shop', 'node-a');
    put('web-system', '10.244.3.2', 'kube-system', 'node-c');
    put('web-host', '127.0.0.10', 'shop', 'node-a', { hostNetwork: true });
    put('web-pending', undefined, 'shop', 'node-c');
    put('web-done', '10.244.3.9', 'shop', 'node-c', { phase: 'Succeeded' });
  });

  it('lists per node the pods the hub would target, and changes nothing', async () => {
    const from = cluster.api.requests.length;
    const run = await cluster.run('tap', '^web-', '-e', 'kube-system', '--dry-run');
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.stdout.split('\n').slice(1).join('\n'), [
      'shoal tap --dry-run: 3 pods would be tapped (pods matching \'^web-\' in every namespace, except in kube-system)',
      'node-a',
      '  pay/web-3   10.244.1.6',
      '  shop/web-1  10.244.1.5',
      'node-b',
      '  shop/web-2  10.244.2.7',
      'Nothing was changed.',
      '',
    ].join('\n'));
    assert.deepEqual(cluster.writes(from), []);
    const only = await cluster.run('tap', 'web', '-n', 'pay', '--dry-run');
    assert.match(only.stdout, /1 pod would be tapped \(pods matching 'web' in namespace pay\)\nnode-a\n {2}pay\/web-3 {2}10\.244\.1\.6\n/);
  });
});
