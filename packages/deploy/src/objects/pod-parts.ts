import type {
  V1Affinity,
  V1Container,
  V1PodSecurityContext,
  V1PodSpec,
  V1ResourceRequirements,
  V1SecurityContext,
  V1Volume,
  V1VolumeMount,
  V1VolumeProjection,
} from '@kubernetes/client-node';
import type { ContainerResources, PerPod, ResourceAmounts } from '../settings/settings.js';
import { objectName, TOKENS_DIR, type BuildInput, type Component } from './build-context.js';
import { TOKEN_KEYS } from './config.js';

/** `<registry>/shoal-<component>:<tag>`, the tag being Shoal's own version unless one is set. */
export function image(input: BuildInput, component: Component): string {
  const { registry, tag } = input.settings.tap.docker;
  return `${registry.replace(/\/+$/, '')}/shoal-${component}:${tag === '' ? input.version : tag}`;
}

function amounts(a: ResourceAmounts): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (a.cpu !== '') out['cpu'] = a.cpu;
  if (a.memory !== '') out['memory'] = a.memory;
  return Object.keys(out).length > 0 ? out : undefined;
}

export function resources(r: ContainerResources): V1ResourceRequirements {
  const limits = amounts(r.limits);
  const requests = amounts(r.requests);
  return { ...(limits !== undefined ? { limits } : {}), ...(requests !== undefined ? { requests } : {}) };
}

/**
 * What every pod of a kind shares: its tolerations, the nodes it may run on (required node
 * affinity from `tap.nodeSelectorTerms`, linux by default), the registry's pull secrets, and no
 * service account token unless the pod calls the API (the hub).
 */
export function podBasics(input: BuildInput, pod: keyof PerPod<unknown>): Pick<V1PodSpec, 'affinity' | 'tolerations' | 'imagePullSecrets' | 'automountServiceAccountToken'> {
  const { tolerations, nodeSelectorTerms, docker } = input.settings.tap;
  const terms = nodeSelectorTerms[pod];
  const affinity: V1Affinity | undefined = terms.length > 0 ? { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: structuredClone(terms) } } } : undefined;
  return {
    automountServiceAccountToken: pod === 'hub',
    ...(affinity !== undefined ? { affinity } : {}),
    ...(tolerations[pod].length > 0 ? { tolerations: structuredClone(tolerations[pod]) } : {}),
    ...(docker.imagePullSecrets.length > 0 ? { imagePullSecrets: docker.imagePullSecrets.map((name) => ({ name })) } : {}),
  };
}

/** The path of a token file in the pod. */
export function tokenFile(key: keyof typeof TOKEN_KEYS): string {
  return podFile(TOKEN_KEYS[key]);
}

/** The path of a file of the tokens volume in the pod. */
export function podFile(name: string): string {
  return `${TOKENS_DIR}/${name}`;
}

/**
 * The tokens a pod needs and no others, from both Secrets into one read-only directory, with
 * `more` files (the front's OIDC client secret and roles); files readable by the pod's group
 * only (fsGroup for the non-root hub and front).
 */
export function tokensVolume(input: BuildInput, keys: (keyof typeof TOKEN_KEYS)[], more: V1VolumeProjection[] = []): { volume: V1Volume; mount: V1VolumeMount } {
  const inTokens = keys.filter((k) => k !== 'signIn').map((k) => ({ key: TOKEN_KEYS[k], path: TOKEN_KEYS[k] }));
  const sources = [
    ...(inTokens.length > 0 ? [{ secret: { name: objectName(input, 'tokens'), items: inTokens } }] : []),
    ...(keys.includes('signIn') ? [{ secret: { name: objectName(input, 'sign-in'), items: [{ key: TOKEN_KEYS.signIn, path: TOKEN_KEYS.signIn }] } }] : []),
    ...more,
  ];
  return {
    volume: { name: 'tokens', projected: { sources, defaultMode: 0o440 } },
    mount: { name: 'tokens', mountPath: TOKENS_DIR, readOnly: true },
  };
}

/** The user the hub and front run as when the image does not say: non-root, no home, no shell. */
export const NON_ROOT_ID = 65532;

/** Pod Security Standards "restricted" for the hub and the front: non-root, default seccomp profile. */
export function restrictedPod(): V1PodSecurityContext {
  return { runAsNonRoot: true, runAsUser: NON_ROOT_ID, runAsGroup: NON_ROOT_ID, fsGroup: NON_ROOT_ID, seccompProfile: { type: 'RuntimeDefault' } };
}

/** ...and for their containers: no capability, no privilege escalation, a read-only root filesystem. */
export function restrictedContainer(): V1SecurityContext {
  return {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** An HTTP probe; `host` is a Host header for servers that check it (the front). */
export function httpProbe(path: string, port: string, period: number, failures: number, host?: string): V1Container['readinessProbe'] {
  return {
    httpGet: { path, port, ...(host !== undefined ? { httpHeaders: [{ name: 'Host', value: host }] } : {}) },
    periodSeconds: period,
    timeoutSeconds: 2,
    failureThreshold: failures,
  };
}
