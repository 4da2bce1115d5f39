import type { V1ConfigMap, V1DaemonSet, V1Deployment, V1Secret, V1Service } from '@kubernetes/client-node';
import { buildObjects, newClusterTokens, SETTINGS_KEY, SHOAL_VERSION, TOKEN_KEYS, type BuiltObject, type Settings } from '@shoal/deploy';

/**
 * The builder's objects for some settings, and the few of them the commands look up by what they
 * are (the front's Service, the sign-in Secret, the settings ConfigMap), never by their order
 * among others of their kind (the OIDC sign-in adds a Secret and a ConfigMap): names come from the
 * builder, never spelled here. Tokens are fresh unless given; only an install uses them.
 */
export function releaseObjects(settings: Settings, tokens = newClusterTokens()): BuiltObject[] {
  return buildObjects({ settings, tokens, version: SHOAL_VERSION });
}

function component(b: BuiltObject): string | undefined {
  return b.object.metadata?.labels?.['app.kubernetes.io/component'];
}

function one<T>(built: readonly BuiltObject[], kind: string, part: string | undefined, what: string): T {
  const found = built.find((b) => b.object.kind === kind && (part === undefined || component(b) === part) && !b.object.metadata?.name?.endsWith('-metrics'));
  if (found === undefined) throw new Error(`the builder made no ${what}`);
  return found.object as T;
}

/** The settings ConfigMap (where the hub keeps the targets), as built: the one object a second `shoal tap` applies. */
export function settingsObject(built: readonly BuiltObject[]): BuiltObject {
  const found = built.find((b) => b.object.kind === 'ConfigMap' && (b.object as V1ConfigMap).data?.[SETTINGS_KEY] !== undefined);
  if (found === undefined) throw new Error('the builder made no settings ConfigMap');
  return found;
}

export const settingsConfigMap = (built: readonly BuiltObject[]): V1ConfigMap => settingsObject(built).object as V1ConfigMap;
export const frontService = (built: readonly BuiltObject[]): V1Service => one(built, 'Service', 'front', 'front Service');
export const frontDeployment = (built: readonly BuiltObject[]): V1Deployment => one(built, 'Deployment', 'front', 'front Deployment');
export const hubService = (built: readonly BuiltObject[]): V1Service => one(built, 'Service', 'hub', 'hub Service');
export const hubDeployment = (built: readonly BuiltObject[]): V1Deployment => one(built, 'Deployment', 'hub', 'hub Deployment');
export const workerDaemonSet = (built: readonly BuiltObject[]): V1DaemonSet => one(built, 'DaemonSet', 'worker', 'worker DaemonSet');
/** The Secret that holds `key`, if the builder made one. */
function secretWith(built: readonly BuiltObject[], key: string): V1Secret | undefined {
  return built.find((b) => b.object.kind === 'Secret' && (b.object as V1Secret).stringData?.[key] !== undefined)?.object as V1Secret | undefined;
}

/** The Secret of the tokens the pods share (the hub's client token among them). */
export function tokensSecret(built: readonly BuiltObject[]): V1Secret {
  const found = secretWith(built, TOKEN_KEYS.hub);
  if (found === undefined) throw new Error('the builder made no tokens Secret');
  return found;
}

/** The sign-in Secret, when the settings make one (`tap.auth.enabled` with `tap.auth.type=token`). */
export function signInSecret(built: readonly BuiltObject[]): V1Secret | undefined {
  return secretWith(built, TOKEN_KEYS.signIn);
}
