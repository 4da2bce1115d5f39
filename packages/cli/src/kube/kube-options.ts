import type { KubeOptions } from './kubeconfig.js';

/** The command-line options every command that talks to a cluster takes (node:util parseArgs). */
export const KUBE_OPTIONS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
} as const;

export const KUBE_OPTIONS_HELP = `  --kubeconfig PATH      the cluster's kubeconfig (default: $KUBECONFIG, else ~/.kube/config)
  --context NAME         the kubeconfig's context to use (default: its current context)`;

export function kubeOptions(values: { kubeconfig?: string | undefined; context?: string | undefined }): KubeOptions {
  return { ...(values.kubeconfig !== undefined ? { kubeconfig: values.kubeconfig } : {}), ...(values.context !== undefined ? { context: values.context } : {}) };
}
