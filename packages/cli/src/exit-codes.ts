import type { ErrorCode } from '@shoal/model';

/** Exit codes of every command (documented in `shoal --help` and docs/cli.md). */
export const EXIT_OK = 0;
/** The input was bad or damaged (missing, not a capture, truncated): what could be read was printed. */
export const EXIT_FAILURE = 1;
/** The command line was wrong. */
export const EXIT_USAGE = 2;
/**
 * The cluster cannot be used or refused: no kubeconfig, unreachable, credentials refused, a
 * verb forbidden by RBAC, a namespace that does not exist, another refusal of the API server.
 */
export const EXIT_CLUSTER = 3;
/** Shoal was applied but does not run: its pods did not become ready, or its dashboard or hub does not answer. */
export const EXIT_ROLLOUT = 4;

const BY_CODE: Partial<Record<ErrorCode, number>> = {
  CLI_ERR_USAGE: EXIT_USAGE,
  CLI_ERR_KUBECONFIG: EXIT_CLUSTER,
  CLI_ERR_CLUSTER_UNREACHABLE: EXIT_CLUSTER,
  CLI_ERR_CLUSTER_AUTH: EXIT_CLUSTER,
  CLI_ERR_FORBIDDEN: EXIT_CLUSTER,
  CLI_ERR_NOT_FOUND: EXIT_CLUSTER,
  CLI_ERR_CLUSTER: EXIT_CLUSTER,
  CLI_ERR_ROLLOUT: EXIT_ROLLOUT,
};

/** The exit code of a command that failed with a ShoalError of `code`. */
export function exitCodeFor(code: ErrorCode): number {
  return BY_CODE[code] ?? EXIT_FAILURE;
}
