/**
 * The builder's objects as a whole: each valid against the API's schemas, labelled, wired to each
 * other (selectors, ports, names, flags), in a fixed order, and the same bytes for the same input.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { V1ConfigMap, V1Container, V1Ingress, V1NetworkPolicy, V1Secret, V1Service } from '@kubernetes/client-node';
import { buildObjects, manifest, objectsYaml, settingsFrom, SHOAL_VERSION } from '@shoal/deploy';
import { validateKubernetesObject } from '@shoal/testkit/k8s-validate';
import { build, CAPTURE_SETTINGS, deployment, objectsOf, one, podSpecs, TOKENS, VERSION, workerContainer, workerDaemonSet } from './helpers/build.js';

/** Settings that between them turn every optional object and branch on. */
const VARIANTS: string[][] = [
  [],
  ['tap.ingress.enabled=true', 'tap.ingress.host=shoal.example', 'tap.ingress.className=nginx', 'tap.ingress.tls=[{"hosts":["shoal.example"],"secretName":"shoal-cert"}]', 'tap.ingress.annotations={"a.example/b":"c"}'],
  ['tap.auth.enabled=false', 'tap.networkPolicies.enabled=false', 'tap.docker.imagePullSecrets=regcred,other', 'tap.tolerations.hub=[{"key":"k","operator":"Equal","value":"v","effect":"NoSchedule"}]', 'tap.nodeSelectorTerms.workers=[]'],
  ['tap.networkPolicies.apiServerCIDRs=10.0.0.0/24,fd00::/64', 'tap.release.name=capture', 'tap.release.namespace=tools', 'tap.resources.hub.limits.cpu=2', 'tap.resources.front.requests.memory='],
  ...CAPTURE_SETTINGS.map((c) => c.sets),
];

const SHOAL_LABELS = ['app.kubernetes.io/component', 'app.kubernetes.io/instance', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/name', 'app.kubernetes.io/part-of', 'app.kubernetes.io/version'];

describe('schema validation', () => {
  for (const sets of VARIANTS) {
    it(`every object validates against its kind's schema (${sets.join(' ') || 'defaults'})`, () => {
      for (const { object } of build(sets)) validateKubernetesObject(manifest(object));
    });
  }

  it('the validation does catch a wrong object (a port given as text)', () => {
    const dep = manifest(deployment(build(), 'shoal-hub')) as { kind: string; spec: { template: { spec: { containers: { ports: { containerPort: unknown }[] }[] } } } };
    dep.spec.template.spec.containers[0]!.ports[0]!.containerPort = '8898';
    assert.throws(() => validateKubernetesObject(dep), /containerPort/);
  });

  it('a misspelled field does not compile: the builder\'s objects are the client\'s typed models (tsc --strict)', () => {
    // kubernetes-models accepts unknown fields; the types do not. Were this field accepted,
    // the @ts-expect-error would itself fail the build.
    // @ts-expect-error: `readinesProbe` is not a field of V1Container
    const container: V1Container = { name: 'c', readinesProbe: {} };
    assert.equal(container.name, 'c');
  });

  it('the API\'s JSON names, not the client\'s model names (a NetworkPolicy rule\'s `from`)', () => {
    const policy = manifest(one<V1NetworkPolicy>(build(), 'NetworkPolicy', 'shoal-hub')) as { spec: { ingress: Record<string, unknown>[] } };
    assert.ok('from' in policy.spec.ingress[0]!);
    assert.ok(!JSON.stringify(policy).includes('"_'), 'no client-only field name');
  });
});

describe('labels', () => {
  for (const sets of VARIANTS.slice(0, 4)) {
    it(`app.kubernetes.io/* on every object and pod template (${sets.join(' ') || 'defaults'})`, () => {
      const built = build(sets);
      for (const o of objectsOf(built)) {
        assert.deepEqual(Object.keys(o.metadata!.labels!).sort(), SHOAL_LABELS, `${o.kind} ${o.metadata!.name}`);
        assert.equal(o.metadata!.labels!['app.kubernetes.io/version'], VERSION);
      }
      for (const [name, pod] of podSpecs(built)) assert.ok(pod.containers.length > 0, name);
      for (const o of objectsOf(built)) {
        if (o.kind !== 'Deployment' && o.kind !== 'DaemonSet') continue;
        const spec = (o as { spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> } } } }).spec;
        assert.deepEqual(Object.keys(spec.template.metadata.labels).sort(), SHOAL_LABELS);
        for (const [k, v] of Object.entries(spec.selector.matchLabels)) assert.equal(spec.template.metadata.labels[k], v, `${o.metadata!.name}: the selector picks its own pods`);
        assert.ok(!('app.kubernetes.io/version' in spec.selector.matchLabels), 'the selector survives an upgrade');
      }
    });
  }

  it('managed-by says who applied them: shoal by default, the chart says Helm', () => {
    for (const o of objectsOf(build())) assert.equal(o.metadata!.labels!['app.kubernetes.io/managed-by'], 'shoal');
    const helm = buildObjects({ settings: settingsFrom([]), tokens: TOKENS, version: VERSION, managedBy: 'Helm' });
    for (const o of objectsOf(helm)) assert.equal(o.metadata!.labels!['app.kubernetes.io/managed-by'], 'Helm');
  });
});

describe('wiring', () => {
  it('each Service selects the pods of its component and targets a named port they have', () => {
    const built = build();
    const pods = podSpecs(built);
    const podLabels = new Map(objectsOf(built).filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet').map((o) => [o.metadata!.name!, (o as { spec: { template: { metadata: { labels: Record<string, string> } } } }).spec.template.metadata.labels]));
    const services = objectsOf(built).filter((o): o is V1Service => o.kind === 'Service');
    assert.deepEqual(services.map((s) => s.metadata!.name).sort(), ['shoal-front', 'shoal-hub', 'shoal-hub-metrics', 'shoal-worker-metrics']);
    for (const svc of services) {
      const matching = [...podLabels].filter(([, labels]) => Object.entries(svc.spec!.selector!).every(([k, v]) => labels[k] === v));
      assert.equal(matching.length, 1, `${svc.metadata!.name} selects one workload`);
      const pod = pods.get(matching[0]![0])!;
      for (const port of svc.spec!.ports!) assert.ok(pod.containers.some((c) => c.ports!.some((p) => p.name === port.targetPort)), `${svc.metadata!.name}: targetPort ${String(port.targetPort)}`);
    }
  });

  it('the hub finds the worker pods by their labels, at their port, with their token', () => {
    const built = build(['tap.proxy.worker.srvPort=31000', 'tap.release.namespace=tools']);
    const args = deployment(built, 'shoal-hub').spec!.template.spec!.containers[0]!.args!;
    const flag = (name: string): string => args[args.indexOf(name) + 1]!;
    assert.ok(args.includes('--kubernetes'));
    const selector = Object.fromEntries(flag('--worker-selector').split(',').map((kv) => kv.split('=') as [string, string]));
    const workerLabels = workerDaemonSet(built).spec!.template.metadata!.labels!;
    for (const [k, v] of Object.entries(selector)) assert.equal(workerLabels[k], v);
    assert.equal(flag('--worker-namespace'), 'tools');
    assert.equal(flag('--worker-port'), '31000');
    const workerArgs = workerContainer(built).args!;
    assert.equal(workerArgs[workerArgs.indexOf('--port') + 1], '31000');
    assert.equal(workerContainer(built).ports![0]!.hostPort, 31000, 'host network: the port is the node\'s');
    assert.equal(flag('--host'), '0.0.0.0');
  });

  it('the tokens: each pod mounts the keys it uses, from the Secrets that hold them', () => {
    const built = build();
    const secrets = new Map(objectsOf(built).filter((o): o is V1Secret => o.kind === 'Secret').map((s) => [s.metadata!.name!, s.stringData!]));
    const expected: Record<string, Record<string, string>> = {
      'shoal-hub': { '--token-file': TOKENS.hub, '--worker-token-file': TOKENS.worker },
      'shoal-front': { '--hub-token-file': TOKENS.hub, '--token-file': TOKENS.signIn },
      'shoal-worker': { '--token-file': TOKENS.worker },
    };
    for (const [name, pod] of podSpecs(built)) {
      const c = pod.containers[0]!;
      const mount = c.volumeMounts!.find((m) => m.name === 'tokens')!;
      assert.equal(mount.readOnly, true);
      const sources = pod.volumes!.find((v) => v.name === 'tokens')!.projected!.sources!;
      const files = new Map(sources.flatMap((s) => s.secret!.items!.map((i) => [`${mount.mountPath}/${i.path}`, secrets.get(s.secret!.name!)![i.key]!])));
      const wanted = expected[name]!;
      assert.equal(files.size, Object.keys(wanted).length, `${name} mounts no token it does not use`);
      for (const [flag, token] of Object.entries(wanted)) assert.equal(files.get(c.args![c.args!.indexOf(flag) + 1]!), token, `${name} ${flag}`);
    }
  });

  it('tokens come from the input only: none in the settings, the arguments or any other object', () => {
    const other = { worker: 'w-other-token-xyz', hub: 'h-other-token-xyz', signIn: 's-other-token-xyz', identity: 'i-other-key-xyz' };
    const a = build([], TOKENS);
    const b = build([], other);
    for (let i = 0; i < a.length; i++) {
      const ta = JSON.stringify(manifest(a[i]!.object));
      const tb = JSON.stringify(manifest(b[i]!.object));
      if (a[i]!.object.kind === 'Secret') {
        assert.notEqual(ta, tb);
        continue;
      }
      assert.equal(ta, tb, `${a[i]!.file} does not depend on the tokens`);
      for (const token of Object.values(TOKENS)) assert.ok(!ta.includes(token), `${a[i]!.file} holds no token`);
    }
  });

  it('the front reaches the hub\'s Service, signs users in (or is told not to), and knows its public URL', () => {
    const hubService = (built: ReturnType<typeof build>) => one<V1Service>(built, 'Service', 'shoal-hub');
    const args = (built: ReturnType<typeof build>) => deployment(built, 'shoal-front').spec!.template.spec!.containers[0]!.args!;
    const plain = build(['tap.proxy.hub.srvPort=9000']);
    assert.equal(args(plain)[args(plain).indexOf('--hub') + 1], `http://${hubService(plain).metadata!.name}.default.svc:9000`);
    assert.equal(hubService(plain).spec!.ports![0]!.port, 9000);
    assert.ok(!args(plain).includes('--sign-in') && !args(plain).includes('--public-url'));
    const open = build(['tap.auth.enabled=false']);
    assert.deepEqual(args(open).slice(args(open).indexOf('--sign-in'), args(open).indexOf('--sign-in') + 3), ['--sign-in', 'none', '--allow-unauthenticated']);
    assert.ok(!objectsOf(open).some((o) => o.metadata!.name === 'shoal-sign-in'), 'no sign-in Secret without a sign-in');
    const https = build(['tap.ingress.enabled=true', 'tap.ingress.host=shoal.example', 'tap.ingress.tls=[{"hosts":["shoal.example"],"secretName":"c"}]']);
    assert.equal(args(https)[args(https).indexOf('--public-url') + 1], 'https://shoal.example');
    const http = build(['tap.ingress.enabled=true', 'tap.ingress.host=shoal.example']);
    assert.equal(args(http)[args(http).indexOf('--public-url') + 1], 'http://shoal.example');
    const ingress = one<V1Ingress>(http, 'Ingress');
    const rule = ingress.spec!.rules![0]!;
    assert.equal(rule.host, 'shoal.example');
    assert.deepEqual(rule.http!.paths[0]!.backend.service, { name: 'shoal-front', port: { name: 'http' } });
  });

  it('the hub\'s NetworkPolicy admits the front\'s pods and the listed CIDRs, on the hub\'s port only', () => {
    const built = build(['tap.networkPolicies.apiServerCIDRs=10.1.0.0/16']);
    const policy = one<V1NetworkPolicy>(built, 'NetworkPolicy', 'shoal-hub');
    const frontLabels = deployment(built, 'shoal-front').spec!.template.metadata!.labels!;
    const hubLabels = deployment(built, 'shoal-hub').spec!.template.metadata!.labels!;
    for (const [k, v] of Object.entries(policy.spec!.podSelector.matchLabels!)) assert.equal(hubLabels[k], v);
    assert.deepEqual(policy.spec!.policyTypes, ['Ingress']);
    const [fromFront, fromCidrs] = policy.spec!.ingress!;
    for (const [k, v] of Object.entries(fromFront!._from![0]!.podSelector!.matchLabels!)) assert.equal(frontLabels[k], v);
    assert.deepEqual(fromCidrs!._from, [{ ipBlock: { cidr: '10.1.0.0/16' } }]);
    for (const rule of policy.spec!.ingress!) assert.deepEqual(rule.ports, [{ protocol: 'TCP', port: 8898 }]);
    assert.equal(one<V1NetworkPolicy>(build(), 'NetworkPolicy', 'shoal-hub').spec!.ingress!.length, 1, 'no CIDR rule without CIDRs');
  });

  it('the ConfigMap holds the hub\'s target selection in the shape of its PUT /targets', () => {
    const config = one<V1ConfigMap>(build(['tap.regex=^front-.*', 'tap.namespaces=shop,pay', 'tap.excludedNamespaces=kube-system']), 'ConfigMap');
    assert.deepEqual(JSON.parse(config.data!['targets.json']!), { podRegex: '^front-.*', namespaces: ['shop', 'pay'], excludedNamespaces: ['kube-system'] });
    assert.equal(JSON.parse(config.data!['settings.json']!).tap.regex, '^front-.*');
  });

  it('images: <registry>/shoal-<component>:<tag>, the tag being the version unless set; never latest', () => {
    const images = (sets: string[]) => [...podSpecs(build(sets)).values()].map((p) => p.containers[0]!.image).sort();
    assert.deepEqual(images([]), ['localhost/shoal-front:9.8.7', 'localhost/shoal-hub:9.8.7', 'localhost/shoal-worker:9.8.7']);
    assert.deepEqual(images(['tap.docker.registry=registry.example/team/', 'tap.docker.tag=abc']), ['registry.example/team/shoal-front:abc', 'registry.example/team/shoal-hub:abc', 'registry.example/team/shoal-worker:abc']);
  });
});

describe('order and determinism', () => {
  it('files numbered in install order, the same number for an object whether or not others are built', () => {
    const all = build(['tap.ingress.enabled=true', 'tap.ingress.host=shoal.example']).map((b) => b.file);
    const fewer = build(['tap.auth.enabled=false', 'tap.networkPolicies.enabled=false']).map((b) => b.file);
    assert.deepEqual(all, [...all].sort(), 'numbers rise in order');
    assert.equal(new Set(all).size, all.length);
    for (const f of fewer) assert.ok(all.includes(f), `${f} keeps its number`);
    assert.deepEqual(all.slice(0, 3), ['01-hub-service-account.yaml', '02-worker-service-account.yaml', '03-cluster-role.yaml']);
    const kinds = build().map((b) => b.object.kind);
    assert.ok(kinds.indexOf('Secret') < kinds.indexOf('Deployment') && kinds.indexOf('ConfigMap') < kinds.indexOf('Deployment'), 'what pods mount comes before the pods');
    assert.ok(kinds.indexOf('ServiceAccount') < kinds.indexOf('Deployment') && kinds.indexOf('ClusterRoleBinding') < kinds.indexOf('Deployment'));
  });

  it('the same input gives the same bytes', () => {
    for (const sets of VARIANTS) assert.equal(objectsYaml(build(sets)), objectsYaml(build(sets)), sets.join(' '));
  });

  it('YAML that kubectl (YAML 1.1) reads as meant: yes/no/on/y and octal-looking strings quoted', () => {
    const text = objectsYaml(build(['tap.release.namespace=y', 'tap.ingress.enabled=true', 'tap.ingress.host=on', 'tap.ingress.annotations={"a":"no","b":"0755"}']));
    assert.match(text, /namespace: "y"/);
    assert.match(text, /host: "on"/);
    assert.match(text, /a: "no"/);
    assert.match(text, /b: "0755"/);
    assert.doesNotMatch(text, /(:|-) [&*][\w-]+$/m, 'no YAML anchors or aliases');
  });
});

describe('version', () => {
  it('the package\'s version is the project\'s', () => {
    const root = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(SHOAL_VERSION, root.version);
  });
});
