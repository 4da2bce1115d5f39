/**
 * `shoal manifests`, run as a user runs it: the YAML it prints is the builder's objects (fresh
 * tokens aside), valid for the API's schemas, accepted by the real kubectl, and its files with
 * -o are the same objects; its container arguments are flags the components really take; its
 * mistakes exit 2 (command line, --set) or 1 (output) with the documented codes.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { buildObjects, manifest, SETTING_KEYS, settingsFrom, SHOAL_VERSION } from '@shoal/deploy';
import { validateKubernetesObject } from '@shoal/testkit/k8s-validate';
import { kubectlDryRun, kubectlPath } from '@shoal/testkit/kubectl';
import { describeRun, REPO_ROOT, shoal } from './helpers/run-shoal.js';

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  stringData?: Record<string, string>;
  spec?: { template?: { spec?: { containers: { name: string; args: string[] }[] } } };
}

/** The documents of a YAML stream, read as kubectl reads them (YAML 1.1). */
function documents(text: string): Manifest[] {
  return parseAllDocuments(text, { version: '1.1' }).map((d) => {
    assert.deepEqual(d.errors, [], 'the YAML parses');
    return d.toJS() as Manifest;
  });
}

/** The objects with the Secrets' token values blanked (they are new on every run). */
function withoutTokens(objects: Manifest[]): Manifest[] {
  return objects.map((o) => (o.kind === 'Secret' ? { ...o, stringData: Object.fromEntries(Object.keys(o.stringData!).map((k) => [k, ''])) } : o));
}

const SETS = ['--set', 'tap.ingress.enabled=true', '--set', 'tap.ingress.host=shoal.example', '--set', 'tap.release.namespace=tools', '--set', 'tap.tls=true'];

let tmp = '';
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-manifests-test-'));
});
after(() => {
  if (tmp !== '') fs.rmSync(tmp, { recursive: true, force: true });
});

describe('shoal manifests: the YAML', () => {
  it('is the builder\'s objects for the same settings, each valid for its kind', async () => {
    const r = await shoal('manifests', ...SETS);
    assert.equal(r.code, 0, describeRun(r));
    assert.equal(r.stderr, '');
    const printed = documents(r.stdout);
    const settings = settingsFrom(SETS.filter((_, i) => i % 2 === 1));
    const expected = buildObjects({ settings, tokens: { worker: '', hub: '', signIn: '', identity: '' }, version: SHOAL_VERSION }).map((b) => manifest(b.object) as unknown as Manifest);
    assert.deepEqual(withoutTokens(printed), withoutTokens(expected));
    for (const o of printed) validateKubernetesObject(o);
    assert.ok(printed.some((o) => o.kind === 'Ingress'));
    assert.ok(printed.filter((o) => o.metadata.namespace !== undefined).every((o) => o.metadata.namespace === 'tools'));
  });

  it('fresh random tokens on every run, and nothing else changes', async () => {
    const [a, b] = await Promise.all([shoal('manifests'), shoal('manifests')]);
    const da = documents(a.stdout);
    const db = documents(b.stdout);
    assert.deepEqual(withoutTokens(da), withoutTokens(db));
    const secrets = (docs: Manifest[]) => docs.filter((o) => o.kind === 'Secret').flatMap((o) => Object.entries(o.stringData!));
    const tokens = (docs: Manifest[]) => secrets(docs).filter(([k]) => k !== 'identity-key').map(([, v]) => v);
    const keys = (docs: Manifest[]) => secrets(docs).filter(([k]) => k === 'identity-key').map(([, v]) => v);
    assert.equal(tokens(da).length, 3);
    for (const t of [...tokens(da), ...tokens(db)]) assert.match(t, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
    assert.equal(keys(da).length, 1);
    for (const k of [...keys(da), ...keys(db)]) assert.match(k, /^[A-Za-z0-9_-]{64}$/, 'the identity key: 48 random bytes, base64url');
    assert.equal(new Set([...tokens(da), ...tokens(db), ...keys(da), ...keys(db)]).size, 8, 'no token repeats');
  });

  it('every flag a container passes is one its command takes (shoal <command> --help)', async () => {
    const r = await shoal('manifests', '--set', 'tap.auth.enabled=false', '--set', 'tap.ingress.enabled=true', '--set', 'tap.ingress.host=shoal.example');
    const withSignIn = await shoal('manifests');
    const containers = [...documents(r.stdout), ...documents(withSignIn.stdout)].flatMap((o) => o.spec?.template?.spec?.containers ?? []);
    assert.equal(containers.length, 6);
    const helps = new Map<string, string>();
    for (const c of containers) {
      const [command, ...args] = c.args;
      if (!helps.has(command!)) helps.set(command!, (await shoal(command!, '--help')).stdout);
      const help = helps.get(command!)!;
      for (const flag of args.filter((a) => a.startsWith('--'))) assert.match(help, new RegExp(`^\\s+${flag}(?=\\s)`, 'm'), `shoal ${command} takes ${flag}`);
    }
    assert.deepEqual([...helps.keys()].sort(), ['front', 'hub', 'worker']);
  });

  it('kubectl create --dry-run=client takes it, and reads every object as written', async (t) => {
    const kubectl = kubectlPath();
    if (kubectl === undefined) return t.skip('no kubectl in .tools/bin (make tools fetches it)');
    for (const sets of [[], SETS, ['--set', 'tap.auth.enabled=false', '--set', 'tap.networkPolicies.enabled=false', '--set', 'tap.packetCapture=af_packet']]) {
      const r = await shoal('manifests', ...sets);
      const dry = await kubectlDryRun(kubectl, r.stdout);
      assert.equal(dry.code, 0, `kubectl: ${dry.stderr}`);
      assert.deepEqual(dry.objects, documents(r.stdout), 'kubectl reads each object as it was meant');
    }
  });

  it('a YAML document kubectl refuses makes the kubectl check fail (the check can fail)', async (t) => {
    const kubectl = kubectlPath();
    if (kubectl === undefined) return t.skip('no kubectl in .tools/bin (make tools fetches it)');
    const dry = await kubectlDryRun(kubectl, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n  namespace: n\n');
    assert.notEqual(dry.code, 0, 'a YAML 1.1 boolean as a name');
  });
});

describe('shoal manifests -o DIR', () => {
  it('one file per object, named in install order, the same objects as on stdout', async () => {
    const dir = path.join(tmp, 'objects');
    const r = await shoal('manifests', '-o', dir, ...SETS);
    assert.equal(r.code, 0, describeRun(r));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /objects written to .*objects/);
    const files = fs.readdirSync(dir).sort();
    const fromFiles = files.flatMap((f) => {
      const docs = documents(fs.readFileSync(path.join(dir, f), 'utf8'));
      assert.equal(docs.length, 1, `${f} holds one object`);
      assert.equal(fs.statSync(path.join(dir, f)).mode & 0o077, 0, `${f} is private (Secrets)`);
      return docs;
    });
    assert.match(files[0]!, /^01-hub-service-account\.yaml$/);
    for (const f of files) assert.match(f, /^\d\d-[a-z-]+\.yaml$/);
    const stdout = documents((await shoal('manifests', ...SETS)).stdout);
    assert.deepEqual(withoutTokens(fromFiles), withoutTokens(stdout));
  });

  it('a directory that is not empty is refused (a file left from other settings would be applied too)', async () => {
    const dir = path.join(tmp, 'full');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, '16-ingress.yaml'), 'old');
    const r = await shoal('manifests', '-o', dir);
    assert.equal(r.code, 2, describeRun(r));
    assert.match(r.stderr, /is not empty.*CLI_ERR_USAGE/);
    assert.deepEqual(fs.readdirSync(dir), ['16-ingress.yaml']);
  });

  it('a directory that cannot be made: exit 1, CLI_ERR_OUTPUT', async () => {
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, '');
    const r = await shoal('manifests', '-o', path.join(file, 'below'));
    assert.equal(r.code, 1, describeRun(r));
    assert.match(r.stderr, /^shoal manifests: cannot write into --output-dir .*CLI_ERR_OUTPUT\)\n$/);
  });
});

describe('shoal manifests: mistakes', () => {
  for (const [args, message] of [
    [['--set', 'tap.regexp=.*'], /unknown key 'tap\.regexp'; the keys are tap\.regex,/],
    [['--set', 'tap.proxy.hub.srvPort=http'], /--set tap\.proxy\.hub\.srvPort: it must be a port number/],
    [['--set', 'tap.ingress.enabled=true'], /tap\.ingress\.enabled needs tap\.ingress\.host/],
    [['--set'], /--set/],
    [['extra'], /takes no arguments/],
    [['--bogus'], /bogus/],
  ] as const) {
    it(`${args.join(' ')}: exit 2, nothing on stdout`, async () => {
      const r = await shoal('manifests', ...args);
      assert.equal(r.code, 2, describeRun(r));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
      assert.match(r.stderr, /\(CLI_ERR_USAGE\); see 'shoal manifests --help'\n$/);
    });
  }
});

describe('docs', () => {
  it('docs/cli.md names every setting key, and --help lists each with its default', async () => {
    const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs/cli.md'), 'utf8');
    const help = (await shoal('manifests', '--help')).stdout;
    for (const { key } of SETTING_KEYS) {
      assert.ok(doc.includes(`\`${key}\``), `docs/cli.md: ${key}`);
      assert.match(help, new RegExp(`^  ${key.replace(/\./g, '\\.')} +\\S`, 'm'), `--help: ${key}`);
    }
  });
});
