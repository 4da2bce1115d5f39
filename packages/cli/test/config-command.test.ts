/**
 * `shoal config` and the config file, run as a user runs them (real `bin/shoal` processes, each
 * with a HOME or SHOAL_CONFIG of a temporary folder): the file it writes is the chart's values.yaml
 * text (every key, its default, its comment); it prints the settings in effect; -r rewrites it;
 * --set overrides any key; `shoal manifests` builds from the file, then --set; a bad file is
 * refused naming the file, the line and the key, with exit 2.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { buildObjects, defaultSettings, manifest, settingsFrom, settingsYaml, SHOAL_VERSION } from '@shoal/deploy';
import { describeRun, REPO_ROOT, shoal, shoalWithEnv, type ShoalRun } from './helpers/run-shoal.js';

let tmp = '';
let n = 0;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-config-test-'));
});
after(() => {
  if (tmp !== '') fs.rmSync(tmp, { recursive: true, force: true });
});

/** A new empty home folder. */
function home(): string {
  const dir = path.join(tmp, `home-${n++}`);
  fs.mkdirSync(dir);
  return dir;
}

/** `shoal ...args` with HOME at `dir` and no SHOAL_CONFIG: the config file is dir/.shoal/config.yaml. */
function inHome(dir: string, ...args: string[]): Promise<ShoalRun> {
  return shoalWithEnv({ HOME: dir, SHOAL_CONFIG: undefined }, ...args);
}

const CHART_VALUES = fs.readFileSync(path.join(REPO_ROOT, 'deploy/chart/values.yaml'), 'utf8');

/** The objects of `shoal manifests`' output, tokens blanked (new on every run). */
function objects(stdout: string): unknown[] {
  return parseAllDocuments(stdout, { version: '1.1' }).map((d) => {
    const o = d.toJS() as { kind: string; stringData?: Record<string, string> };
    return o.kind === 'Secret' ? { ...o, stringData: Object.fromEntries(Object.keys(o.stringData!).map((k) => [k, ''])) } : o;
  });
}

function builder(sets: string[]): unknown[] {
  const built = buildObjects({ settings: settingsFrom(sets), tokens: { worker: '', hub: '', signIn: '', identity: '' }, version: SHOAL_VERSION });
  return built.map((b) => manifest(b.object));
}

describe('shoal config', () => {
  it('without a file: writes ~/.shoal/config.yaml, the chart\'s values.yaml text, and prints it', async () => {
    const dir = home();
    const r = await inHome(dir, 'config');
    assert.equal(r.code, 0, describeRun(r));
    const file = path.join(dir, '.shoal', 'config.yaml');
    assert.equal(r.stderr, `shoal config: wrote ${file}\n`);
    assert.equal(fs.readFileSync(file, 'utf8'), CHART_VALUES, 'the same keys, defaults and comments as the chart\'s values');
    assert.equal(r.stdout, CHART_VALUES);
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
  });

  it('with a file: prints the settings in effect, the file\'s then --set, and leaves the file as it is', async () => {
    const dir = home();
    const file = path.join(dir, '.shoal', 'config.yaml');
    fs.mkdirSync(path.dirname(file));
    const mine = '# my settings\ntap:\n  tls: true\n  proxy:\n    hub:\n      srvPort: 9000\n';
    fs.writeFileSync(file, mine);
    const r = await inHome(dir, 'config', '--set', 'tap.regex=^front-.*', '--set', 'tap.proxy.hub.srvPort=9001');
    assert.equal(r.code, 0, describeRun(r));
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, settingsYaml(settingsFrom(['tap.tls=true', 'tap.regex=^front-.*', 'tap.proxy.hub.srvPort=9001'])));
    assert.equal(fs.readFileSync(file, 'utf8'), mine, 'untouched: its comments and its keys');
  });

  it('-r rewrites the file with the defaults, then --set', async () => {
    const dir = home();
    const file = path.join(dir, '.shoal', 'config.yaml');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, 'tap:\n  tls: true\n');
    const r = await inHome(dir, 'config', '-r', '--set', 'tap.docker.registry=registry.example/shoal');
    assert.equal(r.code, 0, describeRun(r));
    assert.equal(r.stderr, `shoal config: rewrote ${file}\n`);
    const expected = settingsYaml(settingsFrom(['tap.docker.registry=registry.example/shoal']));
    assert.equal(fs.readFileSync(file, 'utf8'), expected);
    assert.equal(r.stdout, expected);
    assert.equal((await inHome(dir, 'config', '--regenerate')).stdout, CHART_VALUES, '--regenerate: the defaults again');
  });

  it('--config PATH, else $SHOAL_CONFIG, else ~/.shoal/config.yaml', async () => {
    const dir = home();
    const named = path.join(dir, 'named', 'shoal.yaml');
    const fromEnv = path.join(dir, 'env.yaml');
    const r = await shoalWithEnv({ HOME: dir, SHOAL_CONFIG: fromEnv }, 'config', '--config', named, '--set', 'logLevel=debug');
    assert.equal(r.code, 0, describeRun(r));
    assert.ok(fs.readFileSync(named, 'utf8').includes('logLevel: debug'));
    assert.ok(!fs.existsSync(fromEnv) && !fs.existsSync(path.join(dir, '.shoal')));
    const e = await shoalWithEnv({ HOME: dir, SHOAL_CONFIG: fromEnv }, 'config');
    assert.equal(e.stderr, `shoal config: wrote ${fromEnv}\n`);
    assert.ok(!fs.existsSync(path.join(dir, '.shoal')));
  });

  it('a file that cannot be written: exit 1, CLI_ERR_OUTPUT', async () => {
    const blocker = path.join(home(), 'a-file');
    fs.writeFileSync(blocker, '');
    const r = await shoal('config', '--config', path.join(blocker, 'config.yaml'));
    assert.equal(r.code, 1, describeRun(r));
    assert.match(r.stderr, /^shoal config: cannot write the config file .*a-file\/config\.yaml: .*\(CLI_ERR_OUTPUT\)\n$/);
    assert.equal(r.stdout, '');
  });

  it('a bad --set or argument: exit 2, nothing written', async () => {
    const dir = home();
    for (const args of [['--set', 'tap.tls=maybe'], ['--set', 'tap.regexp=x'], ['extra'], ['-r', '--set', 'tap.proxy.hub.srvPort=0']]) {
      const r = await inHome(dir, 'config', ...args);
      assert.equal(r.code, 2, describeRun(r));
      assert.match(r.stderr, /\(CLI_ERR_USAGE\); see 'shoal config --help'\n$/);
    }
    assert.ok(!fs.existsSync(path.join(dir, '.shoal')));
  });
});

describe('a bad config file: exit 2, naming the file, the line and the key', () => {
  for (const [what, text, message] of [
    ['not YAML', 'tap:\n  regex: [\n', /line 3: not YAML: /],
    ['an unknown key', 'tap:\n  tls: true\n  regexp: .*\n', /line 3: unknown key 'tap\.regexp'; the keys under tap are regex, /],
    ['a value its key does not take', 'logLevel: info\ntap:\n  proxy:\n    worker:\n      srvPort: "30001"\n', /line 5: tap\.proxy\.worker\.srvPort: it must be a port number from 1 to 65535, got "30001"/],
  ] as const) {
    it(`${what}: shoal config and shoal manifests refuse it; shoal config -r starts again`, async () => {
      const file = path.join(home(), 'config.yaml');
      fs.writeFileSync(file, text);
      for (const command of ['config', 'manifests']) {
        const r = await shoalWithEnv({ SHOAL_CONFIG: file }, command);
        assert.equal(r.code, 2, describeRun(r));
        assert.equal(r.stdout, '');
        assert.ok(r.stderr.startsWith(`shoal ${command}: ${file} line `), r.stderr);
        assert.match(r.stderr, message);
        assert.match(r.stderr, /\(fix the file, or rewrite it with the defaults: shoal config -r\) \(CLI_ERR_USAGE\)/);
      }
      const fixed = await shoalWithEnv({ SHOAL_CONFIG: file }, 'config', '-r');
      assert.equal(fixed.code, 0, describeRun(fixed));
      assert.equal(fs.readFileSync(file, 'utf8'), CHART_VALUES);
    });
  }

  it('--config naming a file that is not there: exit 2 (a default place may be empty)', async () => {
    const missing = path.join(home(), 'missing.yaml');
    const r = await shoal('manifests', '--config', missing);
    assert.equal(r.code, 2, describeRun(r));
    assert.match(r.stderr, /--config .*missing\.yaml: no such file \(shoal config --config .*missing\.yaml writes one\)/);
    const empty = await inHome(home(), 'manifests');
    assert.equal(empty.code, 0, 'no ~/.shoal/config.yaml: the defaults');
    assert.deepEqual(objects(empty.stdout), builder([]));
  });
});

describe('shoal manifests reads the config file', () => {
  it('the file\'s settings, then --set over them', async () => {
    const dir = home();
    const written = await inHome(dir, 'config', '--set', 'tap.release.namespace=tools', '--set', 'tap.tls=true', '--set', 'tap.proxy.hub.srvPort=9000');
    assert.equal(written.code, 0, describeRun(written));
    const fromFile = await inHome(dir, 'manifests');
    assert.equal(fromFile.code, 0, describeRun(fromFile));
    assert.deepEqual(objects(fromFile.stdout), builder(['tap.release.namespace=tools', 'tap.tls=true', 'tap.proxy.hub.srvPort=9000']));
    const overridden = await inHome(dir, 'manifests', '--set', 'tap.tls=false', '--set', 'tap.regex=^cart-.*');
    assert.equal(overridden.code, 0, describeRun(overridden));
    assert.deepEqual(objects(overridden.stdout), builder(['tap.release.namespace=tools', 'tap.proxy.hub.srvPort=9000', 'tap.tls=false', 'tap.regex=^cart-.*']));
    assert.notDeepEqual(objects(overridden.stdout), objects(fromFile.stdout));
  });

  it('an edited file with some keys only', async () => {
    const file = path.join(home(), 'shoal.yaml');
    fs.writeFileSync(file, 'tap:\n  packetCapture: af_packet\n  docker:\n    registry: registry.example/shoal\n');
    const r = await shoal('manifests', '--config', file);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(objects(r.stdout), builder(['tap.packetCapture=af_packet', 'tap.docker.registry=registry.example/shoal']));
  });
});

describe('docs', () => {
  it('shoal --help names shoal config and the config file; docs/cli.md documents both', async () => {
    const help = (await shoal('--help')).stdout;
    assert.match(help, /^ {2}config +\S/m);
    assert.match(help, /~\/\.shoal\/config\.yaml/);
    const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs/cli.md'), 'utf8');
    assert.match(doc, /^## `shoal config`/m);
    assert.match(doc, /^### Configuration file/m);
    for (const flag of ['-r, --regenerate', '--config PATH', 'SHOAL_CONFIG']) assert.ok(doc.includes(flag), flag);
  });

  it('the defaults printed are the defaults built (the test\'s own check of settingsYaml)', () => {
    assert.equal(settingsYaml(defaultSettings()), CHART_VALUES);
  });
});
