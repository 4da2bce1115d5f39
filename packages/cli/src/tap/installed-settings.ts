import type { V1ConfigMap } from '@kubernetes/client-node';
import { defaultSettings, SETTING_KEYS, SETTINGS_KEY, settingValue, type Settings } from '@shoal/deploy';
import { ShoalError } from '@shoal/model';
import { isNotFound } from '../kube/kube-errors.js';
import type { KubeClient } from '../kube/kube-client.js';
import { releaseObjects, settingsConfigMap } from './release-objects.js';

/**
 * The settings of a `settings.json`, each key it lacks at its default: an installation made by an
 * older version has no key added since (`tap.auth.oidc.*` and others), and every key must be
 * there for the builder to rebuild its objects.
 */
function overDefaults(installed: unknown): Settings {
  const settings = defaultSettings();
  for (const { key } of SETTING_KEYS) {
    const parts = key.split('.');
    const value = parts.reduce<unknown>((v, part) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[part] : undefined), installed);
    if (value === undefined) continue;
    const last = parts.pop()!;
    const holder = parts.reduce<Record<string, unknown>>((o, part) => o[part] as Record<string, unknown>, settings as unknown as Record<string, unknown>);
    holder[last] = value;
  }
  return settings;
}

/**
 * The settings an installation runs with, from its ConfigMap's `settings.json` (the builder
 * writes every setting there, the OIDC client secret left out), or undefined when the release is
 * not installed.
 */
export async function installedSettings(client: KubeClient, settings: Settings): Promise<Settings | undefined> {
  const name = settingsConfigMap(releaseObjects(settings)).metadata!.name!;
  const namespace = settings.tap.release.namespace;
  const configMap = await client.call({ verb: 'get', group: '', resource: 'configmaps', namespace, name }, async (): Promise<V1ConfigMap | undefined> => {
    try {
      return await client.core.readNamespacedConfigMap({ name, namespace });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  });
  if (configMap === undefined) return undefined;
  try {
    return overDefaults(JSON.parse(configMap.data?.[SETTINGS_KEY] ?? ''));
  } catch {
    throw new ShoalError('CLI_ERR_CLUSTER', `ConfigMap ${name} in namespace ${namespace} holds no readable ${SETTINGS_KEY}: remove the installation (shoal clean -s ${namespace}) and tap again`);
  }
}

/** The settings that decide what a user's machine does, not what runs in the cluster. */
const LOCAL_KEYS = new Set(['tap.proxy.front.port', 'tap.proxy.host']);
/** What a second `shoal tap` changes in an installation. */
export const TARGET_KEYS = ['tap.regex', 'tap.namespaces', 'tap.excludedNamespaces'] as const;

/** The keys this command line set to other values than the installation has (targets and local keys aside). */
export function differingSettings(installed: Settings, wanted: Settings, given: ReadonlySet<string>): string[] {
  return SETTING_KEYS.map((s) => s.key).filter((key) =>
    given.has(key) && !LOCAL_KEYS.has(key) && !(TARGET_KEYS as readonly string[]).includes(key)
    && JSON.stringify(settingValue(installed, key)) !== JSON.stringify(settingValue(wanted, key)),
  );
}

/** The installed settings with the wanted targets, and nothing else changed. */
export function retargeted(installed: Settings, wanted: Settings): Settings {
  const out = structuredClone(installed);
  out.tap.regex = wanted.tap.regex;
  out.tap.namespaces = [...wanted.tap.namespaces];
  out.tap.excludedNamespaces = [...wanted.tap.excludedNamespaces];
  return out;
}

/** `pods matching 'web' in namespaces shop, pay, except in kube-system`: a selection in words. */
export function targetsText(settings: Settings): string {
  const { regex, namespaces, excludedNamespaces } = settings.tap;
  return `pods matching '${regex}' in ${namespaces.length > 0 ? `namespace${namespaces.length > 1 ? 's' : ''} ${namespaces.join(', ')}` : 'every namespace'}${excludedNamespaces.length > 0 ? `, except in ${excludedNamespaces.join(', ')}` : ''}`;
}
