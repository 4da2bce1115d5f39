import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoveryDocument } from './k8s-api/discovery.js';
import { toolPath } from './tools.js';

/** The real kubectl (`make tools`); undefined when it is not there. */
export function kubectlPath(): string | undefined {
  return toolPath('kubectl');
}

/**
 * `kubectl create --dry-run=client` changes nothing but still asks the server which kinds exist
 * (API discovery): the test API server's discovery documents answer it (k8s-api/discovery.ts).
 * No API server can run here; this is not one.
 */
function answer(req: IncomingMessage, res: ServerResponse): void {
  const body = discoveryDocument(new URL(req.url ?? '/', 'http://discovery').pathname);
  const status = body === undefined ? 404 : 200;
  const json = JSON.stringify(body ?? { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The objects kubectl printed: one pretty-printed JSON document after another. */
  objects: unknown[];
}

/** kubectl's `-o json` of several objects: top-level braces alone at the start of their lines. */
function jsonDocuments(text: string): unknown[] {
  const trimmed = text.trim();
  return trimmed === '' ? [] : (JSON.parse(`[${trimmed.replace(/\n\}\n\{\n/g, '\n},\n{\n')}]`) as unknown[]);
}

/**
 * Runs `kubectl create --dry-run=client -o json -f -` on `yaml`, against the discovery answers
 * above (on loopback), with a kubeconfig and caches of its own. `--validate=false`: field
 * validation needs the server's OpenAPI documents, which are not here (kubernetes-models checks
 * the schemas instead); kubectl still parses every document and maps every kind.
 */
export async function kubectlDryRun(kubectl: string, yaml: string): Promise<KubectlResult> {
  const server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = mkdtempSync(join(tmpdir(), 'shoal-kubectl-'));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const kubeconfig = join(dir, 'config');
    writeFileSync(kubeconfig, JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'discovery', cluster: { server: url } }],
      users: [{ name: 'nobody', user: {} }],
      contexts: [{ name: 'discovery', context: { cluster: 'discovery', user: 'nobody' } }],
      'current-context': 'discovery',
    }));
    const args = ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'create', '--dry-run=client', '--validate=false', '-o', 'json', '-f', '-'];
    return await new Promise<KubectlResult>((resolve) => {
      const child = execFile(kubectl, args, { env: { PATH: process.env['PATH'] ?? '', HOME: dir }, timeout: 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
        resolve({ code, stdout, stderr, objects: code === 0 ? jsonDocuments(stdout) : [] });
      });
      child.stdin!.end(yaml);
    });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
}
