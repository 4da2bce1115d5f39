import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolPath } from './tools.js';

/** The real helm, v4 (`make tools`); undefined when it is not there. */
export function helmPath(): string | undefined {
  return toolPath('helm');
}

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `helm ...args` offline: its own empty config, cache and data folders (no repository, no
 * plugin, nothing of the user's), no kubeconfig (`helm template` and `helm lint` need no cluster;
 * `lookup` then finds nothing).
 */
export async function runHelm(helm: string, args: string[]): Promise<HelmResult> {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-helm-'));
  const env = {
    PATH: process.env['PATH'] ?? '',
    HOME: dir,
    HELM_CONFIG_HOME: join(dir, 'config'),
    HELM_CACHE_HOME: join(dir, 'cache'),
    HELM_DATA_HOME: join(dir, 'data'),
    KUBECONFIG: join(dir, 'no-kubeconfig'),
  };
  try {
    return await new Promise<HelmResult>((resolve) => {
      execFile(helm, args, { env, timeout: 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
