import type { KubeClient } from './kube-client.js';

/**
 * One key of a Secret, decoded (the API serves `data` base64-encoded), or undefined when the
 * Secret holds no such key. A refusal (forbidden, not found) is the client's error, in words.
 */
export async function readSecretKey(client: KubeClient, namespace: string, name: string, key: string): Promise<string | undefined> {
  const secret = await client.call({ verb: 'get', group: '', resource: 'secrets', namespace, name }, () => client.core.readNamespacedSecret({ name, namespace }));
  const value = secret.data?.[key];
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
}
