/**
 * The OIDC sign-in's objects (tap.auth.type=oidc): the front's arguments, each file it is given
 * traced through its pod's projected volume to the Secret or ConfigMap key it holds, the hub's
 * identity key the same as the front's, no hub token in the front, the roles file, and the
 * settings that do not go together refused with CLI_ERR_USAGE (the chart's tests check the same
 * words from `helm template`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1ConfigMap, V1PodSpec, V1Secret } from '@kubernetes/client-node';
import { manifest, settingsFrom } from '@shoal/deploy';
import { build, deployment, objectsOf, TOKENS } from './helpers/build.js';

const ROLES = [
  { name: 'shop-devs', groups: ['shop-devs'], users: ['alice@example.test'], namespaces: ['shop'], admin: false },
  { name: 'ops', groups: ['ops'], namespaces: ['*'], admin: true },
];

/** The --set lines of a working OIDC sign-in, plus `more`. */
function oidc(...more: string[]): string[] {
  return [
    'tap.auth.type=oidc',
    'tap.auth.oidc.issuer=https://login.example/realms/team',
    'tap.auth.oidc.clientId=shoal-dashboard',
    `tap.auth.roles=${JSON.stringify(ROLES)}`,
    'tap.publicUrl=https://shoal.example',
    ...more,
  ];
}

type Built = ReturnType<typeof build>;

/** What each file of a pod's tokens volume holds, by its path in the pod: the key's value in its Secret or ConfigMap. */
function podFiles(built: Built, pod: V1PodSpec): Map<string, string> {
  const data = new Map<string, Record<string, string>>();
  for (const o of objectsOf(built)) {
    if (o.kind === 'Secret') data.set(`secret/${o.metadata!.name}`, (o as V1Secret).stringData!);
    if (o.kind === 'ConfigMap') data.set(`configMap/${o.metadata!.name}`, (o as V1ConfigMap).data!);
  }
  const mount = pod.containers[0]!.volumeMounts!.find((m) => m.name === 'tokens')!;
  const files = new Map<string, string>();
  for (const source of pod.volumes!.find((v) => v.name === 'tokens')!.projected!.sources!) {
    const [kind, ref] = source.secret !== undefined ? ['secret', source.secret] : ['configMap', source.configMap!];
    for (const item of ref.items!) {
      const value = data.get(`${kind}/${ref.name}`)?.[item.key];
      files.set(`${mount.mountPath}/${item.path}`, value ?? `(${kind} ${ref.name} key ${item.key}, not built)`);
    }
  }
  return files;
}

function argsOf(built: Built, name: string): string[] {
  return deployment(built, name).spec!.template.spec!.containers[0]!.args!;
}

function flag(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at < 0 ? undefined : args[at + 1];
}

describe('the OIDC sign-in\'s objects', () => {
  it('the front: the client, scopes, groups claim, roles and identity key as its flags (docs/front.md)', () => {
    const built = build(oidc('tap.auth.oidc.clientSecret=s3cret', 'tap.auth.oidc.scopes=openid,email,groups', 'tap.auth.oidc.groupsClaim=roles'));
    const args = argsOf(built, 'shoal-front');
    assert.equal(flag(args, '--auth'), 'oidc');
    assert.equal(flag(args, '--oidc-issuer'), 'https://login.example/realms/team');
    assert.equal(flag(args, '--oidc-client-id'), 'shoal-dashboard');
    assert.equal(flag(args, '--oidc-scopes'), 'openid email groups');
    assert.equal(flag(args, '--groups-claim'), 'roles');
    assert.equal(flag(args, '--public-url'), 'https://shoal.example');
    const files = podFiles(built, deployment(built, 'shoal-front').spec!.template.spec!);
    assert.equal(files.get(flag(args, '--oidc-client-secret-file')!), 's3cret');
    assert.equal(files.get(flag(args, '--identity-key-file')!), TOKENS.identity);
    assert.deepEqual(JSON.parse(files.get(flag(args, '--roles-file')!)!), { roles: ROLES });
    assert.equal(files.size, 3, 'the front mounts nothing else');
  });

  it('the front holds no hub token and no sign-in token: it hands the hub only signed identities', () => {
    const built = build(oidc());
    const args = argsOf(built, 'shoal-front');
    for (const f of ['--hub-token-file', '--token-file', '--sign-in', '--allow-unauthenticated']) assert.equal(args.includes(f), false, f);
    const files = [...podFiles(built, deployment(built, 'shoal-front').spec!.template.spec!).values()];
    assert.ok(!files.includes(TOKENS.hub) && !files.includes(TOKENS.signIn));
    assert.ok(!objectsOf(built).some((o) => o.metadata!.name === 'shoal-sign-in'), 'no sign-in Secret');
  });

  it('the hub checks identities with the same key the front signs them with, and keeps its own token', () => {
    const built = build(oidc());
    const args = argsOf(built, 'shoal-hub');
    const files = podFiles(built, deployment(built, 'shoal-hub').spec!.template.spec!);
    assert.equal(files.get(flag(args, '--identity-key-file')!), TOKENS.identity);
    assert.equal(files.get(flag(args, '--token-file')!), TOKENS.hub, 'the CLI\'s token still opens the hub');
  });

  it('clientSecretRef: the front reads the named Secret\'s key; no Secret is made for it', () => {
    const built = build(oidc('tap.auth.oidc.clientSecretRef.name=idp-client', 'tap.auth.oidc.clientSecretRef.key=secret.txt'));
    const pod = deployment(built, 'shoal-front').spec!.template.spec!;
    const source = pod.volumes![0]!.projected!.sources!.find((s) => s.secret?.name === 'idp-client');
    assert.deepEqual(source?.secret?.items, [{ key: 'secret.txt', path: 'oidc-client-secret' }]);
    assert.equal(flag(argsOf(built, 'shoal-front'), '--oidc-client-secret-file'), '/var/run/secrets/shoal/oidc-client-secret');
    assert.ok(!objectsOf(built).some((o) => o.metadata!.name === 'shoal-oidc'));
  });

  it('no client secret: a public client, no secret file', () => {
    const built = build(oidc());
    assert.equal(argsOf(built, 'shoal-front').includes('--oidc-client-secret-file'), false);
    assert.ok(!objectsOf(built).some((o) => o.metadata!.name === 'shoal-oidc'));
  });

  it('the client secret is in its Secret only: not in settings.json, nor in any other object', () => {
    const built = build(oidc('tap.auth.oidc.clientSecret=s3cret-value'));
    for (const { object } of built) {
      const text = JSON.stringify(manifest(object));
      assert.equal(text.includes('s3cret-value'), object.metadata!.name === 'shoal-oidc', object.metadata!.name);
    }
    const config = objectsOf(built).find((o) => o.metadata!.name === 'shoal-config') as V1ConfigMap;
    const settings = JSON.parse(config.data!['settings.json']!) as { tap: { auth: { oidc: { clientSecret: string } } } };
    assert.equal(settings.tap.auth.oidc.clientSecret, '');
  });

  it('the token sign-in (the default) and no sign-in build nothing of OIDC, whatever its values say', () => {
    for (const sets of [[], ['tap.auth.enabled=false', 'tap.auth.type=oidc']]) {
      const built = build([...sets, 'tap.auth.oidc.clientSecret=x']);
      assert.ok(!objectsOf(built).some((o) => o.metadata!.name === 'shoal-oidc' || o.metadata!.name === 'shoal-roles'), sets.join(' '));
      for (const name of ['shoal-hub', 'shoal-front']) {
        const args = argsOf(built, name);
        assert.ok(!args.includes('--identity-key-file') && !args.includes('--auth'), `${name} ${sets.join(' ')}`);
        const files = [...podFiles(built, deployment(built, name).spec!.template.spec!).values()];
        assert.ok(!files.includes(TOKENS.identity), `${name} mounts no identity key`);
      }
    }
  });

  it('the Ingress\'s URL is the public URL when tap.publicUrl is empty', () => {
    const sets = oidc().filter((s) => !s.startsWith('tap.publicUrl='));
    const built = build([...sets, 'tap.ingress.enabled=true', 'tap.ingress.host=shoal.example', 'tap.ingress.tls=[{"hosts":["shoal.example"]}]']);
    assert.equal(flag(argsOf(built, 'shoal-front'), '--public-url'), 'https://shoal.example');
  });
});

describe('settings the OIDC sign-in refuses (CLI_ERR_USAGE, as the chart)', () => {
  const refused = (sets: string[], message: RegExp): void => {
    assert.throws(() => build(sets), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'CLI_ERR_USAGE');
      assert.match(err.message, message);
      return true;
    });
  };

  it('without an issuer, a client ID, a public URL or roles; with the client secret given twice', () => {
    const without = (prefix: string): string[] => oidc().filter((s) => !s.startsWith(prefix));
    refused(without('tap.auth.oidc.issuer='), /tap\.auth\.type=oidc needs tap\.auth\.oidc\.issuer/);
    refused(without('tap.auth.oidc.clientId='), /tap\.auth\.type=oidc needs tap\.auth\.oidc\.clientId/);
    refused(without('tap.publicUrl='), /tap\.auth\.type=oidc needs the dashboard's public URL.*set tap\.publicUrl, or tap\.ingress\.enabled and tap\.ingress\.host/);
    refused(without('tap.auth.roles='), /tap\.auth\.type=oidc needs tap\.auth\.roles: with no role every user is refused/);
    refused(oidc('tap.auth.oidc.clientSecret=s', 'tap.auth.oidc.clientSecretRef.name=idp'), /both set: give the client secret one way/);
  });

  it('roles of the wrong shape, at --set, naming the field', () => {
    const set = (roles: unknown): (() => unknown) => () => settingsFrom([`tap.auth.roles=${JSON.stringify(roles)}`]);
    assert.throws(set([{ name: 'a', namespaces: [1] }]), /tap\.auth\.roles: \[0\]\.namespaces\[0\] must be a namespace name or "\*", got 1/);
    assert.throws(set([{ name: 'a', namespaces: ['shop'], admin: 'yes' }]), /\[0\]\.admin must be true or false, got "yes"/);
    assert.throws(set([{ name: 'a', groups: ['g'] }]), /\[0\]\.namespaces is missing/);
    assert.throws(set([{ name: 'a', namespaces: ['shop'], group: ['g'] }]), /\[0\]\.group is not a field here/);
    assert.deepEqual(settingsFrom([`tap.auth.roles=${JSON.stringify(ROLES)}`]).tap.auth.roles, ROLES);
  });

  it('URLs: an http(s) issuer, a public URL that is an origin', () => {
    assert.throws(() => settingsFrom(['tap.auth.oidc.issuer=ftp://login.example']), /must be an http\(s\) URL/);
    assert.throws(() => settingsFrom(['tap.publicUrl=https://shoal.example/path']), /must be an origin such as https:\/\/shoal\.example \(no path\)/);
    assert.equal(settingsFrom(['tap.publicUrl=http://127.0.0.1:8899']).tap.publicUrl, 'http://127.0.0.1:8899');
  });
});
