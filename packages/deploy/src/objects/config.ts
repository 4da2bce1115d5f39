import { TARGETS_CONFIG_KEY, type TargetSelection } from '@shoal/model';
import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import type { Settings } from '../settings/settings.js';
import { objectName, type BuildInput } from './build-context.js';
import { metadata } from './labels.js';

/** The ConfigMap's keys (targets.json: TARGETS_CONFIG_KEY, which the hub follows). */
export const SETTINGS_KEY = 'settings.json';

/** The Secrets' keys, one file each in the pods that need them (TOKENS_DIR). */
export const TOKEN_KEYS = { worker: 'worker-token', hub: 'hub-token', signIn: 'sign-in-token', identity: 'identity-key' } as const;

/** The OIDC client secret's key in the Secret made for it (`tap.auth.oidc.clientSecret`). */
export const CLIENT_SECRET_KEY = 'client-secret';

/** The roles ConfigMap's key: the front's `--roles-file`, JSON (which YAML readers read too). */
export const ROLES_KEY = 'roles.json';

/**
 * JSON on one line with every object's keys sorted: what the chart's template writes (Helm's
 * toRawJson; Go's encoder sorts map keys), so both make the same bytes.
 */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** The settings with the OIDC client secret left out (it is in its Secret only). */
function withoutSecrets(settings: Settings): Settings {
  const out = structuredClone(settings);
  out.tap.auth.oidc.clientSecret = '';
  return out;
}

/**
 * The installation's settings and the hub's target selection: `targets.json` is the body of the
 * hub's PUT /targets (`tap.regex`, `tap.namespaces`, `tap.excludedNamespaces`), `settings.json`
 * every setting as installed, so `shoal tap` and `shoal version` can tell what runs. No secret is
 * in it.
 */
export function settingsConfigMap(input: BuildInput): V1ConfigMap {
  const { tap } = input.settings;
  const selection: TargetSelection = { podRegex: tap.regex, namespaces: tap.namespaces, excludedNamespaces: tap.excludedNamespaces };
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(input, objectName(input, 'config'), 'config'),
    data: {
      [SETTINGS_KEY]: sortedJson(withoutSecrets(input.settings)) + '\n',
      [TARGETS_CONFIG_KEY]: sortedJson(selection) + '\n',
    },
  };
}

/**
 * The tokens the pods share, which users never need: the workers' API token (hub ↔ worker), the
 * hub's client token (front → hub, and the CLI's calls through the API server's proxy), and the
 * identity key (front → hub with the OIDC sign-in; made with the others so that turning the
 * sign-in on later needs no new Secret).
 */
export function tokensSecret(input: BuildInput): V1Secret {
  return opaqueSecret(input, 'tokens', 'config', { [TOKEN_KEYS.hub]: input.tokens.hub, [TOKEN_KEYS.worker]: input.tokens.worker, [TOKEN_KEYS.identity]: input.tokens.identity });
}

/** A Secret of the release named `<release>-<name>`, labelled for `component`, holding `data`. */
function opaqueSecret(input: BuildInput, name: string, component: Parameters<typeof metadata>[2], data: Record<string, string>): V1Secret {
  return { apiVersion: 'v1', kind: 'Secret', metadata: metadata(input, objectName(input, name), component), type: 'Opaque', stringData: data };
}

/** The dashboard's sign-in token, alone in its Secret: who may read it may see the traffic, nothing more. */
export function signInSecret(input: BuildInput): V1Secret {
  return opaqueSecret(input, 'sign-in', 'front', { [TOKEN_KEYS.signIn]: input.tokens.signIn });
}

/** The OIDC client secret given as `tap.auth.oidc.clientSecret`, alone in its Secret. */
export function oidcSecret(input: BuildInput): V1Secret {
  return opaqueSecret(input, 'oidc', 'front', { [CLIENT_SECRET_KEY]: input.settings.tap.auth.oidc.clientSecret });
}

/**
 * `tap.auth.roles` as the front's roles file (`{"roles": […]}`, keys sorted as the chart writes
 * them), in a ConfigMap of its own: the hub may write the settings ConfigMap (its targets), and
 * must not be able to widen anyone's scope.
 */
export function rolesConfigMap(input: BuildInput): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(input, objectName(input, 'roles'), 'front'),
    data: { [ROLES_KEY]: sortedJson({ roles: input.settings.tap.auth.roles }) + '\n' },
  };
}
