import type { Settings } from '../settings/settings.js';

/** The secrets an installation shares: made once by the caller (`newClusterTokens()`), kept on upgrade. */
export interface ClusterTokens {
  /** The workers' API token (worker `--token-file`, hub `--worker-token-file`). */
  worker: string;
  /** The hub's client token (hub `--token-file`, front `--hub-token-file`, the CLI's calls). */
  hub: string;
  /** What users sign in to the dashboard with (front `--token-file`). */
  signIn: string;
  /** The key the front signs users' identities with and the hub checks them by (`--identity-key-file`, tap.auth.type=oidc). */
  identity: string;
}

/** What the builder makes the objects from. */
export interface BuildInput {
  settings: Settings;
  tokens: ClusterTokens;
  /** Shoal's version: the images' default tag and the `app.kubernetes.io/version` label. */
  version: string;
  /** The `app.kubernetes.io/managed-by` label: `shoal` for `shoal tap`, `Helm` for the chart. */
  managedBy?: string;
}

/** The pods (and the Kubernetes objects around them) Shoal runs. */
export type Component = 'hub' | 'worker' | 'front';

/** The front's port in its pod and Service; `tap.proxy.front.port` is the port on the user's machine. */
export const FRONT_PORT = 8899;

/** Where each pod finds its tokens (a projected volume of the Secrets' keys it needs). */
export const TOKENS_DIR = '/var/run/secrets/shoal';

/** With the OIDC sign-in: the front sends the hub users' signed identities, scoped by their roles. */
export function oidcSignIn(input: BuildInput): boolean {
  const { auth } = input.settings.tap;
  return auth.enabled && auth.type === 'oidc';
}

/** With the token sign-in: users sign in with the installation's sign-in token. */
export function tokenSignIn(input: BuildInput): boolean {
  const { auth } = input.settings.tap;
  return auth.enabled && auth.type === 'token';
}

/** The name of one of the installation's objects: `<release>-<part>`. */
export function objectName(input: BuildInput, part: string): string {
  return `${input.settings.tap.release.name}-${part}`;
}
