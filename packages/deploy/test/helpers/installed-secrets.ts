import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { K8sTestApiServer, namespace as namespaceObject } from '@shoal/testkit/k8s';

/**
 * What Helm reads on an upgrade, for `helm template --dry-run=server`: the given Secrets of
 * release `release`, with the label and annotations by which Helm knows its own objects (which
 * it checks before it would change them), served by @shoal/testkit's Kubernetes API test server
 * in the real JSON (data base64-encoded), with its discovery answers. No API server can run here.
 */
export async function withInstalledSecrets<T>(release: string, namespace: string, secrets: Record<string, Record<string, string>>, run: (kubeconfig: string) => Promise<T>): Promise<T> {
  // Helm sends no bearer token over plain HTTP: the server lets anonymous reads in.
  const api = await K8sTestApiServer.start(undefined, undefined, { anonymous: true });
  const dir = mkdtempSync(join(tmpdir(), 'shoal-lookup-'));
  try {
    api.put('namespaces', namespaceObject(namespace));
    for (const [name, data] of Object.entries(secrets)) {
      api.put('secrets', {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name,
          namespace,
          labels: { 'app.kubernetes.io/managed-by': 'Helm' },
          annotations: { 'meta.helm.sh/release-name': release, 'meta.helm.sh/release-namespace': namespace },
        },
        type: 'Opaque',
        data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      });
    }
    const kubeconfig = join(dir, 'config');
    writeFileSync(kubeconfig, api.kubeconfigYaml(), { mode: 0o600 });
    return await run(kubeconfig);
  } finally {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
