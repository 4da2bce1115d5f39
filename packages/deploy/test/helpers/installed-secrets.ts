import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discovery } from '@shoal/testkit/kubectl';

/**
 * What Helm reads on an upgrade, for `helm template --dry-run=server`: the API's discovery
 * answers (the kinds Shoal makes, which Helm maps its objects by) and GET of the given Secrets of
 * release `release`, in the real JSON shapes (data base64-encoded; the label and annotations by
 * which Helm knows its own objects, which it checks before it would change them), on loopback.
 * No API server can run here: this answers these reads and nothing else.
 */
export async function withInstalledSecrets<T>(release: string, namespace: string, secrets: Record<string, Record<string, string>>, run: (kubeconfig: string) => Promise<T>): Promise<T> {
  const metadata = (name: string) => ({
    name,
    namespace,
    labels: { 'app.kubernetes.io/managed-by': 'Helm' },
    annotations: { 'meta.helm.sh/release-name': release, 'meta.helm.sh/release-namespace': namespace },
  });
  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://api').pathname;
    const secret = new RegExp(`^/api/v1/namespaces/${namespace}/secrets/([^/]+)$`).exec(path);
    const data = secret !== null ? secrets[secret[1]!] : undefined;
    const body =
      path === '/version'
        ? { major: '1', minor: '33', gitVersion: 'v1.33.0' }
        : data !== undefined
          ? { apiVersion: 'v1', kind: 'Secret', metadata: metadata(secret![1]!), type: 'Opaque', data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) }
          : secret === null
            ? discovery(path)
            : undefined;
    const json = JSON.stringify(body ?? { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  };
  const server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = mkdtempSync(join(tmpdir(), 'shoal-lookup-'));
  try {
    const kubeconfig = join(dir, 'config');
    writeFileSync(kubeconfig, JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'api', cluster: { server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } }],
      users: [{ name: 'nobody', user: {} }],
      contexts: [{ name: 'api', context: { cluster: 'api', user: 'nobody' } }],
      'current-context': 'api',
    }));
    return await run(kubeconfig);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
}
