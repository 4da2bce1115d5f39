import type { V1DaemonSet, V1Deployment } from '@kubernetes/client-node';
import type { Settings } from '@shoal/deploy';
import { isNotFound } from '../kube/kube-errors.js';
import type { KubeClient } from '../kube/kube-client.js';
import { frontDeployment, hubDeployment, releaseObjects, workerDaemonSet } from '../tap/release-objects.js';

/**
 * What an installation runs, read from its three workloads (named by the builder for the
 * release): the `app.kubernetes.io/version` label the builder and the chart put on everything,
 * and the image of each one's first container. A workload that is not there is said so.
 */
export interface InstalledWorkload {
  /** `hub`, `front`, `workers`. */
  label: string;
  kind: 'Deployment' | 'DaemonSet';
  name: string;
  found: boolean;
  version?: string;
  image?: string;
}

const VERSION_LABEL = 'app.kubernetes.io/version';

/** The tag of an image reference (`registry:5000/shoal-hub:0.1.0@sha256:…` → `0.1.0`), if it has one. */
export function imageTag(image: string): string | undefined {
  const name = image.split('@')[0]!;
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
}

export async function installedWorkloads(client: KubeClient, settings: Settings): Promise<InstalledWorkload[]> {
  const built = releaseObjects(settings);
  const wanted = [
    { label: 'hub', kind: 'Deployment' as const, object: hubDeployment(built) },
    { label: 'front', kind: 'Deployment' as const, object: frontDeployment(built) },
    { label: 'workers', kind: 'DaemonSet' as const, object: workerDaemonSet(built) },
  ];
  const out: InstalledWorkload[] = [];
  for (const w of wanted) {
    const name = w.object.metadata!.name!;
    const namespace = w.object.metadata!.namespace!;
    const call = { verb: 'get', group: 'apps', resource: w.kind === 'Deployment' ? 'deployments' : 'daemonsets', namespace, name };
    const found = await client.call(call, async (): Promise<V1Deployment | V1DaemonSet | undefined> => {
      try {
        return w.kind === 'Deployment' ? await client.apps.readNamespacedDeployment({ name, namespace }) : await client.apps.readNamespacedDaemonSet({ name, namespace });
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    });
    const version = found?.metadata?.labels?.[VERSION_LABEL];
    const image = found?.spec?.template.spec?.containers[0]?.image;
    out.push({ label: w.label, kind: w.kind, name, found: found !== undefined, ...(version !== undefined ? { version } : {}), ...(image !== undefined ? { image } : {}) });
  }
  return out;
}

/** What differs from `version` (the CLI's), one phrase each: `the hub's label says 0.0.9`. */
export function versionDifferences(workloads: readonly InstalledWorkload[], version: string): string[] {
  const out: string[] = [];
  for (const w of workloads.filter((x) => x.found)) {
    if (w.version !== version) out.push(`${w.kind} ${w.name} is labelled ${w.version ?? 'with no version'}`);
    const tag = w.image !== undefined ? imageTag(w.image) : undefined;
    if (tag !== version) out.push(`${w.kind} ${w.name} runs ${w.image ?? 'no image'}`);
  }
  return out;
}
