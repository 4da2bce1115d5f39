import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ShoalError } from '@shoal/model';

/**
 * Which cluster to talk to, found as kubectl finds it ("Organizing Cluster Access Using
 * kubeconfig Files"): `--kubeconfig PATH`, else the files of $KUBECONFIG (a list, merged, the
 * first file's current context winning), else ~/.kube/config, else the pod's own service account
 * when running in a cluster; then `--context NAME` or the kubeconfig's current context. Anything
 * missing is a CLI_ERR_KUBECONFIG that says where it looked and what to give.
 */
export interface KubeOptions {
  kubeconfig?: string;
  context?: string;
}

/** The in-cluster service account token (a pod's own credentials). */
const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

function kubeconfigError(message: string, cause?: unknown): ShoalError {
  return new ShoalError('CLI_ERR_KUBECONFIG', message, cause !== undefined ? { cause } : undefined);
}

function loadFile(kc: KubeConfig, file: string, from: string): void {
  try {
    kc.loadFromFile(file);
  } catch (err) {
    throw kubeconfigError(`cannot read the kubeconfig ${file} (${from}): ${(err as Error).message}`, err);
  }
}

/** Where the kubeconfig came from, for messages: `--kubeconfig`, `$KUBECONFIG`, `~/.kube/config`, `in-cluster`. */
export type KubeconfigSource = string;

export function loadKubeConfig(options: KubeOptions, env: NodeJS.ProcessEnv = process.env, home = os.homedir()): { kc: KubeConfig; source: KubeconfigSource } {
  const kc = new KubeConfig();
  let source: KubeconfigSource;
  const listed = (env['KUBECONFIG'] ?? '').split(path.delimiter).filter((f) => f !== '');
  const homeConfig = path.join(home, '.kube', 'config');
  if (options.kubeconfig !== undefined) {
    if (!fs.existsSync(options.kubeconfig)) throw kubeconfigError(`no kubeconfig at ${options.kubeconfig} (--kubeconfig): give the path of your cluster's kubeconfig`);
    loadFile(kc, options.kubeconfig, '--kubeconfig');
    source = options.kubeconfig;
  } else if (listed.length > 0) {
    const present = listed.filter((f) => fs.existsSync(f));
    if (present.length === 0) throw kubeconfigError(`no kubeconfig: none of the files in $KUBECONFIG exists (${listed.join(path.delimiter)})`);
    loadFile(kc, present[0]!, '$KUBECONFIG');
    for (const file of present.slice(1)) {
      const more = new KubeConfig();
      loadFile(more, file, '$KUBECONFIG');
      kc.mergeConfig(more, true);
    }
    source = present.join(path.delimiter);
  } else if (fs.existsSync(homeConfig)) {
    loadFile(kc, homeConfig, '~/.kube/config');
    source = homeConfig;
  } else if (env['KUBERNETES_SERVICE_HOST'] !== undefined && fs.existsSync(IN_CLUSTER_TOKEN)) {
    kc.loadFromCluster();
    source = 'in-cluster';
  } else {
    throw kubeconfigError(`no kubeconfig: --kubeconfig was not given, $KUBECONFIG is not set and ${homeConfig} does not exist. Give your cluster's kubeconfig (the one kubectl uses) with --kubeconfig PATH or KUBECONFIG=PATH`);
  }
  const contexts = kc.getContexts().map((c) => c.name);
  if (options.context !== undefined) {
    if (!contexts.includes(options.context)) throw kubeconfigError(`the kubeconfig (${source}) has no context '${options.context}'; its contexts: ${contexts.join(', ') || 'none'}`);
    kc.setCurrentContext(options.context);
  }
  const current = kc.getCurrentContext();
  if (current === undefined || current === '' || !contexts.includes(current)) {
    throw kubeconfigError(`the kubeconfig (${source}) names no current context: give --context NAME (its contexts: ${contexts.join(', ') || 'none'})`);
  }
  if (kc.getCurrentCluster() === null) throw kubeconfigError(`context '${current}' of the kubeconfig (${source}) names a cluster the file does not define`);
  return { kc, source };
}
