/**
 * podman as the images test uses it: every call through deploy/images/with-config.sh (the
 * repository's podman configuration, as `make images` uses it), bounded in time; `podman kube
 * play` inside a network namespace when asked (nsenter --net: the host network of a podman pod
 * is then that namespace); and a record of what a test made, removed by name whatever happens.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { REPO_ROOT } from './run-shoal.js';

const WITH_CONFIG = `${REPO_ROOT}deploy/images/with-config.sh`;

/** Why the images test cannot run here, or null. */
export function podmanUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'podman runs the images as root here';
  for (const tool of ['podman', 'buildah', 'runc', 'nsenter']) {
    if (spawnSync(tool, ['--version'], { stdio: 'ignore', timeout: 10_000 }).error !== undefined) return `${tool} is not installed (make setup)`;
  }
  return null;
}

/** `podman …args`, in network namespace `netns` (its /run/netns name) when given; its stdout, or throws with its stderr. */
export function podman(args: string[], netns?: string, timeoutMs = 60_000): string {
  const [cmd, cmdArgs] = netns === undefined ? [WITH_CONFIG, ['podman', ...args]] : ['nsenter', [`--net=/run/netns/${netns}`, WITH_CONFIG, 'podman', ...args]];
  try {
    return execFileSync(cmd, cmdArgs, { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`podman ${args.join(' ')}: ${e.stderr?.trim() || e.message}`);
  }
}

/** `podman inspect` of one object, as JSON. */
export function inspect<T>(what: string, kind: 'container' | 'image' = 'container'): T {
  return (JSON.parse(podman([kind, 'inspect', what])) as T[])[0]!;
}

/**
 * What a test made in podman, recorded before it is made, and removed in reverse: pods (with
 * their containers and anonymous volumes), the volumes podman made for secrets, the secrets.
 * Each removal is tried whatever the others did; what failed is returned.
 */
export class PodmanObjects {
  private readonly made: { kind: 'pod' | 'secret' | 'volume'; name: string }[] = [];

  add(kind: 'pod' | 'secret' | 'volume', name: string): void {
    this.made.push({ kind, name });
  }

  removeAll(): string[] {
    const failed: string[] = [];
    for (const { kind, name } of this.made.reverse()) {
      const args = kind === 'pod' ? ['pod', 'rm', '--force', '--ignore', '--time', '5', name] : kind === 'volume' ? ['volume', 'rm', '--force', name] : ['secret', 'rm', name];
      try {
        podman(args);
      } catch (err) {
        // A volume or secret that was never made is not a failure to remove it.
        if (!/no such|not found/i.test((err as Error).message)) failed.push(`${kind} ${name}: ${(err as Error).message}`);
      }
    }
    this.made.length = 0;
    return failed;
  }
}
