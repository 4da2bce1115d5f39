/**
 * `--set key=value`: typed values, the defaults, and a clear usage error (CLI_ERR_USAGE, naming
 * the key) for every kind of mistake.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applySet, buildObjects, defaultSettings, SETTING_KEYS, settingsFrom, settingValue } from '@shoal/deploy';
import { TOKENS, VERSION } from './helpers/build.js';

/** Asserts that `sets` is refused with CLI_ERR_USAGE and a message matching `message`. */
function refused(sets: string[], message: RegExp): void {
  assert.throws(() => settingsFrom(sets), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'CLI_ERR_USAGE');
    assert.match(err.message, message);
    return true;
  });
}

describe('the keys', () => {
  it('every key has a default, and its default read back as --set text is the same value', () => {
    const defaults = defaultSettings();
    for (const spec of SETTING_KEYS) {
      const value = settingValue(defaults, spec.key);
      assert.notEqual(value, undefined, spec.key);
      assert.deepEqual(settingsFrom([`${spec.key}=${spec.kind.show(value)}`]), defaults, spec.key);
    }
  });

  it('the keys cover every setting, each once', () => {
    const leaves: string[] = [];
    const walk = (o: unknown, at: string): void => {
      if (typeof o === 'object' && o !== null && !Array.isArray(o) && Object.keys(o).length > 0 && !at.endsWith('annotations')) {
        for (const [k, v] of Object.entries(o)) walk(v, at === '' ? k : `${at}.${k}`);
      } else leaves.push(at);
    };
    walk(defaultSettings(), '');
    assert.deepEqual(SETTING_KEYS.map((s) => s.key).sort(), leaves.sort());
  });

  it('Kubeshark\'s names are there', () => {
    const keys = new Set(SETTING_KEYS.map((s) => s.key));
    for (const key of ['tap.regex', 'tap.namespaces', 'tap.excludedNamespaces', 'tap.proxy.worker.srvPort', 'tap.proxy.hub.srvPort', 'tap.proxy.front.port', 'tap.proxy.host', 'tap.storageLimit', 'tap.tls', 'tap.packetCapture', 'tap.resources.sniffer.limits.memory', 'tap.tolerations.workers', 'tap.nodeSelectorTerms.hub', 'tap.ingress.enabled', 'tap.ingress.className', 'tap.ingress.host', 'tap.ingress.path', 'tap.ingress.tls', 'tap.ingress.annotations', 'tap.docker.registry', 'tap.docker.tag', 'tap.docker.imagePullPolicy', 'tap.docker.imagePullSecrets', 'tap.auth.enabled', 'tap.auth.type', 'tap.release.namespace', 'logLevel']) {
      assert.ok(keys.has(key), key);
    }
  });
});

describe('typed values', () => {
  it('numbers, booleans, lists, enumerations and JSON', () => {
    const s = settingsFrom([
      'tap.proxy.hub.srvPort=9000',
      'tap.tls=true',
      'tap.namespaces=shop, pay,,shop',
      'tap.excludedNamespaces={kube-system,monitoring}',
      'tap.packetCapture=af_packet',
      'tap.tolerations.front=[{"key":"dedicated","operator":"Equal","value":"tools","effect":"NoSchedule","tolerationSeconds":30}]',
      'tap.ingress.annotations={"nginx.ingress.kubernetes.io/proxy-read-timeout":"3600"}',
      'tap.regex=(front|cart)-.*',
    ]);
    assert.equal(s.tap.proxy.hub.srvPort, 9000);
    assert.equal(s.tap.tls, true);
    assert.deepEqual(s.tap.namespaces, ['shop', 'pay'], 'trimmed, empty items and repeats dropped');
    assert.deepEqual(s.tap.excludedNamespaces, ['kube-system', 'monitoring'], 'Helm\'s {a,b} list form');
    assert.equal(s.tap.packetCapture, 'af_packet');
    assert.deepEqual(s.tap.tolerations.front, [{ key: 'dedicated', operator: 'Equal', value: 'tools', effect: 'NoSchedule', tolerationSeconds: 30 }]);
    assert.deepEqual(s.tap.ingress.annotations, { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600' });
    assert.equal(s.tap.regex, '(front|cart)-.*');
    assert.deepEqual(settingsFrom(['tap.namespaces=']).tap.namespaces, [], 'empty is the empty list');
  });

  it('a value may contain =; a later --set of the same key wins', () => {
    assert.equal(settingsFrom(['tap.regex=a=b']).tap.regex, 'a=b');
    assert.equal(settingsFrom(['tap.proxy.hub.srvPort=9000', 'tap.proxy.hub.srvPort=9001']).tap.proxy.hub.srvPort, 9001);
  });

  it('each call starts from fresh defaults', () => {
    const s = settingsFrom([]);
    applySet(s, 'tap.tolerations.workers=[]');
    s.tap.nodeSelectorTerms.hub.push({});
    assert.deepEqual(defaultSettings().tap.tolerations.workers, [{ operator: 'Exists', effect: 'NoExecute' }]);
    assert.equal(defaultSettings().tap.nodeSelectorTerms.hub.length, 1);
  });
});

describe('mistakes', () => {
  it('an unknown key lists the known ones', () => {
    refused(['tap.regexp=.*'], /unknown key 'tap\.regexp'; the keys are tap\.regex, .*tap\.storageLimit.*logLevel/);
    refused(['tap.proxy=1'], /unknown key 'tap\.proxy'/);
  });

  it('no = sign', () => refused(['tap.tls'], /--set takes key=value/));

  it('wrong types name the key and what it takes', () => {
    refused(['tap.proxy.hub.srvPort=http'], /tap\.proxy\.hub\.srvPort: it must be a port number from 1 to 65535, got 'http'/);
    refused(['tap.proxy.worker.srvPort=70000'], /srvPort: .*65535/);
    refused(['tap.proxy.front.port=0'], /front\.port: /);
    refused(['tap.tls=yes'], /tap\.tls: it must be true or false, got 'yes'/);
    refused(['tap.packetCapture=pf_ring'], /one of best, ebpf, af_packet, libpcap.*PF_RING/);
    refused(['logLevel=warning'], /logLevel: it must be one of fatal, error, warn, info, debug/);
    refused(['tap.docker.imagePullPolicy=always'], /IfNotPresent, Always, Never/);
  });

  it('values the API would refuse are refused at --set', () => {
    refused(['tap.namespaces=shop,Pay'], /tap\.namespaces: a namespace name must be lower-case/);
    refused(['tap.release.namespace=-x'], /tap\.release\.namespace/);
    refused(['tap.release.name=1shoal'], /must start with a letter/);
    refused([`tap.release.name=${'a'.repeat(49)}`], /48 at most/);
    refused(['tap.storageLimit=500MB'], /tap\.storageLimit: it must be a size/);
    refused(['tap.storageLimit=1Mi'], /at least 16777216 bytes/);
    refused(['tap.resources.hub.limits.memory=5Gb'], /size/);
    refused(['tap.resources.hub.limits.cpu=fast'], /CPU cores/);
    refused(['tap.networkPolicies.apiServerCIDRs=10.0.0.0/33'], /not a CIDR/);
    refused(['tap.docker.imagePullSecrets=Reg_Cred'], /Secret name/);
    refused(['tap.ingress.path=shoal'], /must start with \//);
    refused(['tap.docker.registry='], /must not be empty/);
  });

  it('a pod regex that RE2 refuses (a backreference) says where', () => {
    refused(['tap.regex=(a)\\1'], /tap\.regex: '\(a\)\\1' is not an RE2 regular expression: .*at character/);
  });

  it('JSON values: not JSON, the wrong shape, an unknown field', () => {
    refused(['tap.tolerations.hub={'], /it must be JSON/);
    refused(['tap.tolerations.hub={"operator":"Exists"}'], /must be a JSON array/);
    refused(['tap.tolerations.hub=[{"operator":"Exist"}]'], /\[0\]\.operator must be one of Exists, Equal, got "Exist"/);
    refused(['tap.tolerations.hub=[{"opertor":"Exists"}]'], /\[0\]\.opertor is not a field here; the fields are key, operator/);
    refused(['tap.nodeSelectorTerms.workers=[{"matchExpressions":[{"key":"a"}]}]'], /\[0\]\.matchExpressions\[0\]\.operator is missing/);
    refused(['tap.ingress.annotations={"a":1}'], /\.a must be a string/);
    refused(['tap.ingress.tls=[{"hosts":"x"}]'], /\[0\]\.hosts must be a JSON array/);
  });

  it('settings that do not go together are refused when the objects are built', () => {
    const build = (sets: string[]) => () => buildObjects({ settings: settingsFrom(sets), tokens: TOKENS, version: VERSION });
    assert.throws(build(['tap.ingress.enabled=true']), { code: 'CLI_ERR_USAGE', message: /tap\.ingress\.enabled needs tap\.ingress\.host/ });
  });
});
