/**
 * The builder's pods as `podman kube play` (podman 4.3, Debian's) can run them. kube play is a
 * partial kubelet: what it cannot do is changed here, in one place, and nothing else, so that a
 * test can list the differences (`differences`) and assert they are exactly these.
 */
import type { V1Container, V1DaemonSet, V1Deployment, V1EnvVar, V1Secret, V1Volume } from '@kubernetes/client-node';

/** A DaemonSet's pod as a Deployment of one (kube play ignores DaemonSets): the kind, nothing else. */
export function asDeployment(ds: V1DaemonSet): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: structuredClone(ds.metadata),
    spec: { replicas: 1, selector: structuredClone(ds.spec!.selector), template: structuredClone(ds.spec!.template) },
  };
}

/** The files a projected volume of Secrets puts in its directory: path → content, from the Secrets' stringData. */
export function projectedFiles(volume: V1Volume, secrets: V1Secret[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const source of volume.projected?.sources ?? []) {
    const secret = secrets.find((s) => s.metadata!.name === source.secret?.name);
    if (secret === undefined) throw new Error(`volume ${volume.name}: no Secret ${source.secret?.name ?? '(not a secret source)'}`);
    for (const item of source.secret!.items ?? []) files[item.path] = secret.stringData![item.key]!;
  }
  return files;
}

/** What the kubelet knows of a pod that podman does not: the downward API's values. */
export interface PodFacts {
  nodeName: string;
  nodeIp: string;
  podIp: string;
}

const DOWNWARD: Record<string, keyof PodFacts> = { 'spec.nodeName': 'nodeName', 'status.hostIP': 'nodeIp', 'status.podIP': 'podIp' };

function downwardValue(env: V1EnvVar, facts: PodFacts): V1EnvVar {
  const path = env.valueFrom?.fieldRef?.fieldPath;
  if (path === undefined) return env;
  const fact = DOWNWARD[path];
  if (fact === undefined) throw new Error(`env ${env.name}: no value for the downward API's ${path}`);
  return { name: env.name, value: facts[fact] };
}

/** `$(VAR)` in an argument replaced by the container's env, as the kubelet does (`$$` escapes). */
function expand(arg: string, env: V1EnvVar[]): string {
  return arg.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (all, name?: string) => {
    if (name === undefined) return '$';
    return env.find((e) => e.name === name)?.value ?? all;
  });
}

function forPodmanContainer(c: V1Container, facts: PodFacts): V1Container {
  const env = (c.env ?? []).map((e) => downwardValue(e, facts));
  const out: V1Container = { ...c, ...(c.env !== undefined ? { env } : {}), ...(c.args !== undefined ? { args: c.args.map((a) => expand(a, env)) } : {}) };
  delete out.ports;
  return out;
}

/**
 * The Deployment as kube play can run it, on the host's network (`--network host`):
 * - the projected `tokens` volume becomes a `secret` volume of the podman secret `tokensSecret`
 *   holding the same files: podman has no projected volumes (and 4.3 needs `optional` set);
 * - env from the downward API (spec.nodeName, status.hostIP, status.podIP) becomes its value, and
 *   `$(VAR)` in args is expanded, as the kubelet does: podman knows only metadata.* fieldRefs and
 *   expands nothing;
 * - containers lose `ports`: podman publishes every containerPort on the host and refuses to on
 *   the host's network, where a container's ports are the node's anyway.
 */
export function forPodman(deployment: V1Deployment, tokensSecret: string, facts: PodFacts): V1Deployment {
  const out = structuredClone(deployment);
  const pod = out.spec!.template.spec!;
  pod.volumes = pod.volumes!.map((v) => (v.name === 'tokens' ? { name: v.name, secret: { secretName: tokensSecret, optional: false } } : v));
  pod.containers = pod.containers.map((c) => forPodmanContainer(c, facts));
  return out;
}

/** The paths (a.b.0.c) where two JSON values differ. */
export function differences(a: unknown, b: unknown, at = ''): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (!isObject(a) || !isObject(b) || Array.isArray(a) !== Array.isArray(b)) return Object.is(a, b) ? [] : [at];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) => differences(a[k], b[k], at === '' ? k : `${at}.${k}`));
}
