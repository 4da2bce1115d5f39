/**
 * The settings as a YAML file (`~/.shoal/config.yaml`, the chart's values.yaml): what
 * settingsYaml writes, readSettingsYaml reads back the same; a file may give only some keys; it
 * is read as Helm reads values (YAML 1.1); every mistake is a usage error naming the file, the line
 * and the key.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultSettings, readSettingsYaml, settingsFrom, settingsYaml } from '@shoal/deploy';

/** Asserts that `text` is refused with CLI_ERR_USAGE and a message matching `message`. */
function refused(text: string, message: RegExp): void {
  assert.throws(() => readSettingsYaml(text, 'config.yaml'), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'CLI_ERR_USAGE');
    assert.match(err.message, message);
    return true;
  });
}

describe('written and read back', () => {
  for (const sets of [
    [],
    ['tap.regex=^(a|b)-.*$', 'tap.namespaces=shop,pay', 'tap.tls=true', 'tap.proxy.hub.srvPort=9000', 'tap.resources.hub.limits.cpu=2', 'tap.docker.tag=0755', 'tap.release.namespace=y', 'tap.ingress.host=on'],
    ['tap.tolerations.hub=[{"key":"k","operator":"Equal","value":"v","effect":"NoSchedule","tolerationSeconds":30}]', 'tap.ingress.annotations={"a.example/b":"no"}', 'tap.nodeSelectorTerms.workers=[]', 'logLevel=debug'],
  ]) {
    it(`the same settings (${sets.join(' ') || 'defaults'}), strings YAML 1.1 would misread quoted`, () => {
      const settings = settingsFrom(sets);
      assert.deepEqual(readSettingsYaml(settingsYaml(settings), 'config.yaml'), settings);
    });
  }

  it('the OIDC sign-in as a config file (the chart\'s values): roles as YAML, the same settings as --set', () => {
    const text = [
      'tap:',
      '  publicUrl: https://shoal.example',
      '  auth:',
      '    type: oidc',
      '    oidc:',
      '      issuer: https://login.example/realms/team',
      '      clientId: shoal',
      '      clientSecretRef: { name: idp-client, key: secret }',
      '      scopes: [openid, email, groups]',
      '    roles:',
      '      - name: shop-devs',
      '        groups: [shop-devs]',
      '        users: [alice@example.test]',
      '        namespaces: [shop]',
      '      - { name: ops, groups: [ops], namespaces: ["*"], admin: yes }',
      '',
    ].join('\n');
    const settings = readSettingsYaml(text, 'config.yaml');
    assert.deepEqual(settings, settingsFrom([
      'tap.publicUrl=https://shoal.example',
      'tap.auth.type=oidc',
      'tap.auth.oidc.issuer=https://login.example/realms/team',
      'tap.auth.oidc.clientId=shoal',
      'tap.auth.oidc.clientSecretRef.name=idp-client',
      'tap.auth.oidc.clientSecretRef.key=secret',
      'tap.auth.oidc.scopes=openid,email,groups',
      'tap.auth.roles=[{"name":"shop-devs","groups":["shop-devs"],"users":["alice@example.test"],"namespaces":["shop"]},{"name":"ops","groups":["ops"],"namespaces":["*"],"admin":true}]',
    ]));
    assert.deepEqual(readSettingsYaml(settingsYaml(settings), 'config.yaml'), settings);
    refused('tap:\n  auth:\n    roles:\n      - name: a\n        namespaces: [Shop]\n', /line 4: tap\.auth\.roles: \[0\]\.namespaces\[0\] must be a namespace name or "\*", got "Shop"/);
  });

  it('an empty file, or one of comments only, is the defaults', () => {
    assert.deepEqual(readSettingsYaml('', 'config.yaml'), defaultSettings());
    assert.deepEqual(readSettingsYaml('# nothing yet\n', 'config.yaml'), defaultSettings());
  });

  it('a file may give some keys only: the others keep their defaults', () => {
    const settings = readSettingsYaml('tap:\n  tls: true\n  proxy:\n    hub:\n      srvPort: 9000\nlogLevel: warn\n', 'config.yaml');
    assert.deepEqual(settings, settingsFrom(['tap.tls=true', 'tap.proxy.hub.srvPort=9000', 'logLevel=warn']));
  });

  it('read as Helm reads values (YAML 1.1): yes is true, and 0755 a number', () => {
    assert.equal(readSettingsYaml('tap:\n  tls: yes\n', 'f').tap.tls, true);
    refused('tap:\n  docker:\n    tag: 0755\n', /line 3: tap\.docker\.tag: it must be a string .*got 493/);
  });
});

describe('mistakes name the file, the line and the key', () => {
  it('not YAML', () => refused('tap:\n  regex: [\n', /^config\.yaml line \d: not YAML: /));

  it('a key given twice', () => refused('tap:\n  tls: true\n  tls: false\n', /^config\.yaml line 3: not YAML: .*[Uu]nique/));

  it('an unknown key lists the keys at its place', () => {
    refused('tap:\n  regexp: .*\n', /^config\.yaml line 2: unknown key 'tap\.regexp'; the keys under tap are regex, namespaces, .*networkPolicies$/);
    refused('loglevel: info\n', /^config\.yaml line 1: unknown key 'loglevel'; the keys at the top are tap, logLevel$/);
    refused('tap:\n  proxy:\n    hub:\n      port: 1\n', /line 4: unknown key 'tap\.proxy\.hub\.port'; the keys under tap\.proxy\.hub are srvPort$/);
  });

  it('a value its key does not take, with the kind\'s own message', () => {
    refused('tap:\n  proxy:\n    hub:\n      srvPort: http\n', /^config\.yaml line 4: tap\.proxy\.hub\.srvPort: it must be a port number from 1 to 65535, got "http"$/);
    refused('tap:\n  packetCapture: pf_ring\n', /line 2: tap\.packetCapture: it must be one of best, ebpf, af_packet, libpcap, got "pf_ring"/);
    refused('tap:\n  namespaces: shop\n', /line 2: tap\.namespaces: it must be a list of namespace names, got "shop"/);
    refused('tap:\n  namespaces: [shop, shop]\n', /line 2: tap\.namespaces: 'shop' is listed twice/);
    refused('tap:\n  tolerations:\n    hub:\n      - opertor: Exists\n', /line 4: tap\.tolerations\.hub: \[0\]\.opertor is not a field here/);
    refused('tap:\n  regex: "(a)\\\\1"\n', /line 2: tap\.regex: '\(a\)\\1' is not an RE2 regular expression/);
    refused('tap:\n  storageLimit: 1Mi\n', /line 2: tap\.storageLimit: it must be at least 16777216 bytes/);
    refused('tap:\n  regex:\n', /line 2: tap\.regex: it must be a string .*got null/);
  });

  it('a group that is not a map', () => {
    refused('tap: 3\n', /^config\.yaml line 1: tap must be a map of keys \(regex, namespaces, /);
    refused('- a\n', /^config\.yaml line 1: the file must be a map of keys \(tap, logLevel\)/);
  });
});
