/**
 * The chart's values and their schema are the settings' own: values.yaml is `settingsYaml` of the
 * defaults (the text `shoal config -r` writes) and holds exactly SETTING_KEYS with their defaults;
 * values.schema.json is `settingsSchema()`; Chart.yaml carries the project's version; the chart's
 * README names every key. The schema refuses what the settings' kinds refuse, value for value,
 * as the real `helm lint` reports it (naming the key), and the templates refuse what no schema can
 * say. UPDATE_GOLDEN=1 rewrites values.yaml and values.schema.json (read their diff).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { defaultSettings, SETTING_KEYS, settingsSchema, settingsYaml, settingValue, SHOAL_VERSION } from '@shoal/deploy';
import { helmPath, runHelm, type HelmResult } from '@shoal/testkit/helm';
import { CHART_DIR } from './helpers/chart.js';

const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

/** Asserts that `file` in the chart holds `text` (or, with UPDATE_GOLDEN=1, writes it). */
function generated(file: string, text: string): void {
  const at = path.join(CHART_DIR, file);
  if (UPDATE) fs.writeFileSync(at, text);
  assert.equal(fs.readFileSync(at, 'utf8'), text, `${file} is generated from SETTING_KEYS: rerun this test with UPDATE_GOLDEN=1 and read the diff`);
}

/** The value at a dotted key in nested maps, or undefined. */
function at(values: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((v, part) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[part] : undefined), values);
}

/** The dotted paths of a values tree's leaves (a map with no keys, or `annotations`, is a leaf). */
function leaves(values: unknown, prefix = ''): string[] {
  if (typeof values !== 'object' || values === null || Array.isArray(values) || Object.keys(values).length === 0 || prefix.endsWith('annotations')) return [prefix];
  return Object.entries(values).flatMap(([k, v]) => leaves(v, prefix === '' ? k : `${prefix}.${k}`));
}

describe('the chart\'s files', () => {
  it('Chart.yaml: shoal, its version and appVersion the project\'s (@shoal/deploy\'s SHOAL_VERSION)', () => {
    const chart = parse(fs.readFileSync(path.join(CHART_DIR, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
    assert.equal(chart['apiVersion'], 'v2');
    assert.equal(chart['name'], 'shoal');
    assert.equal(chart['version'], SHOAL_VERSION);
    assert.equal(chart['appVersion'], SHOAL_VERSION);
  });

  it('values.yaml is the settings file of the defaults (shoal config -r), every key under its comment', () => {
    generated('values.yaml', settingsYaml(defaultSettings()));
    const text = fs.readFileSync(path.join(CHART_DIR, 'values.yaml'), 'utf8');
    for (const spec of SETTING_KEYS) assert.ok(text.includes(`# ${spec.help}`), `the comment of ${spec.key}`);
  });

  it('values.yaml holds exactly the keys of SETTING_KEYS, each with its default (read as Helm reads it, YAML 1.1)', () => {
    const values = parse(fs.readFileSync(path.join(CHART_DIR, 'values.yaml'), 'utf8'), { version: '1.1' }) as unknown;
    assert.deepEqual(leaves(values).sort(), SETTING_KEYS.map((s) => s.key).sort());
    const defaults = defaultSettings();
    for (const { key } of SETTING_KEYS) assert.deepEqual(at(values, key), settingValue(defaults, key), key);
  });

  it('values.schema.json is settingsSchema(): every object closed (additionalProperties false) and all its keys required', () => {
    const schema = settingsSchema();
    generated('values.schema.json', JSON.stringify(schema, null, 2) + '\n');
    const closed = (s: Record<string, unknown>, where: string): void => {
      if (s['properties'] === undefined) return;
      assert.equal(s['additionalProperties'], false, where);
      assert.deepEqual([...(s['required'] as string[])].sort(), Object.keys(s['properties'] as object).sort(), where);
      for (const [k, v] of Object.entries(s['properties'] as Record<string, Record<string, unknown>>)) closed(v, `${where}.${k}`);
    };
    closed(schema as Record<string, unknown>, '(root)');
  });

  it('the chart\'s README names every value', () => {
    const readme = fs.readFileSync(path.join(CHART_DIR, 'README.md'), 'utf8');
    for (const { key } of SETTING_KEYS) assert.ok(readme.includes(`\`${key}\``), key);
  });
});

/** `helm lint` of the chart with these values, as a user gives them on the command line. */
async function lint(helm: string, args: string[]): Promise<HelmResult> {
  return runHelm(helm, ['lint', CHART_DIR, ...args]);
}

describe('the schema refuses bad values: helm lint exits 1 and names the key', () => {
  for (const [what, args, message] of [
    ['a wrong type (text for a port)', ['--set-string', 'tap.proxy.hub.srvPort=80'], /at '\/tap\/proxy\/hub\/srvPort': got string, want integer/],
    ['a wrong type (yes for a boolean)', ['--set', 'tap.tls=yes'], /at '\/tap\/tls': got string, want boolean/],
    ['an unknown key under tap', ['--set', 'tap.regexp=.*'], /at '\/tap': additional properties 'regexp' not allowed/],
    ['an unknown key at the top', ['--set', 'loglevel=info'], /at '': additional properties 'loglevel' not allowed/],
    ['an unknown field in a toleration', ['--set-json', 'tap.tolerations.hub=[{"opertor":"Exists"}]'], /at '\/tap\/tolerations\/hub\/0': additional properties 'opertor' not allowed/],
    ['a bad enum (pf_ring)', ['--set', 'tap.packetCapture=pf_ring'], /at '\/tap\/packetCapture': value must be one of 'best', 'ebpf', 'af_packet', 'libpcap'/],
    ['a bad pattern (a namespace name)', ['--set', 'tap.namespaces={shop,Pay}'], /at '\/tap\/namespaces\/1': .*does not match pattern/],
    ['a key deleted with null', ['--set', 'tap.storageLimit=null'], /at '\/tap': missing property 'storageLimit'/],
    ['a port out of range', ['--set', 'tap.proxy.worker.srvPort=70000'], /at '\/tap\/proxy\/worker\/srvPort': maximum: got 70,000, want 65,535/],
    ['a sign-in of another type', ['--set', 'tap.auth.type=saml'], /at '\/tap\/auth\/type': value must be one of 'token', 'oidc'/],
    ['a role\'s namespaces not strings', ['--set-json', 'tap.auth.roles=[{"name":"devs","namespaces":[1]}]'], /at '\/tap\/auth\/roles\/0\/namespaces\/0': got number, want string/],
    ['a role\'s namespace not a name', ['--set-json', 'tap.auth.roles=[{"name":"devs","namespaces":["Shop"]}]'], /at '\/tap\/auth\/roles\/0\/namespaces\/0': .*does not match pattern/],
    ['a role\'s admin not true or false', ['--set-json', 'tap.auth.roles=[{"name":"devs","namespaces":["shop"],"admin":"yes"}]'], /at '\/tap\/auth\/roles\/0\/admin': got string, want boolean/],
    ['a role without namespaces', ['--set-json', 'tap.auth.roles=[{"name":"devs","groups":["devs"]}]'], /at '\/tap\/auth\/roles\/0': missing property 'namespaces'/],
    ['an unknown field in a role', ['--set-json', 'tap.auth.roles=[{"name":"devs","namespaces":["shop"],"group":["devs"]}]'], /at '\/tap\/auth\/roles\/0': additional properties 'group' not allowed/],
    ['a public URL with a path', ['--set', 'tap.publicUrl=https://shoal.example/dash'], /at '\/tap\/publicUrl': .*does not match pattern/],
  ] as const) {
    it(what, async (t) => {
      const helm = helmPath();
      if (helm === undefined) return t.skip('no helm in .tools/bin (make tools fetches it)');
      const r = await lint(helm, [...args]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout + r.stderr, message);
    });
  }
});

/** What the OIDC sign-in needs, as --set lines, but for `missing`. */
const OIDC_NEEDS: Record<string, string[]> = {
  'tap.auth.oidc.issuer': ['--set', 'tap.auth.oidc.issuer=https://login.example'],
  'tap.auth.oidc.clientId': ['--set', 'tap.auth.oidc.clientId=shoal'],
  'tap.publicUrl': ['--set', 'tap.publicUrl=https://shoal.example'],
  'tap.auth.roles': ['--set-json', 'tap.auth.roles=[{"name":"devs","groups":["devs"],"namespaces":["shop"]}]'],
};

function oidcWithout(missing?: string): string[] {
  return ['--set', 'tap.auth.type=oidc', ...Object.entries(OIDC_NEEDS).flatMap(([key, args]) => (key === missing ? [] : args))];
}

/**
 * `helm lint` renders with `fail` only logged (Helm's lint mode), so it is `helm template` (and
 * install, which renders the same way) that stops on these.
 */
describe('the templates refuse what no schema can say, as the builder does', () => {
  for (const [what, args, message] of [
    ['a pod regex RE2 does not compile', ['--set-json', 'tap.regex="(a"'], /tap\.regex: '\(a' is not an RE2 regular expression/],
    ['a backreference (RE2 has none)', ['--set-json', 'tap.regex="(a)\\\\1"'], /tap\.regex: '\(a\)\\1' is not an RE2 regular expression/],
    ['a store below 16Mi', ['--set', 'tap.storageLimit=15Mi'], /tap\.storageLimit: it must be at least 16777216 bytes \(16Mi\), got '15Mi'/],
    ['an Ingress without a host', ['--set', 'tap.ingress.enabled=true'], /tap\.ingress\.enabled needs tap\.ingress\.host/],
    ['the OIDC sign-in without an issuer', oidcWithout('tap.auth.oidc.issuer'), /tap\.auth\.type=oidc needs tap\.auth\.oidc\.issuer: the OpenID provider's issuer URL/],
    ['the OIDC sign-in without a client ID', oidcWithout('tap.auth.oidc.clientId'), /tap\.auth\.type=oidc needs tap\.auth\.oidc\.clientId/],
    ['the OIDC sign-in without a public URL', oidcWithout('tap.publicUrl'), /tap\.auth\.type=oidc needs the dashboard's public URL, where the provider sends users back after sign-in: set tap\.publicUrl, or tap\.ingress\.enabled and tap\.ingress\.host/],
    ['the OIDC sign-in without roles', oidcWithout('tap.auth.roles'), /tap\.auth\.type=oidc needs tap\.auth\.roles: with no role every user is refused/],
    ['the OIDC client secret given twice', [...oidcWithout(), '--set', 'tap.auth.oidc.clientSecret=s', '--set', 'tap.auth.oidc.clientSecretRef.name=idp'], /tap\.auth\.oidc\.clientSecret and tap\.auth\.oidc\.clientSecretRef\.name are both set/],
  ] as const) {
    it(`${what}: helm template fails, naming the key`, async (t) => {
      const helm = helmPath();
      if (helm === undefined) return t.skip('no helm in .tools/bin (make tools fetches it)');
      const rendered = await runHelm(helm, ['template', 'shoal', CHART_DIR, ...args]);
      assert.equal(rendered.code, 1, rendered.stdout);
      assert.match(rendered.stderr, message);
    });
  }

  it('a release name the objects\' names cannot carry (49 letters, or a digit first)', async (t) => {
    const helm = helmPath();
    if (helm === undefined) return t.skip('no helm in .tools/bin (make tools fetches it)');
    for (const name of ['a'.repeat(49), '1shoal']) {
      const r = await runHelm(helm, ['template', name, CHART_DIR]);
      assert.equal(r.code, 1, name);
      assert.match(r.stderr, new RegExp(`the release name '${name}' must start with a letter .* 48 at most`));
    }
    assert.equal((await runHelm(helm, ['template', 'a'.repeat(48), CHART_DIR])).code, 0, '48 is allowed');
  });

  it('the OIDC sign-in with all it needs renders; off, its values need nothing', async (t) => {
    const helm = helmPath();
    if (helm === undefined) return t.skip('no helm in .tools/bin (make tools fetches it)');
    assert.equal((await runHelm(helm, ['template', 'shoal', CHART_DIR, ...oidcWithout()])).code, 0, 'all given');
    const off = await runHelm(helm, ['template', 'shoal', CHART_DIR, '--set', 'tap.auth.enabled=false', '--set', 'tap.auth.type=oidc']);
    assert.equal(off.code, 0, off.stderr);
  });

  it('the edges that pass: a store of exactly 16Mi, an RE2 regex with classes', async (t) => {
    const helm = helmPath();
    if (helm === undefined) return t.skip('no helm in .tools/bin (make tools fetches it)');
    const r = await runHelm(helm, ['template', 'shoal', CHART_DIR, '--set', 'tap.storageLimit=16Mi', '--set-json', 'tap.regex="^[[:alpha:]]+-\\\\d+$"']);
    assert.equal(r.code, 0, r.stderr);
  });
});

/**
 * Values to try on every key: of each type, in and out of each kind's range and form. The
 * schema and the kinds' read must agree on each, but for what JSON Schema cannot say (RE2
 * syntax, a size's minimum), which the templates check (above): there the schema may only be
 * looser.
 */
const CANDIDATES: unknown[] = [
  '', 'x', 'shoal', 'Shoal', 'a-b', '-a', 'a-', 'a.b', 'a_b', '1shoal', 'a'.repeat(48), 'a'.repeat(49), 'a'.repeat(63), 'a'.repeat(64),
  `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.e`, '0', '0m', '0.0', '00', '1', '0.5', '100m', '1.5', '2Gi', '500Mi', '500MB',
  '500mi', '1e3', '16Mi', '15Mi', '1Ei', '10.0.0.0/8', '10.0.0.0/33', '010.0.0.1/8', '256.0.0.0/8', 'fd00::/64', 'fd00::/129', '10.0.0.0', '/', '/x',
  'x/', 'best', 'ebpf', 'pf_ring', 'token', 'Always', 'always', 'info', 'warning', '(a', '.*', '127.0.0.1', 'registry.example/shoal/',
  0, 1, 80, 65535, 65536, -1, 1.5, true, false, null,
  [], ['a'], ['a', 'a'], ['A'], [1], ['10.0.0.0/8'], ['10.0.0.0/33'], ['a,b'], ['regcred', 'my.secret'],
  [{}], [{ operator: 'Exists' }], [{ operator: 'Exist' }], [{ opertor: 'Exists' }], [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule', tolerationSeconds: 30 }],
  [{ tolerationSeconds: 1.5 }], [{ effect: 'NoExecute' }], [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['x'] }] }], [{ matchExpressions: [{ key: 'a' }] }],
  [{ matchFields: [{ key: 'a', operator: 'Gt', values: ['1'] }] }], [{ matchExpressions: [{ key: 'a', operator: 'Near' }] }],
  [{ hosts: ['a.example'], secretName: 's' }], [{ hosts: 'x' }], [{ secretName: 1 }], [{ hosts: [1] }],
  {}, { a: 'b' }, { a: 1 }, { 'a.example/b': 'c' },
  'oidc', 'https://login.example/realms/team', 'http://dex:5556/dex', 'ftp://x.example', 'https://shoal.example/x', 'https://shoal.example:8443', 'https://a b', 'client-secret',
  'k.e_y-1', 'a/b', 'openid', 'a"b', [{ name: 'devs', groups: ['devs'], users: ['alice@example.test'], namespaces: ['shop', '*'], admin: true }],
  [{ name: 'devs', namespaces: [] }], [{ name: '', namespaces: ['shop'] }], [{ namespaces: ['shop'] }], [{ name: 'devs', namespaces: ['Shop'] }],
  [{ name: 'devs', namespaces: [1] }], [{ name: 'devs', namespaces: ['shop'], admin: 'yes' }], [{ name: 'devs', namespaces: ['shop'], groups: 'devs' }],
  [{ name: 'devs', namespaces: ['shop'], role: 'x' }], [{ name: 'devs', namespaces: [`${'a'.repeat(64)}`] }], ['openid', 'email'], ['open id'],
];

/** Keys whose schema is looser than their kind, and why (the templates check the rest). */
const LOOSER: Record<string, string> = {
  'tap.regex': 'RE2 syntax',
  'tap.storageLimit': 'the minimum of 16Mi',
};

/**
 * The keys `helm lint`'s schema errors name: `- at '/tap/x/0/y': …`, `missing property 'z'`
 * (a group's own `validation failed` only heads the errors of its keys).
 */
function refusedKeys(output: string): Set<string> {
  const pointers = SETTING_KEYS.map((s) => ({ key: s.key, pointer: `/${s.key.replace(/\./g, '/')}` }));
  const out = new Set<string>();
  for (const m of output.matchAll(/- at '([^']*)': (.*)$/gm)) {
    if (m[2] === 'validation failed') continue;
    const missing = /missing propert(?:y|ies) (.*)$/.exec(m[2]!);
    const names = missing !== null ? [...missing[1]!.matchAll(/'([^']+)'/g)].map((n) => `${m[1]}/${n[1]}`) : [m[1]!];
    for (const name of names) {
      const found = pointers.find((p) => name === p.pointer || name.startsWith(`${p.pointer}/`));
      assert.ok(found !== undefined, `a schema error names a key: ${m[0]}`);
      out.add(found.key);
    }
  }
  return out;
}

function readable(spec: (typeof SETTING_KEYS)[number], value: unknown): boolean {
  try {
    spec.kind.read(value);
    return true;
  } catch {
    return false;
  }
}

describe('the schema and the settings\' kinds refuse the same values', () => {
  it(`every key, each of ${CANDIDATES.length} values (helm lint, a values file per value)`, async (t) => {
    const helm = helmPath();
    if (helm === undefined) return t.skip('no helm in .tools/bin (make tools fetches it)');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-chart-values-'));
    try {
      const disagreements: string[] = [];
      const lintOne = async (candidate: unknown, n: number): Promise<void> => {
        const values: Record<string, unknown> = {};
        for (const { key } of SETTING_KEYS) {
          const parts = key.split('.');
          const last = parts.pop()!;
          let into = values;
          for (const part of parts) into = (into[part] ??= {}) as Record<string, unknown>;
          into[last] = candidate;
        }
        const file = path.join(dir, `values-${n}.json`);
        fs.writeFileSync(file, JSON.stringify(values));
        const r = await lint(helm, ['-f', file]);
        const refused = refusedKeys(`${r.stdout}\n${r.stderr}`);
        for (const spec of SETTING_KEYS) {
          const byKind = !readable(spec, candidate);
          const bySchema = refused.has(spec.key);
          const agree = byKind === bySchema || (spec.key in LOOSER && byKind && !bySchema);
          if (!agree) disagreements.push(`${spec.key} = ${JSON.stringify(candidate)}: the kind ${byKind ? 'refuses' : 'takes'} it, the schema ${bySchema ? 'refuses' : 'takes'} it`);
        }
      };
      // Two at a time: the machine's cores are shared.
      for (let i = 0; i < CANDIDATES.length; i += 2) await Promise.all(CANDIDATES.slice(i, i + 2).map((c, j) => lintOne(c, i + j)));
      assert.deepEqual(disagreements, []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the comparison can fail: a schema that takes any port is caught', () => {
    const port = SETTING_KEYS.find((s) => s.key === 'tap.proxy.hub.srvPort')!;
    assert.equal(readable(port, 70000), false);
    assert.deepEqual(refusedKeys("- at '/tap/proxy/hub/srvPort': maximum: got 70,000, want 65,535\n- at '/tap': missing property 'regex'"), new Set(['tap.proxy.hub.srvPort', 'tap.regex']));
  });
});
