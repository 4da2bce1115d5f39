import { execFileSync } from 'node:child_process';

/** Longest an `ip` command may take before the test fails. */
const IP_TIMEOUT_MS = 10_000;

/** Runs iproute2's `ip` (namespaces, links, addresses of a test's own lab); throws with its stderr. */
export function ip(args: readonly string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: IP_TIMEOUT_MS });
}

/** `ip` for cleaning up: what is already gone is no error. */
export function ipQuiet(args: readonly string[]): void {
  try {
    ip(args);
  } catch {
    // already gone
  }
}
