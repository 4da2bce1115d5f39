/**
 * The OIDC sign-in as `shoal manifests` (the chart's builder) renders it, run: the front's
 * container arguments and the files its projected volume mounts (the roles ConfigMap's
 * roles.json, the client secret's Secret, the identity key of the tokens Secret) are written
 * out as the kubelet would, and `shoal front` starts from exactly them (only its listening
 * address moved to loopback), reads every file, and serves its OIDC sign-in; the hub's
 * identity key file is one the hub takes. The provider is unreachable here (a closed loopback
 * port): the sign-in page says so, which shows the front runs with the OIDC sign-in configured.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { identityKeyFileOption } from '../dist/identity-key-option.js';
import { closedPort } from './helpers/closed-port.js';
import { describeRun, shoal } from './helpers/run-shoal.js';
import { ServingShoal } from './helpers/serving-shoal.js';

interface Item {
  key: string;
  path: string;
}
interface Source {
  secret?: { name: string; items: Item[] };
  configMap?: { name: string; items: Item[] };
}
interface Container {
  name: string;
  args: string[];
  volumeMounts?: { name: string; mountPath: string }[];
}
interface Manifest {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: { template?: { spec?: { containers: Container[]; volumes?: { name: string; projected?: { sources: Source[] } }[] } } };
}

/**
 * The Deployment named `*-<component>`'s container arguments, with every file its projected
 * volumes mount written under `root` (as the kubelet writes them) and the arguments' mount
 * paths pointed there.
 */
function materialised(objects: Manifest[], component: string, root: string): string[] {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name.endsWith(`-${component}`))!;
  const pod = deployment.spec!.template!.spec!;
  const container = pod.containers[0]!;
  let args = container.args;
  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.volumes!.find((v) => v.name === mount.name)!;
    const dir = path.join(root, component, mount.name);
    fs.mkdirSync(dir, { recursive: true });
    for (const source of volume.projected!.sources) {
      const ref = source.secret ?? source.configMap!;
      const object = objects.find((o) => o.kind === (source.secret !== undefined ? 'Secret' : 'ConfigMap') && o.metadata.name === ref.name)!;
      for (const item of ref.items) {
        const value = (object.stringData ?? object.data)![item.key];
        assert.notEqual(value, undefined, `${object.kind} ${ref.name} holds ${item.key}`);
        fs.writeFileSync(path.join(dir, item.path), value!);
      }
    }
    args = args.map((a) => (a.startsWith(`${mount.mountPath}/`) ? path.join(dir, a.slice(mount.mountPath.length + 1)) : a));
  }
  return args;
}

/** `flag`'s value in `args` replaced. */
function withFlag(args: string[], flag: string, value: string): string[] {
  const at = args.indexOf(flag);
  assert.ok(at >= 0, `${flag} is passed`);
  return [...args.slice(0, at + 1), value, ...args.slice(at + 2)];
}

describe('shoal manifests with the OIDC sign-in: the front and the hub run from what it renders', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-manifests-oidc-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('shoal front starts from its container arguments and mounted files, and serves the OIDC sign-in; the hub takes its identity key', async () => {
    const issuer = `http://127.0.0.1:${await closedPort()}`;
    const roles = [{ name: 'shop-devs', groups: ['shop-devs'], namespaces: ['shop'] }, { name: 'operators', users: ['root@example.test'], namespaces: ['*'], admin: true }];
    const r = await shoal('manifests', '--set', 'tap.auth.type=oidc', '--set', `tap.auth.oidc.issuer=${issuer}`, '--set', 'tap.auth.oidc.clientId=shoal', '--set', 'tap.auth.oidc.clientSecret=a client secret', '--set', 'tap.publicUrl=https://shoal.example', '--set', `tap.auth.roles=${JSON.stringify(roles)}`);
    assert.equal(r.code, 0, describeRun(r));
    const objects = parseAllDocuments(r.stdout, { version: '1.1' }).map((d) => d.toJS() as Manifest);

    const [command, ...frontArgs] = materialised(objects, 'front', dir);
    assert.equal(command, 'front');
    for (const flag of ['--auth', '--roles-file', '--identity-key-file', '--oidc-client-secret-file']) assert.ok(frontArgs.includes(flag), `the front is given ${flag}`);
    assert.ok(!frontArgs.includes('--hub-token-file'), 'the OIDC front holds no hub token');
    const front = new ServingShoal(['front', ...withFlag(withFlag(frontArgs, '--host', '127.0.0.1'), '--port', '0')]);
    try {
      // The banner names the public URL (tap.publicUrl), then where it listens.
      const listening = await front.printed(/the dashboard on https:\/\/shoal\.example \(hub [^;]*; listening on (\S+)\); users sign in at /, 'the banner');
      const page = await fetch(`http://${listening}/auth/oidc/sign-in`, { redirect: 'manual', headers: { host: 'shoal.example' } });
      assert.equal(page.status, 503);
      assert.match(await page.text(), /data-code="FRONT_ERR_PROVIDER"/);
    } finally {
      await front.stop();
    }

    const [, ...hubArgs] = materialised(objects, 'hub', dir);
    const keyFile = hubArgs[hubArgs.indexOf('--identity-key-file') + 1]!;
    const frontKeyFile = frontArgs[frontArgs.indexOf('--identity-key-file') + 1]!;
    assert.deepEqual(identityKeyFileOption(keyFile), identityKeyFileOption(frontKeyFile), 'the hub and the front read the same key');
  });
});
