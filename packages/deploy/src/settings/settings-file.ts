import { ShoalError } from '@shoal/model';
import { Document, isMap, isScalar, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { SETTING_KEYS, type SettingSpec } from './setting-keys.js';
import { settingValue, setValue } from './set-option.js';
import { defaultSettings, type Settings } from './settings.js';

/**
 * The settings as a YAML file: `~/.shoal/config.yaml` (`shoal config`) and the chart's values.yaml
 * are this text for the defaults, so a config file also serves as `helm install -f`. The nesting
 * is the keys' (`tap.proxy.hub.srvPort` is `tap: proxy: hub: srvPort:`), in SETTING_KEYS' order,
 * each key under a comment saying what it is for. YAML 1.1, as Helm reads values: strings such
 * as `y` or `0755` are written quoted.
 */
const HEADER = `Shoal's settings, each with its default: the keys of --set (shoal tap, shoal manifests) and of
the Helm chart's values. shoal reads them from ~/.shoal/config.yaml (shoal config writes it),
then applies --set; docs/cli.md says what each key takes. In the Helm chart, the release's
name and namespace are Helm's (helm install NAME -n NAMESPACE), not tap.release.*.`;

function comment(spec: SettingSpec): string {
  const choices = spec.kind.schema.enum;
  return ` ${spec.help}${choices !== undefined ? ` (${choices.join(' | ')})` : ''}`;
}

/** The settings as the commented YAML text of a config file. */
export function settingsYaml(settings: Settings): string {
  const nested: Record<string, unknown> = {};
  for (const spec of SETTING_KEYS) {
    const parts = spec.key.split('.');
    const last = parts.pop()!;
    let at = nested;
    for (const part of parts) at = (at[part] ??= {}) as Record<string, unknown>;
    at[last] = settingValue(settings, spec.key);
  }
  const doc = new Document(nested, { version: '1.1', aliasDuplicateObjects: false });
  doc.commentBefore = HEADER.split('\n').map((l) => ` ${l}`).join('\n');
  for (const spec of SETTING_KEYS) {
    const parts = spec.key.split('.');
    const last = parts.pop()!;
    const map = parts.length === 0 ? doc.contents : doc.getIn(parts, true);
    const pair = (map as { items: Pair<Node>[] }).items.find((p) => isScalar(p.key) && p.key.value === last)!;
    pair.key!.commentBefore = comment(spec);
  }
  return doc.toString({ lineWidth: 0 });
}

/** The key paths that hold other keys (`tap`, `tap.proxy`, …), with the names under each. */
function groups(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { key } of SETTING_KEYS) {
    const parts = key.split('.');
    for (let i = 0; i < parts.length; i++) {
      const at = parts.slice(0, i).join('.');
      const names = out.get(at) ?? [];
      if (!names.includes(parts[i]!)) names.push(parts[i]!);
      out.set(at, names);
    }
  }
  return out;
}

/**
 * The settings of a config file's text: the defaults, with every key the file gives read by its
 * kind. A file may leave keys out. Bad YAML, an unknown key or a value its key does not take is a
 * usage error (CLI_ERR_USAGE, exit 2) naming `source`, the line and the key.
 */
export function readSettingsYaml(text: string, source: string): Settings {
  const lines = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: Node | null | undefined): number => lines.linePos(node?.range?.[0] ?? 0).line;
  const fail = (line: number, message: string): never => {
    throw new ShoalError('CLI_ERR_USAGE', `${source} line ${line}: ${message}`);
  };
  const error = doc.errors[0];
  if (error !== undefined) fail(lines.linePos(error.pos[0]).line, `not YAML: ${error.message}`);
  const settings = defaultSettings();
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return settings;
  const known = groups();
  const specs = new Map(SETTING_KEYS.map((s) => [s.key, s]));
  const walk = (node: Node, at: string): void => {
    if (!isMap(node)) fail(lineOf(node), `${at === '' ? 'the file' : at} must be a map of keys (${known.get(at)!.join(', ')})`);
    for (const pair of (node as { items: Pair<Node, Node>[] }).items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '';
      const key = at === '' ? name : `${at}.${name}`;
      const spec = specs.get(key);
      if (spec !== undefined) {
        try {
          setValue(settings, key, spec.kind.read(pair.value?.toJS(doc) ?? null));
        } catch (err) {
          fail(lineOf(pair.value ?? pair.key), `${key}: ${(err as Error).message}`);
        }
      } else if (known.has(key)) {
        walk(pair.value ?? (pair.key as Node), key);
      } else {
        fail(lineOf(pair.key), `unknown key '${key}'; the keys ${at === '' ? 'at the top' : `under ${at}`} are ${known.get(at)!.join(', ')}`);
      }
    }
  };
  walk(doc.contents as Node, '');
  return settings;
}
