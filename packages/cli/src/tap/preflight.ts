import type { Settings } from '@shoal/deploy';
import { ShoalError } from '@shoal/model';
import { isNotFound } from '../kube/kube-errors.js';
import type { KubeClient } from '../kube/kube-client.js';

/**
 * What `shoal tap` checks before anything else: the cluster answers (its version), and the
 * namespaces it is told to use exist — the release namespace (`-s`) and each target namespace
 * (`-n`). Excluded namespaces (`-e`) need not exist: leaving out nothing is harmless.
 */
async function namespaceExists(client: KubeClient, name: string): Promise<boolean> {
  return client.call({ verb: 'get', group: '', resource: 'namespaces', name }, async () => {
    try {
      await client.core.readNamespace({ name });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  });
}

export async function checkNamespaces(client: KubeClient, settings: Settings): Promise<void> {
  const release = settings.tap.release.namespace;
  if (!(await namespaceExists(client, release))) {
    throw new ShoalError('CLI_ERR_NOT_FOUND', `namespace ${release} does not exist (the release namespace, -s): create it (kubectl create namespace ${release}) or choose another with -s NAMESPACE`);
  }
  const missing: string[] = [];
  for (const ns of settings.tap.namespaces) if (!(await namespaceExists(client, ns))) missing.push(ns);
  if (missing.length > 0) {
    throw new ShoalError('CLI_ERR_NOT_FOUND', `namespace${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (given with -n) do${missing.length > 1 ? '' : 'es'} not exist: check the names (kubectl get namespaces)`);
  }
}
