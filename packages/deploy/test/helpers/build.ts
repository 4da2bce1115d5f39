import type { V1Container, V1DaemonSet, V1Deployment, V1PodSpec } from '@kubernetes/client-node';
import { buildObjects, settingsFrom, type BuiltObject, type ClusterTokens, type ShoalObject } from '@shoal/deploy';

export const TOKENS: ClusterTokens = { worker: 'worker-token-0123456789', hub: 'hub-token-0123456789', signIn: 'sign-in-token-0123456789', identity: 'identity-key-0123456789-0123456789-0123456789' };
export const VERSION = '9.8.7';

/** The objects for these `--set` assignments, with fixed tokens and version. */
export function build(sets: string[] = [], tokens: ClusterTokens = TOKENS): BuiltObject[] {
  return buildObjects({ settings: settingsFrom(sets), tokens, version: VERSION });
}

export function objectsOf(built: BuiltObject[]): ShoalObject[] {
  return built.map((b) => b.object);
}

/** The one object of `kind` (and `name`, if given); throws when there is not exactly one. */
export function one<T extends ShoalObject = ShoalObject>(built: BuiltObject[], kind: string, name?: string): T {
  const found = built.filter((b) => b.object.kind === kind && (name === undefined || b.object.metadata?.name === name));
  if (found.length !== 1) throw new Error(`${found.length} objects of kind ${kind}${name !== undefined ? ` named ${name}` : ''}`);
  return found[0]!.object as T;
}

/** The pod specs of the Deployments and the DaemonSet, by object name. */
export function podSpecs(built: BuiltObject[]): Map<string, V1PodSpec> {
  const pods = new Map<string, V1PodSpec>();
  for (const { object } of built) {
    if (object.kind === 'Deployment' || object.kind === 'DaemonSet') {
      pods.set(object.metadata!.name!, (object as V1Deployment | V1DaemonSet).spec!.template.spec!);
    }
  }
  return pods;
}

export function containers(built: BuiltObject[]): V1Container[] {
  return [...podSpecs(built).values()].flatMap((p) => [...(p.initContainers ?? []), ...p.containers]);
}

/** Every combination of the settings that change the workers' rights. */
export const CAPTURE_SETTINGS: { sets: string[]; ebpf: boolean; tls: boolean }[] = [
  ...(['best', 'ebpf', 'af_packet', 'libpcap'] as const).flatMap((capture) =>
    [false, true].map((tls) => ({ sets: [`tap.packetCapture=${capture}`, `tap.tls=${tls}`], ebpf: capture === 'best' || capture === 'ebpf', tls })),
  ),
];

export const workerDaemonSet = (built: BuiltObject[]): V1DaemonSet => one<V1DaemonSet>(built, 'DaemonSet');
export const workerContainer = (built: BuiltObject[]): V1Container => workerDaemonSet(built).spec!.template.spec!.containers[0]!;
export const deployment = (built: BuiltObject[], name: string): V1Deployment => one<V1Deployment>(built, 'Deployment', name);
