/**
 * `shoal pcapdump`, a real `bin/shoal` process against the Kubernetes API test server through the
 * official client. No kube-apiserver runs here (none is packaged for this machine): the test
 * server speaks the real API's JSON, stores the installation `shoal tap` would apply, simulates
 * its pods, and proxies `services/shoal-hub:8898/proxy/…` (or a port-forward to the hub's pod)
 * to a real hub with three real workers, each replaying an HTTP/1 capture as live traffic
 * (helpers/installed-shoal.ts). The files are read by tshark and by a pcap walker of the tests'
 * own: the packets are there, in time order, only those the filter and the time asked for.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import { settingsFrom, type ClusterTokens } from '@shoal/deploy';
import { formatBytes } from '@shoal/model';
import { StallingProxy, waitFor } from '@shoal/testkit';
import { namespace, type KubeObject } from '@shoal/testkit/k8s';
import { releaseObjects } from '../dist/tap/release-objects.js';
import { install, HubOnWorkers } from './helpers/installed-shoal.js';
import { assertMergedPcap, connection, tsharkPackets, tsharkUnavailable } from './helpers/merged-pcap.js';
import { pcapRecords } from './helpers/pcap-records.js';
import { WebSocket } from 'ws';
import { signIn } from './helpers/front-session.js';
import { describeRun } from './helpers/run-shoal.js';
import { TapCluster } from './helpers/tap-cluster.js';

/** The TCP connection of each fixture a worker replays (packets/dissect fixtures, http1). */
const KEEP_ALIVE = connection({ ip: '127.0.0.1', port: 34494 }, { ip: '127.0.0.1', port: 40291 });
const GZIP = connection({ ip: '127.0.0.1', port: 34506 }, { ip: '127.0.0.1', port: 40291 });
const HEAD = connection({ ip: '127.0.0.1', port: 34532 }, { ip: '127.0.0.1', port: 40291 });
/** Their packets: 16, 12 and 14. */
const ALL_PACKETS = 42;

const FILE_NAME = /^shoal_\d{4}_\d{2}_\d{2}__\d{2}_\d{2}_\d{2}\.pcap$/;

let cluster: TapCluster;
let hub: HubOnWorkers;
let tokens: ClusterTokens;

before(async () => {
  cluster = await TapCluster.start(['node-a', 'node-b', 'node-c']);
  ({ tokens } = await install(cluster.kubeconfigPath));
  // node-c's export can be made to stall; the hub gives up on a silent one after a second.
  hub = await HubOnWorkers.start(tokens, ['node-a', 'node-b', 'node-c'], { stallable: 'node-c', pcap: { bodyMs: 1000 } });
  hub.expose(cluster.api);
  await hub.replay();
});
after(async () => {
  await hub?.close();
  await cluster?.close();
});

/** A destination directory of its own, under the cluster's (removed with it); pcapdump makes it. */
function freshDest(name: string): string {
  return path.join(cluster.dir, name);
}

/** The one file pcapdump wrote into `dir`, checked for its name and that no .part is left. */
function written(dir: string): string {
  const files = fs.readdirSync(dir);
  assert.equal(files.length, 1, `one file, no .part left: ${files.join(', ')}`);
  assert.match(files[0]!, FILE_NAME);
  return path.join(dir, files[0]!);
}

describe('shoal pcapdump', () => {
  it('writes the merged pcap of every worker through the service proxy: all packets, in time order, the file owner-only', async (t) => {
    const dir = freshDest('all');
    const run = await cluster.run('pcapdump', '--dest', dir);
    assert.equal(run.code, 0, describeRun(run));
    const file = written(dir);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.match(run.stderr, /^ {2}the hub through the API server's service proxy \(http:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/default\/services\/shoal-hub:8898\/proxy\/\)$/m);
    const closing = /^shoal pcapdump: wrote (\S+) \((\S+ \S+), 3 streams, everything held\) from (.+)\n$/.exec(run.stdout);
    assert.ok(closing !== null, run.stdout);
    assert.equal(closing[1], file);
    assert.equal(closing[2], formatBytes(fs.statSync(file).size));
    assert.deepEqual(closing[3]!.split(', ').sort(), ['node-a', 'node-b', 'node-c'], 'every worker, none left out');
    assert.equal(pcapRecords(fs.readFileSync(file)).length, ALL_PACKETS, 'every packet of the three connections, once');
    if (tsharkUnavailable() !== null) return t.skip(`${tsharkUnavailable()}: the file was parsed, not opened by tshark`);
    assertMergedPcap(file, [KEEP_ALIVE, GZIP, HEAD]);
  });

  it('-q keeps the streams of the matching entries only; --time keeps only that long ago', async (t) => {
    const dir = freshDest('filtered');
    const run = await cluster.run('pcapdump', '-q', 'status_code == 404', '--time', '10m', '--dest', dir);
    assert.equal(run.code, 0, describeRun(run));
    const file = written(dir);
    assert.match(run.stdout, /, 1 stream, the last 10m, filter 'status_code == 404'\) from /);
    assert.equal(pcapRecords(fs.readFileSync(file)).length, 16, 'the keep-alive connection\'s 16 packets');
    if (tsharkUnavailable() === null) assertMergedPcap(file, [KEEP_ALIVE]);

    // Every entry is older than a millisecond by now: nothing is in the window.
    fs.rmSync(dir, { recursive: true });
    const none = await cluster.run('pcapdump', '--time', '1ms', '--dest', dir);
    assert.equal(none.code, 0, describeRun(none));
    assert.equal(pcapRecords(fs.readFileSync(written(dir))).length, 0);
    assert.match(none.stdout, /, 0 streams, the last 1ms\) from .*\n {2}no stream matched: the file holds no packets\n/);
    if (tsharkUnavailable() !== null) t.diagnostic('tshark is not installed: the files were parsed only');
  });

  it('a filter the hub cannot compile: its error with the position, exit 2, nothing written', async () => {
    const dir = freshDest('bad-filter');
    const run = await cluster.run('pcapdump', '-q', 'status_code >= ', '--dest', dir);
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /^shoal pcapdump: bad filter at line 1, column 16: expected .*, found the end of the filter \(FLT_ERR_SYNTAX\)\n {2}status_code >= \n {17}\^\nSee docs\/filter\.md for the filter language \(CLI_ERR_USAGE\)/m);
    assert.deepEqual(fs.readdirSync(dir), [], 'no file, no .part');
  });

  it('goes through a port-forward to the hub\'s pod when the service proxy is forbidden', async (t) => {
    cluster.api.access.deny({ resource: 'services', subresource: 'proxy' });
    try {
      const dir = freshDest('port-forward');
      const run = await cluster.run('pcapdump', '--dest', dir);
      assert.equal(run.code, 0, describeRun(run));
      assert.match(run.stderr, /the service proxy did not serve the hub \(403 .*\); trying a port-forward\n {2}the hub through a port-forward to pod default\/shoal-hub-/);
      const file = written(dir);
      assert.equal(pcapRecords(fs.readFileSync(file)).length, ALL_PACKETS);
      if (tsharkUnavailable() === null) assert.equal(tsharkPackets(file).length, ALL_PACKETS);
      else t.diagnostic('tshark is not installed: the file was parsed only');
    } finally {
      cluster.api.access.reset();
    }
  });

  it('not installed in the namespace given: exit 3, CLI_ERR_NOT_FOUND', async () => {
    const run = await cluster.run('pcapdump', '-s', 'elsewhere', '--dest', freshDest('elsewhere'));
    assert.equal(run.code, 3, describeRun(run));
    assert.match(run.stderr, /Shoal is not installed in namespace elsewhere: install it with shoal tap \(or give its namespace with -s\) \(CLI_ERR_NOT_FOUND\)/);
  });

  /** An installation with the OIDC sign-in in namespace team, its hub Service served by this test's hub (once). */
  let oidcInstalled: Promise<void> | undefined;
  const installOidc = (): Promise<void> =>
    (oidcInstalled ??= (async () => {
      const settings = settingsFrom([
        'tap.release.namespace=team',
        'tap.auth.type=oidc',
        'tap.auth.oidc.issuer=https://login.example',
        'tap.auth.oidc.clientId=shoal',
        'tap.auth.oidc.clientSecret=s3cret',
        'tap.publicUrl=https://shoal.example',
        'tap.auth.roles=[{"name":"pay","groups":["pay-devs"],"namespaces":["pay"]}]',
      ]);
      cluster.api.put('namespaces', namespace('team'));
      // The same tokens as the hub this test runs, which then serves team's hub Service too.
      await install(cluster.kubeconfigPath, settings, releaseObjects(settings, tokens));
      hub.expose(cluster.api, 'team');
      assert.ok(cluster.api.get('configmaps', 'shoal-roles', 'team') !== undefined && cluster.api.get('secrets', 'shoal-sign-in', 'team') === undefined, 'an installation with the OIDC sign-in');
    })());

  it('with the OIDC sign-in installed it still reaches the hub with the hub token of the tokens Secret, as an admin: every packet', async () => {
    await installOidc();
    const dir = freshDest('oidc');
    const run = await cluster.run('pcapdump', '-s', 'team', '--dest', dir);
    assert.equal(run.code, 0, describeRun(run));
    assert.match(run.stderr, /the hub through the API server's service proxy \(.*\/namespaces\/team\/services\/shoal-hub:8898\/proxy\/\)/);
    assert.equal(pcapRecords(fs.readFileSync(written(dir))).length, ALL_PACKETS, 'not scoped to any role: the CLI is an admin');

    // The token is the Secret's: another one there, and the hub refuses it.
    const secret = cluster.api.get('secrets', 'shoal-tokens', 'team') as unknown as V1Secret;
    const wrong = { ...secret, data: { ...secret.data, 'hub-token': Buffer.from('not-the-hub-token').toString('base64') } };
    cluster.api.put('secrets', wrong as unknown as KubeObject);
    try {
      const refused = await cluster.run('pcapdump', '-s', 'team', '--dest', freshDest('oidc-wrong-token'));
      assert.equal(refused.code, 1, describeRun(refused));
      assert.match(refused.stderr, /the hub refused the token of Secret shoal-tokens \(HUB_ERR_UNAUTHORIZED\)/);
    } finally {
      cluster.api.put('secrets', secret as unknown as KubeObject);
    }
  });

  it('shoal proxy with the OIDC sign-in installed serves a dashboard of its own as an admin, through the API server with the hub token: every entry', async () => {
    await installOidc();
    const proxy = cluster.serve(['proxy', '-s', 'team', '--proxy-front-port', '0', '--headless']);
    try {
      const link = await proxy.printed(/shoal proxy: the dashboard on (http:\/\/\S+)/, 'the sign-in link');
      assert.match(proxy.stdout, /served here as an admin, with the hub's token from Secret shoal-tokens; the hub reached through the API server's service proxy/);
      assert.match(proxy.stdout, /the team signs in at https:\/\/shoal\.example through https:\/\/login\.example/);
      const session = await signIn(link);
      const viaProxy = await fetch(`${session.base}/api/entries?q=&limit=1000`, { headers: { cookie: session.cookie } });
      assert.equal(viaProxy.status, 200);
      const direct = await fetch(`http://127.0.0.1:${hub.hub.port}/entries?q=&limit=1000`, { headers: { authorization: `Bearer ${tokens.hub}` } });
      const ids = async (res: Response) => ((await res.json()) as { entries: { id: string }[] }).entries.map((e) => e.id).sort();
      const all = await ids(direct);
      assert.ok(all.length > 0);
      assert.deepEqual(await ids(viaProxy), all, 'every entry: not scoped to any role');
      assert.equal((await fetch(`${session.base}/api/entries?q=&limit=1000`)).status, 401, 'the local dashboard needs its own sign-in');
      // The live feed's WebSocket too, through the same way to the hub.
      const ws = new WebSocket(`${session.base.replace('http', 'ws')}/api/ws?q=`, { headers: { cookie: session.cookie, origin: session.base } });
      try {
        const ready = await new Promise<unknown>((resolve, reject) =>
          ws.on('message', (d) => {
            const m = JSON.parse(String(d)) as Record<string, unknown>;
            if ('ready' in m) resolve(m['ready']);
          }).on('error', reject),
        );
        assert.equal((ready as { filter: string }).filter, '');
      } finally {
        ws.close();
      }
    } finally {
      await proxy.stop();
    }
  });

  it('an installation made before the OIDC settings existed (its settings.json lacks them) is read with their defaults', async () => {
    const settings = settingsFrom(['tap.release.namespace=older']);
    const built = releaseObjects(settings, tokens);
    const config = built.find((b) => b.object.kind === 'ConfigMap' && b.object.metadata!.name === 'shoal-config')!.object as V1ConfigMap;
    const old = JSON.parse(config.data!['settings.json']!) as { tap: { auth: Record<string, unknown> } & Record<string, unknown> };
    delete old.tap.auth['oidc'];
    delete old.tap.auth['roles'];
    delete old.tap['publicUrl'];
    config.data!['settings.json'] = JSON.stringify(old) + '\n';
    cluster.api.put('namespaces', namespace('older'));
    await install(cluster.kubeconfigPath, settings, built);
    hub.expose(cluster.api, 'older');
    const dir = freshDest('older');
    const run = await cluster.run('pcapdump', '-s', 'older', '--dest', dir);
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(pcapRecords(fs.readFileSync(written(dir))).length, ALL_PACKETS);
  });

  it('a worker whose export stalls after the file started is named as cut short (the trailer, through the service proxy), exit 0', async () => {
    hub.stall('first-record');
    try {
      const dir = freshDest('stalled');
      const run = await cluster.run('pcapdump', '--dest', dir);
      assert.equal(run.code, 0, describeRun(run));
      assert.match(run.stdout, /, 3 streams, everything held\) from .*\n {2}cut short: node-c \(failed or stalled during the download: their later packets are missing\)\n$/);
      const file = written(dir);
      assert.equal(pcapRecords(fs.readFileSync(file)).length, 16 + 12 + 1, 'node-a\'s and node-b\'s packets, and node-c\'s first');
    } finally {
      hub.stall('none');
    }
  });

  it('a download the connection cuts in the middle: exit 1, the bytes it got, nothing written', async () => {
    const cutter = new StallingProxy(() => hub.hub.port);
    cutter.fault = 'cut';
    await cutter.start();
    cluster.api.exposeService('default', 'shoal-hub', 8898, { host: '127.0.0.1', port: cutter.port });
    try {
      const dir = freshDest('cut');
      const run = await cluster.run('pcapdump', '--dest', dir);
      assert.equal(run.code, 1, describeRun(run));
      assert.match(run.stderr, /^shoal pcapdump: the hub's pcap was cut after \d+ bytes \(.*\): the hub's log says why \(shoal logs\); nothing was written \(CLI_ERR_SERVER\)$/m);
      assert.deepEqual(fs.readdirSync(dir), [], 'no file, no .part');
    } finally {
      hub.expose(cluster.api);
      await cutter.close();
    }
  });

  it('Ctrl-C during the download: exit 1, nothing written, no .part left', async () => {
    // The hub's file stops after its first record and stays open: the download waits.
    const staller = new StallingProxy(() => hub.hub.port);
    staller.fault = 'first-record';
    await staller.start();
    cluster.api.exposeService('default', 'shoal-hub', 8898, { host: '127.0.0.1', port: staller.port });
    try {
      const dir = freshDest('interrupted');
      const run = cluster.serve(['pcapdump', '--dest', dir]);
      await waitFor('the first record on disk', () => fs.existsSync(dir) && fs.readdirSync(dir).some((f) => f.endsWith('.part') && fs.statSync(path.join(dir, f)).size > 24), { timeoutMs: 30_000, intervalMs: 50 });
      assert.equal(await run.stop(), 1, run.describe());
      assert.match(run.stderr, /^shoal pcapdump: stopped by SIGINT; nothing was written$/m);
      assert.deepEqual(fs.readdirSync(dir), []);
    } finally {
      hub.expose(cluster.api);
      await staller.close();
    }
  });

  it('a worker that is down is named as left out, and the others\' packets are written (exit 0)', async () => {
    await hub.stopWorker('node-c');
    const dir = freshDest('worker-down');
    const run = await cluster.run('pcapdump', '--dest', dir);
    assert.equal(run.code, 0, describeRun(run));
    assert.match(run.stdout, /, 2 streams, everything held\) from node-\w, node-\w\n {2}left out: node-c \(down, failed or too slow before the file started: their packets are missing\)\n$/);
    const file = written(dir);
    assert.equal(pcapRecords(fs.readFileSync(file)).length, 16 + 12);
    if (tsharkUnavailable() === null) assertMergedPcap(file, [KEEP_ALIVE, GZIP]);
  });
});
