import type { V1ConfigMap, V1DaemonSet, V1Deployment, V1Secret, V1Service } from '@kubernetes/client-node';
import { buildObjects, newClusterTokens, SHOAL_VERSION, type BuiltObject, type Settings } from '@shoal/deploy';

/**
 * The builder's objects for some settings, and the few of them the commands look up by what they
 * are (the front's Service, the sign-in Secret, the settings ConfigMap): names come from the
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

export const settingsConfigMap = (built: readonly BuiltObject[]): V1ConfigMap => one(built, 'ConfigMap', undefined, 'settings ConfigMap');
export const frontService = (built: readonly BuiltObject[]): V1Service => one(built, 'Service', 'front', 'front Service');
export const frontDeployment = (built: readonly BuiltObject[]): V1Deployment => one(built, 'Deployment', 'front', 'front Deployment');
export const hubService = (built: readonly BuiltObject[]): V1Service => one(built, 'Service', 'hub', 'hub Service');
export const hubDeployment = (built: readonly BuiltObject[]): V1Deployment => one(built, 'Deployment', 'hub', 'hub Deployment');
export const workerDaemonSet = (built: readonly BuiltObject[]): V1DaemonSet => one(built, 'DaemonSet', 'worker', 'worker DaemonSet');
/** The Secret of the tokens the pods share (the hub's client token among them). */
export const tokensSecret = (built: readonly BuiltObject[]): V1Secret => one(built, 'Secret', 'config', 'tokens Secret');

/** The sign-in Secret, when the settings make one (`tap.auth.enabled`). */
export function signInSecret(built: readonly BuiltObject[]): V1Secret | undefined {
  return built.find((b) => b.object.kind === 'Secret' && component(b) === 'front')?.object as V1Secret | undefined;
}
