/**
 * A cluster for `shoal tap`, `proxy` and `clean` tests: the Kubernetes API test server (no
 * kube-apiserver runs here; the test server speaks the real API's JSON, and its simulated
 * controllers and kubelet give pods the fates a test decides), a kubeconfig for it, and real
 * `bin/shoal` processes run against it. Nodes have loopback addresses, so a hub that looks for
 * workers on them reaches nothing beyond this machine.
 *
 * `startPods` plays the kubelet for the hub and the front: it runs the containers of the
 * Deployments `shoal tap` applied as real `shoal hub` and `shoal front` processes, with the
 * tokens of the Secrets it created, registers the front as the backend of its Service (what the
 * service proxy and port-forward reach), and only then lets the front's pods become ready.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { V1Deployment } from '@kubernetes/client-node';
import { TOKEN_KEYS } from '@shoal/deploy';
import { waitFor } from '@shoal/testkit';
import { K8sTestApiServer, node, type KubeObject, type RecordedRequest } from '@shoal/testkit/k8s';
import { startListening, stop, type Listening } from './listening-shoal.js';
import { runnable, writeSecretFiles } from './pod-command.js';
import { shoalWithEnv, spawnShoal, type ShoalRun } from './run-shoal.js';
import { ServingShoal } from './serving-shoal.js';

const WRITES = new Set(['create', 'patch', 'update', 'delete', 'deletecollection']);

/** The front's own address in its pod, which the local proxy presents (kube/dashboard-proxy.ts). */
export const FRONT_IN_POD = 'http://127.0.0.1:8899';

export class TapCluster {
  private constructor(
    readonly api: K8sTestApiServer,
    readonly dir: string,
    readonly kubeconfigPath: string,
  ) {}

  static async start(nodes = ['node-a', 'node-b', 'node-c']): Promise<TapCluster> {
    const api = await K8sTestApiServer.start('tap-token', 'alice');
    nodes.forEach((n, i) => api.put('nodes', node(n, `127.0.0.${10 + i}`)));
    const dir = fs.mkdtempSync(join(os.tmpdir(), 'shoal-tap-'));
    const path = join(dir, 'kubeconfig');
    fs.writeFileSync(path, api.kubeconfigYaml(), { mode: 0o600 });
    return new TapCluster(api, dir, path);
  }

  get env(): Record<string, string> {
    return { KUBECONFIG: this.kubeconfigPath };
  }

  /** `shoal …args` to the end, against this cluster. */
  run(...args: string[]): Promise<ShoalRun> {
    return shoalWithEnv(this.env, ...args);
  }

  /** A long-running `shoal …args` (tap, proxy) against this cluster. */
  serve(args: string[], env: Record<string, string> = {}): ServingShoal {
    return new ServingShoal(args, (a) => spawnShoal(a, { ...this.env, ...env }));
  }

  /**
   * The requests that changed something, from request number `from` on: `patch configmaps
   * shoal-config`. Access reviews are created but change nothing.
   */
  writes(from = 0): string[] {
    return this.api.requests.slice(from).filter((r: RecordedRequest) => WRITES.has(r.verb) && r.resource !== 'selfsubjectaccessreviews').map((r) => `${r.verb} ${r.resource} ${r.name ?? ''}`.trim());
  }

  async close(): Promise<void> {
    await this.api.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface RunningPods {
  hub: Listening;
  /** The hub's client token, from the tokens Secret tap applied. */
  hubToken: string;
  front: Listening;
  stop(): Promise<void>;
}

function secretKeys(api: K8sTestApiServer, namespace: string): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const secret of api.list('secrets', namespace)) {
    for (const [k, v] of Object.entries((secret['data'] ?? {}) as Record<string, string>)) keys[k] = Buffer.from(v, 'base64').toString('utf8');
  }
  return keys;
}

/** Pods of `release` in `namespace` of one component (app.kubernetes.io/component). */
export function componentPods(component: string, namespace = 'default', release = 'shoal'): (pod: KubeObject) => boolean {
  return (pod) => pod.metadata.namespace === namespace && pod.metadata.labels?.['app.kubernetes.io/instance'] === release && pod.metadata.labels?.['app.kubernetes.io/component'] === component;
}

/** See the file's comment. The front's pods stay `starting` until the real front listens. */
export async function startPods(cluster: TapCluster, namespace = 'default', release = 'shoal'): Promise<RunningPods> {
  const { api } = cluster;
  const deployment = async (name: string) =>
    waitFor(`Deployment ${name} to be applied`, () => api.get('deployments', name, namespace) as unknown as V1Deployment | undefined, 30_000);
  const hubDeployment = await deployment(`${release}-hub`);
  const frontDeployment = await deployment(`${release}-front`);
  await waitFor('the Secrets to be applied', () => api.get('secrets', `${release}-tokens`, namespace) !== undefined && api.get('secrets', `${release}-sign-in`, namespace) !== undefined, 30_000);
  const keys = secretKeys(api, namespace);
  const secrets = writeSecretFiles(join(cluster.dir, `${release}-secrets`), keys);
  const children: ChildProcess[] = [];
  const hub = await startListening(runnable(hubDeployment.spec!.template.spec!.containers[0]!, secrets, cluster.dir, { '--host': '127.0.0.1', '--port': '0' }), cluster.env);
  children.push(hub.child);
  // The front listens on a free port, not its pod's 8899: --public-url gives it that name back.
  const front = await startListening(
    runnable(frontDeployment.spec!.template.spec!.containers[0]!, secrets, cluster.dir, { '--host': '127.0.0.1', '--port': '0', '--hub': `http://127.0.0.1:${hub.port}` }, ['--public-url', FRONT_IN_POD]),
    {},
    /listening on 127\.0\.0\.1:(\d+)/,
  );
  children.push(front.child);
  api.exposeService(namespace, `${release}-front`, 8899, { host: '127.0.0.1', port: front.port });
  api.simulator.fate(componentPods('front', namespace, release), { state: 'ready' });
  return {
    hub,
    hubToken: keys[TOKEN_KEYS.hub]!,
    front,
    stop: async () => {
      for (const child of children) await stop(child);
    },
  };
}
