/**
 * The Helm chart (deploy/chart) installs the builder's objects: `helm template` with the chart's
 * defaults, and with values that turn every branch, equals buildObjects with the same settings and
 * the same release name and namespace, object for object and field for field, each from the
 * template file of the builder's file name. `helm lint` passes; kubectl reads the output. All with
 * the real helm (v4) and kubectl of `make tools`, offline. The tokens are the one difference: the
 * chart makes them at install and keeps them on upgrade (lookup), and `helm template` has no
 * cluster, so their values alone are blanked before comparing. That an upgrade keeps them is shown
 * with `--dry-run=server` against a loopback stand-in answering the reads Helm makes (no API
 * server can run here).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { helmPath, runHelm } from '@shoal/testkit/helm';
import { validateKubernetesObject } from '@shoal/testkit/k8s-validate';
import { kubectlDryRun, kubectlPath } from '@shoal/testkit/kubectl';
import { builderObjects, byFile, CHART_DIR, helmArgs, helmTemplate, identityKeysOf, tokensOf, withoutTokens, type Rendered, type Values } from './helpers/chart.js';
import { withInstalledSecrets } from './helpers/installed-secrets.js';

/** Between them, every optional object and every branch of the templates, on and off. */
const VARIANTS: { name: string; release: string; namespace: string; values: Values }[] = [
  { name: 'the defaults', release: 'shoal', namespace: 'default', values: {} },
  { name: 'the defaults, another release and namespace', release: 'capture', namespace: 'tools', values: {} },
  {
    name: 'regex, namespaces, ports, store, TLS, libpcap-free capture, resources, ingress with TLS, no sign-in, registry and tag, tolerations, node terms, CIDRs',
    release: 'team-shoal',
    namespace: 'observability',
    values: {
      'tap.regex': '^(front|cart)-[a-z0-9]+$',
      'tap.namespaces': ['shop', 'pay'],
      'tap.excludedNamespaces': ['kube-system'],
      'tap.proxy.worker.srvPort': 31000,
      'tap.proxy.hub.srvPort': 9000,
      'tap.proxy.front.port': 9999,
      'tap.proxy.host': '0.0.0.0',
      'tap.storageLimit': '1.5Gi',
      'tap.tls': true,
      'tap.packetCapture': 'af_packet',
      'tap.resources.sniffer.limits.cpu': '2',
      'tap.resources.sniffer.requests.memory': '',
      'tap.resources.hub.limits.memory': '',
      'tap.resources.hub.requests.cpu': '',
      'tap.resources.hub.requests.memory': '',
      'tap.resources.front.limits.memory': '512Mi',
      'tap.tolerations.hub': [{ key: 'dedicated', operator: 'Equal', value: 'tools', effect: 'NoSchedule', tolerationSeconds: 30 }],
      'tap.tolerations.workers': [],
      'tap.nodeSelectorTerms.workers': [{ matchExpressions: [{ key: 'shoal.example/capture', operator: 'Exists' }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1', 'n2'] }] }],
      'tap.nodeSelectorTerms.front': [],
      'tap.ingress.enabled': true,
      'tap.ingress.className': 'nginx',
      'tap.ingress.host': 'shoal.example',
      'tap.ingress.path': '/shoal',
      'tap.ingress.tls': [{ hosts: ['shoal.example'], secretName: 'shoal-cert' }],
      'tap.ingress.annotations': { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600', 'a.example/b': 'on' },
      'tap.docker.registry': 'registry.example/team/',
      'tap.docker.tag': 'abc123',
      'tap.docker.imagePullPolicy': 'Always',
      'tap.docker.imagePullSecrets': ['regcred', 'other'],
      'tap.auth.enabled': false,
      'tap.networkPolicies.apiServerCIDRs': ['10.0.0.0/24', 'fd00::/64'],
      logLevel: 'debug',
    },
  },
  {
    name: 'eBPF only, no network policies, an Ingress without TLS, strings YAML 1.1 would misread, JSON-escaped characters',
    release: 'y',
    namespace: 'on',
    values: {
      'tap.regex': 'a<b>&"c\\d,é',
      'tap.packetCapture': 'ebpf',
      'tap.storageLimit': '16Mi',
      'tap.networkPolicies.enabled': false,
      'tap.ingress.enabled': true,
      'tap.ingress.host': 'no',
      'tap.ingress.tls': [{ hosts: ['other.example'] }],
      'tap.docker.tag': '0755',
      'tap.nodeSelectorTerms.hub': [{}],
      'tap.resources.tracer.limits.cpu': '500m',
    },
  },
  {
    name: 'the OIDC sign-in: a client secret of the values, roles, other scopes and groups claim, the Ingress\'s https URL',
    release: 'team-shoal',
    namespace: 'observability',
    values: {
      'tap.auth.type': 'oidc',
      'tap.auth.oidc.issuer': 'https://login.example/realms/team',
      'tap.auth.oidc.clientId': 'shoal-dashboard',
      'tap.auth.oidc.clientSecret': 'the-client-secret',
      'tap.auth.oidc.scopes': ['openid', 'email', 'groups'],
      'tap.auth.oidc.groupsClaim': 'roles',
      'tap.auth.roles': [
        { name: 'shop-devs', groups: ['shop-devs'], users: ['alice@example.test'], namespaces: ['shop'], admin: false },
        { name: 'ops', groups: ['ops'], namespaces: ['*'], admin: true },
        { name: 'pay', users: ['bob'], namespaces: ['pay', 'pay-staging'] },
      ],
      'tap.ingress.enabled': true,
      'tap.ingress.host': 'shoal.example',
      'tap.ingress.tls': [{ hosts: ['shoal.example'], secretName: 'shoal-cert' }],
    },
  },
  {
    name: 'the OIDC sign-in: the client secret from a Secret of the cluster\'s (clientSecretRef), tap.publicUrl without an Ingress, no network policies',
    release: 'shoal',
    namespace: 'default',
    values: {
      'tap.auth.type': 'oidc',
      'tap.auth.oidc.issuer': 'https://idp.example',
      'tap.auth.oidc.clientId': 'shoal',
      'tap.auth.oidc.clientSecretRef.name': 'idp-client',
      'tap.auth.oidc.clientSecretRef.key': 'secret.txt',
      'tap.auth.roles': [{ name: 'all', groups: ['devs'], namespaces: ['*'] }],
      'tap.publicUrl': 'https://shoal.internal.example:8443',
      'tap.networkPolicies.enabled': false,
    },
  },
  {
    name: 'the OIDC sign-in as a public client (no client secret); OIDC values with the sign-in off change nothing but settings.json',
    release: 'shoal',
    namespace: 'default',
    values: {
      'tap.auth.type': 'oidc',
      'tap.auth.oidc.issuer': 'http://dex.tools.svc:5556/dex',
      'tap.auth.oidc.clientId': 'shoal',
      'tap.auth.roles': [{ name: 'all', users: ['alice'], namespaces: ['shop'] }],
      'tap.publicUrl': 'http://127.0.0.1:8899',
    },
  },
  {
    name: 'libpcap, an empty Ingress TLS list, the store in decimal units',
    release: 'shoal',
    namespace: 'default',
    values: { 'tap.packetCapture': 'libpcap', 'tap.storageLimit': '1G', 'tap.ingress.enabled': true, 'tap.ingress.host': 'shoal.example', 'tap.ingress.tls': [] },
  },
];

describe('helm template equals the builder', () => {
  for (const v of VARIANTS) {
    it(`${v.name}: the same objects, field for field, from templates of the builder's file names, each valid for its kind`, async (t) => {
      const helm = helmPath();
      if (helm === undefined) return t.skip('no helm in .tools/bin (make tools fetches it)');
      const { rendered } = await helmTemplate(helm, v.release, v.namespace, helmArgs(v.values));
      const expected = builderObjects(v.release, v.namespace, v.values);
      assert.deepEqual(byFile(rendered).map((r) => r.file), expected.map((e) => e.file), 'the same files');
      const chart = withoutTokens(byFile(rendered));
      const builder = withoutTokens(expected);
      for (let i = 0; i < builder.length; i++) assert.deepEqual(chart[i], builder[i], builder[i]!.file);
      for (const r of rendered) validateKubernetesObject(r.object);
    });
  }

  it('the tokens: 43 random letters and digits each (about 256 bits), the identity key 64, new on every install', async (t) => {
    const helm = helmPath();
    if (helm === undefined) return t.skip('no helm in .tools/bin (make tools fetches it)');
    const [a, b] = await Promise.all([helmTemplate(helm, 'shoal', 'default', []), helmTemplate(helm, 'shoal', 'default', [])]);
    const keys = [...identityKeysOf(a.rendered), ...identityKeysOf(b.rendered)];
    const tokens = [...tokensOf(a.rendered), ...tokensOf(b.rendered)].filter((token) => !keys.includes(token));
    assert.equal(tokens.length, 6, 'hub, worker and sign-in tokens, twice');
    for (const token of tokens) assert.match(token, /^[A-Za-z0-9]{43}$/);
    assert.equal(keys.length, 2, 'an identity key in each');
    for (const key of keys) assert.match(key, /^[A-Za-z0-9]{64}$/);
    assert.equal(new Set([...tokens, ...keys]).size, 8, 'no token repeats');
  });

  it('an upgrade keeps the installed tokens: lookup reads them back from the Secrets (helm template --dry-run=server)', async (t) => {
    const helm = helmPath();
    if (helm === undefined) return t.skip('no helm in .tools/bin (make tools fetches it)');
    const installed = { 'capture-tokens': { 'hub-token': 'installed-hub-token', 'worker-token': 'installed-worker-token', 'identity-key': 'installed-identity-key' }, 'capture-sign-in': { 'sign-in-token': 'installed-sign-in-token' } };
    const secrets = (rendered: Rendered[]) => Object.fromEntries(rendered.filter((r) => r.object['kind'] === 'Secret').map((r) => [(r.object['metadata'] as { name: string }).name, r.object['stringData']]));
    const upgraded = await withInstalledSecrets('capture', 'tools', installed, (kubeconfig) =>
      helmTemplate(helm, 'capture', 'tools', ['--dry-run=server', '--disable-openapi-validation', '--kubeconfig', kubeconfig]),
    );
    assert.deepEqual(secrets(upgraded.rendered), installed);
    assert.deepEqual(withoutTokens(byFile(upgraded.rendered)), withoutTokens(builderObjects('capture', 'tools', {})), 'nothing else differs');
    // A Secret not there yet (the sign-in turned on later) gets a new token; the other keeps its own.
    // A key not there yet (an installation from before the identity key) is made; the others are kept.
    const before = { 'hub-token': 'installed-hub-token', 'worker-token': 'installed-worker-token' };
    const partly = await withInstalledSecrets('capture', 'tools', { 'capture-tokens': before }, (kubeconfig) =>
      helmTemplate(helm, 'capture', 'tools', ['--dry-run=server', '--disable-openapi-validation', '--kubeconfig', kubeconfig]),
    );
    const { 'identity-key': made, ...kept } = secrets(partly.rendered)['capture-tokens'] as Record<string, string>;
    assert.deepEqual(kept, before);
    assert.match(made!, /^[A-Za-z0-9]{64}$/);
    assert.match((secrets(partly.rendered)['capture-sign-in'] as Record<string, string>)['sign-in-token']!, /^[A-Za-z0-9]{43}$/);
  });

  it('the OIDC client secret of the values is in its Secret (the comparison above blanks Secrets), and nowhere else', async (t) => {
    const helm = helmPath();
    if (helm === undefined) return t.skip('no helm in .tools/bin (make tools fetches it)');
    const oidc = VARIANTS.find((v) => v.values['tap.auth.oidc.clientSecret'] !== undefined)!;
    const { rendered } = await helmTemplate(helm, oidc.release, oidc.namespace, helmArgs(oidc.values));
    const holding = rendered.filter((r) => JSON.stringify(r.object).includes('the-client-secret')).map((r) => r.file);
    assert.deepEqual(holding, ['10-oidc-secret.yaml']);
    const secret = rendered.find((r) => r.file === '10-oidc-secret.yaml')!.object as { stringData: Record<string, string> };
    assert.deepEqual(secret.stringData, { 'client-secret': 'the-client-secret' });
  });

  it('the release\'s name and namespace are Helm\'s: tap.release.* in the values change nothing', async (t) => {
    const helm = helmPath();
    if (helm === undefined) return t.skip('no helm in .tools/bin (make tools fetches it)');
    const given = await helmTemplate(helm, 'capture', 'tools', ['--set', 'tap.release.name=other', '--set', 'tap.release.namespace=elsewhere']);
    assert.deepEqual(withoutTokens(byFile(given.rendered)), withoutTokens(builderObjects('capture', 'tools', {})));
  });

  it('a difference in one field is found (the comparison can fail)', async (t) => {
    const helm = helmPath();
    if (helm === undefined) return t.skip('no helm in .tools/bin (make tools fetches it)');
    const { rendered } = await helmTemplate(helm, 'shoal', 'default', ['--set', 'tap.proxy.hub.srvPort=9000']);
    assert.notDeepEqual(withoutTokens(byFile(rendered)), withoutTokens(builderObjects('shoal', 'default', {})));
  });
});

describe('helm lint', () => {
  for (const v of VARIANTS) {
    it(`passes: ${v.name}`, async (t) => {
      const helm = helmPath();
      if (helm === undefined) return t.skip('no helm in .tools/bin (make tools fetches it)');
      const r = await runHelm(helm, ['lint', '--strict', CHART_DIR, '--namespace', v.namespace, ...helmArgs(v.values)]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });
  }
});

describe('kubectl reads the rendered objects', () => {
  for (const v of VARIANTS) {
    it(`kubectl create --dry-run=client takes ${v.name}, each object as rendered`, async (t) => {
      const helm = helmPath();
      const kubectl = kubectlPath();
      if (helm === undefined || kubectl === undefined) return t.skip('no helm or kubectl in .tools/bin (make tools fetches them)');
      const { yaml, rendered } = await helmTemplate(helm, v.release, v.namespace, helmArgs(v.values));
      const dry = await kubectlDryRun(kubectl, yaml);
      assert.equal(dry.code, 0, `kubectl: ${dry.stderr}`);
      assert.deepEqual(dry.objects, rendered.map((r) => r.object));
    });
  }
});

describe('NOTES.txt', () => {
  it('says how to open the dashboard and where the sign-in token is, naming objects the chart made', async (t) => {
    const helm = helmPath();
    if (helm === undefined) return t.skip('no helm in .tools/bin (make tools fetches it)');
    const r = await runHelm(helm, ['install', 'capture', CHART_DIR, '--namespace', 'tools', '--dry-run=client']);
    assert.equal(r.code, 0, r.stderr);
    const notes = r.stdout.slice(r.stdout.indexOf('NOTES:'));
    const rendered = (await helmTemplate(helm, 'capture', 'tools', [])).rendered.map((x) => x.object as { kind: string; metadata: { name: string }; spec?: { ports?: { port: number }[] }; stringData?: Record<string, string> });
    const port = /kubectl port-forward -n tools service\/(\S+) 8899:(\d+)/.exec(notes);
    assert.ok(port !== null, notes);
    const service = rendered.find((o) => o.kind === 'Service' && o.metadata.name === port[1]);
    assert.ok(service?.spec?.ports?.some((p) => p.port === Number(port[2])), `the Service ${port[1]} has port ${port[2]}`);
    const secret = /kubectl get secret -n tools (\S+) -o jsonpath='\{\.data\.([a-z-]+)\}' \| base64 -d/.exec(notes);
    assert.ok(secret !== null, notes);
    assert.ok(rendered.find((o) => o.kind === 'Secret' && o.metadata.name === secret[1])?.stringData?.[secret[2]!] !== undefined, `the Secret ${secret[1]} holds ${secret[2]}`);
    assert.match(notes, /shoal proxy --set tap\.release\.name=capture --set tap\.release\.namespace=tools/);
  });

  it('without the sign-in it says the dashboard is open; with an Ingress it gives its URL', async (t) => {
    const helm = helmPath();
    if (helm === undefined) return t.skip('no helm in .tools/bin (make tools fetches it)');
    const r = await runHelm(helm, ['install', 'shoal', CHART_DIR, '--dry-run=client', '--set', 'tap.auth.enabled=false', '--set', 'tap.ingress.enabled=true', '--set', 'tap.ingress.host=shoal.example', '--set-json', 'tap.ingress.tls=[{"hosts":["shoal.example"]}]']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /anyone who reaches the dashboard sees all captured traffic/);
    assert.doesNotMatch(r.stdout, /kubectl get secret/);
    assert.match(r.stdout, /through the Ingress: https:\/\/shoal\.example\//);
  });

  it('with the OIDC sign-in it says where users sign in and that the CLI uses the tokens Secret, and gives no sign-in token', async (t) => {
    const helm = helmPath();
    if (helm === undefined) return t.skip('no helm in .tools/bin (make tools fetches it)');
    const oidc = VARIANTS.find((v) => v.values['tap.publicUrl'] === 'https://shoal.internal.example:8443')!;
    const r = await runHelm(helm, ['install', 'shoal', CHART_DIR, '--dry-run=client', ...helmArgs(oidc.values)]);
    assert.equal(r.code, 0, r.stderr);
    const notes = r.stdout.slice(r.stdout.indexOf('NOTES:'));
    assert.match(notes, /or at https:\/\/shoal\.internal\.example:8443 \(tap\.publicUrl\)/);
    assert.match(notes, /Users sign in through https:\/\/idp\.example at https:\/\/shoal\.internal\.example:8443, and see the\nnamespaces of their roles \(tap\.auth\.roles; shoal-roles\)/);
    assert.match(notes, /use the hub's token from the Secret shoal-tokens, as admins/);
    assert.doesNotMatch(notes, /kubectl get secret|anyone who reaches/);
  });
});
