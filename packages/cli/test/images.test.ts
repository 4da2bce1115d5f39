/**
 * The images run (issue 15). `make images`' recipe (deploy/images/build.mjs, keyed by its
 * inputs) builds shoal-worker, shoal-hub and shoal-front; podman runs the pods the builder makes
 * (`buildObjects`, what `shoal manifests` prints) with them, against the lab's pods (`shoal lab
 * up`: two nodes of network namespaces and the demo workload):
 *
 * - The worker's DaemonSet pod runs as a Deployment (kube play ignores DaemonSets; only the kind
 *   changes) on node-1: podman runs under `nsenter --net` of node-1's namespace, so the pod's host
 *   network is that node's, as a DaemonSet pod's is on its node. It captures the traffic of the
 *   node's pods with the capabilities the builder grants, the native addon loaded by Node 24.
 * - The hub and front Deployments (and the ConfigMap) run on node-2's network with `--network
 *   host`. In a cluster they have pod networks; podman's would need a CNI bridge, NAT and IP
 *   forwarding on this machine. A node's network keeps the machine as it is, and they are
 *   reached at node-2's address as pod IPs are reached from the nodes.
 * - There is no API server, no Service and no cluster DNS here: the hub is given the worker's
 *   address (`--workers`) and the lab's pods (`--inventory`, without their netns paths: what the
 *   Kubernetes watch tells) instead of `--kubernetes` and its `--worker-*` flags (and the
 *   ConfigMap's selection is PUT to it instead of `--targets-configmap`), and the front
 *   the hub's address instead of the Service's name. The rest of their arguments are the builder's.
 * - What podman 4.3 cannot run is changed in one place (helpers/podman-pods.ts) and the test
 *   asserts that the differences are exactly those: the tokens' projected volume becomes a podman
 *   secret of the same files; downward-API env becomes its values with `$(VAR)` expanded, as
 *   the kubelet does; container ports go (podman publishes them, which the host network refuses).
 * - The tokens Secrets are not played: kube play keeps a `kind: Secret` as a podman secret whose
 *   `stringData` its volumes ignore (they read `data`, without decoding it), so the pods' files
 *   would be empty. The test makes each podman secret itself, with the files the pod mounts.
 * - kube play turns liveness probes into healthchecks that need systemd and a shell with curl
 *   (none here, none in the images); the test asks the builder's probes itself, as the kubelet.
 * - The front answers to 127.0.0.1:8899, where `shoal proxy` or a port-forward puts it; Chromium
 *   runs in node-2's network namespace, where that address reaches the front's container.
 *
 * One lab and one set of pods for the file; the after hook removes every pod, volume, secret and
 * namespace made, by name, whatever happened. Needs root, podman, buildah, the lab's tools and
 * Debian's chromium; skipped otherwise.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { V1ConfigMap, V1Container, V1DaemonSet, V1Deployment, V1Secret } from '@kubernetes/client-node';
import { buildObjects, newClusterTokens, NON_ROOT_ID, objectYaml, settingsFrom, SHOAL_VERSION, type BuiltObject, type ShoalObject } from '@shoal/deploy';
import type { Browser } from 'playwright-core';
import { browserUnavailable, launchBrowser } from './helpers/browser.js';
import { askProbe } from './helpers/kubelet-probe.js';
import { fetchIdempotent, getJson, LiveFeed, type LabInventory } from './helpers/lab-api.js';
import { labUnavailable, leftovers, testLab, waitFor, type TestLab } from './helpers/lab-run.js';
import { inspect, podman, PodmanObjects, podmanUnavailable } from './helpers/podman.js';
import { asDeployment, differences, forPodman, projectedFiles, type PodFacts } from './helpers/podman-pods.js';
import { describeRun, REPO_ROOT, shoal } from './helpers/run-shoal.js';

const skip = labUnavailable() ?? podmanUnavailable() ?? browserUnavailable();

/** The worker's port: the lab's own workers hold 30001 on the nodes' addresses. */
const WORKER_PORT = 30101;
/** Where the hub's pod finds the lab's inventory (a read-only hostPath file). */
const INVENTORY_IN_POD = '/etc/shoal/inventory.json';
/**
 * The flags that read the Kubernetes API, with their values; `--kubernetes` has none. The
 * selection the hub would read from the ConfigMap (`--targets-configmap`) is PUT to it instead.
 */
const KUBERNETES_FLAGS = ['--worker-namespace', '--worker-selector', '--worker-port', '--targets-configmap'];

type Component = 'worker' | 'hub' | 'front';
const COMPONENTS: Component[] = ['worker', 'hub', 'front'];

interface ContainerInspect {
  Id: string;
  State: { Pid: number; Running: boolean };
  EffectiveCaps: string[] | null;
  HostConfig: { ReadonlyRootfs: boolean; Privileged: boolean; NetworkMode: string };
  Mounts: { Destination: string; RW: boolean; Type: string; Name?: string }[];
}

interface ImageInspect {
  Id: string;
  RepoTags: string[];
  Config: { User: string; Entrypoint: string[]; Env: string[]; Labels: Record<string, string> };
  RootFS: { Layers: string[] };
}

/** The capabilities the builder may grant, by their bit in /proc/PID/status (linux/capability.h). */
const CAPABILITY_BITS: Record<string, number> = { NET_ADMIN: 12, NET_RAW: 13, SYS_PTRACE: 19, SYS_ADMIN: 21, SYS_RESOURCE: 24, PERFMON: 38, BPF: 39 };

function statusField(pid: number | 'self', field: string): string {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  assert.ok(line !== undefined, `${field} in /proc/${pid}/status`);
  return line.slice(field.length + 1).trim();
}

/** The capabilities in a /proc/PID/status mask (CapEff, CapBnd), among those the builder may grant. */
function capabilitiesIn(mask: string): string[] {
  const bits = BigInt(`0x${mask}`);
  return Object.entries(CAPABILITY_BITS).filter(([, bit]) => (bits >> BigInt(bit)) & 1n).map(([name]) => name).sort();
}

/** The shared objects (.so, .node) a process has mapped, by their path in its container. */
function mappedLibraries(pid: number): string[] {
  const paths = fs.readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n').map((l) => l.split(/\s+/)[5] ?? '');
  return [...new Set(paths.filter((p) => /\.so(\.|$)|\.node$/.test(p)))].sort();
}

/** Every file of a tree, as image paths (/a/b). */
function filesUnder(root: string, dir = ''): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((d) => {
    const at = `${dir}/${d.name}`;
    return d.isDirectory() ? filesUnder(root, at) : [at];
  });
}

describe('the images run the builder\'s pods under podman, on the lab', { skip: skip ?? false, timeout: 600_000 }, () => {
  let lab: TestLab;
  let tmp = '';
  let inventory: LabInventory;
  let built: BuiltObject[] = [];
  const tokens = newClusterTokens();
  const made = new PodmanObjects();
  let browser: Browser | undefined;
  /** Per component: the builder's Deployment, what podman ran, its container, the lab node it runs on. */
  const pods = {} as Record<Component, { builder: V1Deployment; played: V1Deployment; container: string; node: string; ip: string }>;
  let daemonSet: V1DaemonSet;
  let hubUrl = '';
  let firstBuild = '';

  const find = <T extends ShoalObject>(kind: string, part: string): T => {
    const o = built.find((b) => b.object.kind === kind && b.object.metadata!.name === `${lab.prefix}-${part}`);
    assert.ok(o !== undefined, `${kind} ${lab.prefix}-${part}`);
    return o.object as T;
  };
  const node = (name: string) => inventory.nodes.find((n) => n.name === name)!;
  const facts = (name: string): PodFacts => ({ nodeName: name, nodeIp: node(name).ip, podIp: node(name).ip });
  const netns = (name: string) => `${lab.prefix}-${name}`;
  const builderContainer = (c: Component): V1Container => pods[c].builder.spec!.template.spec!.containers[0]!;
  const portOf = (c: Component, name: string): number => builderContainer(c).ports!.find((p) => p.name === name)!.containerPort;
  const logs = (c: Component) => {
    try {
      return `--- ${c}:\n${podman(['logs', '--tail', '15', pods[c].container])}`;
    } catch (err) {
      return `--- ${c}: ${(err as Error).message}`;
    }
  };
  const allLogs = () => COMPONENTS.filter((c) => pods[c] !== undefined).map(logs).join('\n');

  /** `make images`' recipe; its output. */
  const buildImages = async () => (await promisify(execFile)(process.execPath, ['deploy/images/build.mjs'], { cwd: REPO_ROOT, timeout: 600_000, maxBuffer: 16 << 20 })).stdout;

  /** A podman secret holding the files of the pod's projected `tokens` volume, under `name`. */
  function tokensSecret(deployment: V1Deployment, name: string): void {
    const volume = deployment.spec!.template.spec!.volumes!.find((v) => v.name === 'tokens')!;
    const secrets = built.filter((b) => b.object.kind === 'Secret').map((b) => b.object as V1Secret);
    const file = path.join(tmp, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify({ data: projectedFiles(volume, secrets) }), { mode: 0o600 });
    // kube play makes a volume of the secret's name for the pod: recorded to be removed too.
    made.add('secret', name);
    made.add('volume', name);
    podman(['secret', 'create', name, file]);
  }

  /** `podman kube play` of these objects on the network of lab node `nodeName`. */
  function play(objects: (V1Deployment | V1ConfigMap)[], nodeName: string): void {
    const file = path.join(tmp, `${nodeName}.yaml`);
    fs.writeFileSync(file, objects.map((object) => `---\n${objectYaml({ file: '', object })}`).join(''));
    for (const o of objects) if (o.kind === 'Deployment') made.add('pod', `${o.metadata!.name}-pod-0`);
    podman(['kube', 'play', '--network', 'host', file], netns(nodeName), 120_000);
  }

  /** The hub's arguments without the Kubernetes API: the worker's address and the lab's pods instead. */
  function withoutKubernetes(args: string[], workers: string): string[] {
    const kept = args.filter((a, i) => a !== '--kubernetes' && !KUBERNETES_FLAGS.includes(a) && !KUBERNETES_FLAGS.includes(args[i - 1] ?? ''));
    return [...kept, '--workers', workers, '--inventory', INVENTORY_IN_POD];
  }

  before(async () => {
    lab = await testLab('i', [4, 20]);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), `shoal-${lab.prefix}-images-`));
    firstBuild = await buildImages();

    const up = await shoal('lab', 'up', '--nodes', '2', ...lab.where, '--subnet-base', String(lab.base), '--hub-port', String(lab.hubPort), '--front-port', String(lab.frontPort), '--rate', '10', '--total', '10000', '--duration', '900');
    assert.equal(up.code, 0, describeRun(up));
    inventory = JSON.parse(fs.readFileSync(path.join(lab.stateDir, 'inventory.json'), 'utf8')) as LabInventory;

    built = buildObjects({ settings: settingsFrom([`tap.release.name=${lab.prefix}`, `tap.proxy.worker.srvPort=${WORKER_PORT}`]), tokens, version: SHOAL_VERSION });

    // The worker: its DaemonSet's pod on node-1.
    daemonSet = find<V1DaemonSet>('DaemonSet', 'worker');
    const worker = asDeployment(daemonSet);
    pods.worker = { builder: worker, played: forPodman(worker, `${lab.prefix}-worker-tokens`, facts('node-1')), container: `${lab.prefix}-worker-pod-0-sniffer`, node: 'node-1', ip: node('node-1').ip };
    tokensSecret(worker, `${lab.prefix}-worker-tokens`);
    play([pods.worker.played], 'node-1');

    // The hub and the front on node-2, with the lab's pods in a file the hub's pod mounts.
    const inventoryFile = path.join(tmp, 'inventory.json');
    fs.writeFileSync(inventoryFile, JSON.stringify({ ...inventory, pods: inventory.pods.map(({ netns: _netns, ...pod }) => pod) }), { mode: 0o644 });
    const hub = find<V1Deployment>('Deployment', 'hub');
    const hubPlayed = forPodman(hub, `${lab.prefix}-hub-tokens`, facts('node-2'));
    const hubSpec = hubPlayed.spec!.template.spec!;
    hubSpec.containers[0]!.args = withoutKubernetes(hubSpec.containers[0]!.args!, `node-1=${node('node-1').ip}:${WORKER_PORT}`);
    hubSpec.containers[0]!.volumeMounts!.push({ name: 'inventory', mountPath: INVENTORY_IN_POD, readOnly: true });
    hubSpec.volumes!.push({ name: 'inventory', hostPath: { path: inventoryFile, type: 'File' } });
    pods.hub = { builder: hub, played: hubPlayed, container: `${lab.prefix}-hub-pod-0-hub`, node: 'node-2', ip: node('node-2').ip };
    hubUrl = `http://${pods.hub.ip}:${portOf('hub', 'api')}`;
    const front = find<V1Deployment>('Deployment', 'front');
    const frontPlayed = forPodman(front, `${lab.prefix}-front-tokens`, facts('node-2'));
    const frontArgs = frontPlayed.spec!.template.spec!.containers[0]!.args!;
    frontArgs[frontArgs.indexOf('--hub') + 1] = hubUrl;
    pods.front = { builder: front, played: frontPlayed, container: `${lab.prefix}-front-pod-0-front`, node: 'node-2', ip: node('node-2').ip };
    tokensSecret(hub, `${lab.prefix}-hub-tokens`);
    tokensSecret(front, `${lab.prefix}-front-tokens`);
    play([find<V1ConfigMap>('ConfigMap', 'config'), hubPlayed, frontPlayed], 'node-2');

    // Ready as the kubelet would say, then the selection `shoal tap` gives the hub: the ConfigMap's.
    for (const c of COMPONENTS) {
      const container = builderContainer(c);
      await waitFor(`${c} ready`, async () => (await askProbe(container, container.readinessProbe!, pods[c].ip)) === 'ok', 60_000).catch((err: Error) => {
        throw new Error(`${err.message}\n${allLogs()}`);
      });
    }
    const targets = await fetchIdempotent(`${hubUrl}/targets`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${tokens.hub}`, 'content-type': 'application/json' },
      body: find<V1ConfigMap>('ConfigMap', 'config').data!['targets.json'],
      signal: AbortSignal.timeout(15_000),
    });
    assert.equal(targets.status, 200, await targets.text());
  });

  after(async () => {
    await browser?.close();
    const failed = made.removeAll();
    if (lab !== undefined) await shoal('lab', 'down', ...lab.where);
    if (tmp !== '') fs.rmSync(tmp, { recursive: true, force: true });
    assert.deepEqual(failed, [], 'every pod, volume and secret made is removed');
    if (lab !== undefined) {
      assert.deepEqual(leftovers(lab.prefix), []);
      assert.equal(podman(['pod', 'ps', '--quiet', '--filter', `name=${lab.prefix}-`]), '', 'no pod of this test is left');
    }
  });

  it('builds the three images from scratch: Node 24, no shell, a shared base layer, the version as tag; a second build with nothing changed does nothing', async () => {
    assert.match(await buildImages(), /^images up to date/, 'keyed by its inputs');
    const refs = COMPONENTS.map((c) => builderContainer(c).image!);
    assert.deepEqual(refs, COMPONENTS.map((c) => `localhost/shoal-${c}:${SHOAL_VERSION}`), 'the builder names the images `make images` tags');
    for (const ref of refs) assert.ok(firstBuild.includes(ref), `${ref} in: ${firstBuild}`);
    const images = refs.map((ref) => inspect<ImageInspect>(ref, 'image'));
    // The pods' users (the worker is root: capabilities go to root only), so that an image run without the pod spec runs as it would in the pod.
    const users = COMPONENTS.map((c) => builderContainer(c).securityContext?.runAsUser ?? pods[c].builder.spec!.template.spec!.securityContext!.runAsUser);
    assert.deepEqual(users, [0, NON_ROOT_ID, NON_ROOT_ID]);
    assert.deepEqual(images.map((i) => i.Config.User), users.map((u) => `${u}:${u}`));
    for (const image of images) {
      assert.deepEqual(image.Config.Entrypoint, ['/usr/local/bin/node', '/app/bin/shoal']);
      assert.equal(image.Config.Labels['org.opencontainers.image.version'], SHOAL_VERSION);
      assert.equal(image.RootFS.Layers.length, 2);
      assert.equal(image.RootFS.Layers[0], images[0]!.RootFS.Layers[0], 'one base layer (Node and its libraries) for all three');
    }
    for (const c of COMPONENTS) {
      assert.match(podman(['exec', pods[c].container, '/usr/local/bin/node', '--version']), /^v24\./, `${c}: Node 24`);
      assert.throws(() => podman(['exec', pods[c].container, '/bin/sh', '-c', 'true']), /no such file or directory|not found/, `${c}: no shell`);
    }
  });

  it('holds exactly the shared libraries its running process maps, and nothing to run but node', () => {
    for (const c of COMPONENTS) {
      const ref = builderContainer(c).image!;
      const pid = inspect<ContainerInspect>(pods[c].container).State.Pid;
      const root = podman(['image', 'mount', ref]);
      try {
        const files = filesUnder(root);
        const libraries = files.filter((f) => /^\/(lib|lib64|usr\/lib)\//.test(f));
        const addon = c === 'worker' ? ['/app/packages/capture/build/Release/shoal_capture.node'] : [];
        assert.deepEqual(mappedLibraries(pid), [...libraries, ...addon].sort(), `${c}: the libraries in the image are those its process maps`);
        assert.deepEqual(files.filter((f) => /^\/(bin|sbin|usr\/bin|usr\/sbin)\//.test(f) || /\/(sh|bash|dash|apt|apt-get|dpkg)$/.test(f)), [], `${c}: no shell, no package manager`);
        const executables = files.filter((f) => !libraries.includes(f) && fs.statSync(path.join(root, f)).mode & 0o111);
        assert.deepEqual(executables.filter((f) => !f.startsWith('/app/')), ['/usr/local/bin/node'], `${c}: nothing to run but node`);
      } finally {
        podman(['image', 'unmount', ref]);
      }
    }
  });

  it('runs the DaemonSet\'s pod changed in kind only, and every pod changed for podman only where podman cannot do what the kubelet does', () => {
    assert.deepEqual(differences(daemonSet.spec!.template, pods.worker.builder.spec!.template), [], 'the pod template is the DaemonSet\'s');
    assert.deepEqual(differences(daemonSet.metadata, pods.worker.builder.metadata), []);
    assert.equal(pods.worker.builder.kind, 'Deployment');

    const containerAt = 'spec.template.spec.containers.0';
    for (const c of COMPONENTS) {
      const { builder, played } = pods[c];
      const tokensAt = builder.spec!.template.spec!.volumes!.findIndex((v) => v.name === 'tokens');
      const changed = differences(builder, played);
      const expected = (at: string) =>
        at.startsWith(`spec.template.spec.volumes.${tokensAt}.`) ||
        at === `${containerAt}.ports` ||
        at.startsWith(`${containerAt}.env.`) ||
        at.startsWith(`${containerAt}.args.`) ||
        (c === 'hub' && (at.startsWith(`${containerAt}.volumeMounts.`) || at.startsWith('spec.template.spec.volumes.')));
      assert.deepEqual(changed.filter((at) => !expected(at)), [], `${c}: nothing else changed`);
      const pod = played.spec!.template.spec!;
      assert.deepEqual(pod.volumes![tokensAt], { name: 'tokens', secret: { secretName: `${lab.prefix}-${c}-tokens`, optional: false } });
      const downward = { NODE_NAME: pods[c].node, NODE_IP: pods[c].ip, POD_IP: pods[c].ip };
      for (const env of pod.containers[0]!.env ?? []) assert.deepEqual(env, { name: env.name, value: downward[env.name as keyof typeof downward] }, `${c}: ${env.name}`);
      // The builder's volumes and mounts are all there, the same; the hub's has the inventory more.
      assert.deepEqual(pod.volumes!.filter((v) => v.name !== 'tokens' && v.name !== 'inventory'), builder.spec!.template.spec!.volumes!.filter((v) => v.name !== 'tokens'));
      assert.deepEqual(pod.containers[0]!.volumeMounts!.filter((m) => m.name !== 'inventory'), builderContainer(c).volumeMounts);
      assert.deepEqual(pod.containers[0]!.securityContext, builderContainer(c).securityContext);
      assert.deepEqual(pod.securityContext, builder.spec!.template.spec!.securityContext);
      assert.equal(pod.hostNetwork, builder.spec!.template.spec!.hostNetwork);
    }
    const args = (c: Component) => pods[c].played.spec!.template.spec!.containers[0]!.args!;
    assert.deepEqual(args('worker'), builderContainer('worker').args!.map((a) => (a === '$(POD_IP)' ? node('node-1').ip : a)), 'the worker: $(POD_IP) expanded, nothing else');
    const hubArgs = builderContainer('hub').args!;
    const workerPort = hubArgs[hubArgs.indexOf('--worker-port') + 1];
    assert.equal(workerPort, String(WORKER_PORT), 'the worker port the hub was given is the builder\'s');
    assert.deepEqual(args('hub'), withoutKubernetes(hubArgs, `node-1=${node('node-1').ip}:${workerPort}`), 'the hub: the worker\'s address and the pods from a file instead of the API, nothing else');
    const frontArgs = builderContainer('front').args!;
    assert.deepEqual(args('front'), frontArgs.map((a, i) => (frontArgs[i - 1] === '--hub' ? hubUrl : a)), 'the front: the hub\'s address instead of the Service\'s name, nothing else');
  });

  it('runs each container with the builder\'s securityContext: its capabilities and no other, its user, a read-only root, no privilege gain, the default seccomp filter', () => {
    // Capabilities this machine's own processes lack cannot be granted (here SYS_RESOURCE, which
    // the eBPF backend only needs on kernels that count locked memory): the rest must be exact.
    const grantable = new Set(capabilitiesIn(statusField('self', 'CapBnd')));
    for (const c of COMPONENTS) {
      const security = builderContainer(c).securityContext!;
      const podSecurity = pods[c].builder.spec!.template.spec!.securityContext ?? {};
      const wanted = (security.capabilities?.add ?? []).filter((cap) => grantable.has(cap)).sort();
      assert.deepEqual(security.capabilities?.drop, ['ALL']);
      const ctr = inspect<ContainerInspect>(pods[c].container);
      assert.deepEqual([...(ctr.EffectiveCaps ?? [])].sort(), wanted.map((cap) => `CAP_${cap}`), `${c}: podman grants the builder's capabilities`);
      const pid = ctr.State.Pid;
      assert.deepEqual(capabilitiesIn(statusField(pid, 'CapEff')), wanted, `${c}: the process has them, and no other`);
      assert.equal(BigInt(`0x${statusField(pid, 'CapEff')}`) & ~wanted.reduce((m, cap) => m | (1n << BigInt(CAPABILITY_BITS[cap]!)), 0n), 0n, `${c}: not one more`);
      assert.equal(statusField(pid, 'Uid').split(/\s+/)[0], String(security.runAsUser ?? podSecurity.runAsUser), `${c}: its user`);
      assert.equal(ctr.HostConfig.ReadonlyRootfs, security.readOnlyRootFilesystem, `${c}: read-only root`);
      assert.equal(ctr.HostConfig.Privileged, false);
      assert.equal(statusField(pid, 'NoNewPrivs'), security.allowPrivilegeEscalation === false ? '1' : '0', `${c}: no privilege gain`);
      assert.equal(statusField(pid, 'Seccomp'), '2', `${c}: a seccomp filter (RuntimeDefault)`);
      assert.equal(ctr.HostConfig.NetworkMode, 'host');
    }
    const mounts = Object.fromEntries(inspect<ContainerInspect>(pods.worker.container).Mounts.map((m) => [m.Destination, m.RW]));
    assert.deepEqual(mounts, { '/var/run/secrets/shoal': false, '/var/lib/shoal/worker': true, '/hostproc': false, '/sys': false, '/sys/fs/bpf': true }, 'the worker: tokens, /proc and /sys read-only, its store and bpffs writable');
  });

  it('answers the builder\'s readiness and liveness probes as the kubelet asks them', async () => {
    for (const c of COMPONENTS) {
      const container = builderContainer(c);
      for (const probe of [container.readinessProbe!, container.livenessProbe!]) assert.equal(await askProbe(container, probe, pods[c].ip), 'ok', `${c}: ${JSON.stringify(probe)}\n${logs(c)}`);
    }
  });

  it('captures the lab pods\' traffic in the worker\'s container with the native addon under Node 24, and the hub streams it', async () => {
    const pid = inspect<ContainerInspect>(pods.worker.container).State.Pid;
    assert.equal(fs.readlinkSync(`/proc/${pid}/exe`), '/usr/local/bin/node', 'the worker is the image\'s Node');
    interface WorkerStatus { name: string; up: boolean; capture?: { backends: string[] }; packets?: { received: number }; store?: { entries: number } }
    const status = await waitFor('the worker capturing through the hub', async () => {
      const s = await getJson<{ workers: WorkerStatus[] }>(`${hubUrl}/status`, tokens.hub).catch(() => undefined);
      const w = s?.workers.find((x) => x.name === 'node-1');
      return w?.up === true && (w.packets?.received ?? 0) > 0 && (w.store?.entries ?? 0) > 0 ? w : undefined;
    }, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${allLogs()}`);
    });
    // 'any' outside a pod's namespace is AF_PACKET's (the eBPF backend attaches per interface): the addon's ring.
    assert.deepEqual(status.capture?.backends, ['af_packet']);
    assert.ok(mappedLibraries(pid).includes('/app/packages/capture/build/Release/shoal_capture.node'), 'the addon is loaded in the worker');

    const feed = new LiveFeed(hubUrl, 'http', tokens.hub);
    try {
      const call = await waitFor('the generator\'s call to the front pod on node-1, live from the hub', () => feed.since(0).find((e) => e.worker === 'node-1' && e.src.pod === 'traffic' && e.dst.pod === 'front'), 60_000);
      assert.equal(call.src.namespace, 'demo');
      assert.equal(call.dst.ip, inventory.pods.find((p) => p.name === 'front')!.ip);
    } finally {
      feed.close();
    }
  });

  it('serves the dashboard from the front\'s container: a token sign-in in Chromium, then live rows of the lab pods', async () => {
    // Chromium on node-2's network, where 127.0.0.1:8899 is the front's container (as a port-forward makes it).
    const wrapper = path.join(tmp, 'chromium-on-node-2');
    fs.writeFileSync(wrapper, `#!/bin/sh\nexec nsenter --net=/run/netns/${netns('node-2')} /usr/bin/chromium "$@"\n`, { mode: 0o755 });
    browser = await launchBrowser(wrapper);
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(30_000);
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(`http://127.0.0.1:${portOf('front', 'http')}/`);
    await page.getByTestId('sign-in').waitFor();
    const signIn = find<V1Secret>('Secret', 'sign-in').stringData!['sign-in-token']!;
    await page.getByTestId('sign-in-token').fill(signIn);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('1/1 workers up').waitFor();
    await waitFor('a row of the generator calling the front pod', async () => {
      const rows = await page.locator('.row[data-id]').evaluateAll((els) => els.map((el) => [...el.querySelectorAll('.endpoint')].map((e) => e.textContent ?? '').join(' → ')));
      return rows.includes('traffic → front');
    }, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${logs('front')}`);
    });
    assert.deepEqual(problems, []);
  });
});
