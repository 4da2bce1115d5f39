import { AppsV1Api, AuthorizationV1Api, CoreV1Api, VersionApi, type KubeConfig } from '@kubernetes/client-node';
import type { ApiCall } from './api-call.js';
import { kubeError, type Cluster } from './kube-errors.js';
import { loadKubeConfig, type KubeOptions } from './kubeconfig.js';
import { ObjectApi, type KindInfo } from './object-api.js';

/**
 * The one way Shoal's commands talk to a cluster: the kubeconfig's current context, the
 * official client's APIs made once, and every call through `call()`, which turns a failure
 * into words naming what was asked (kube-errors.ts).
 */
export class KubeClient implements Cluster {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly authorization: AuthorizationV1Api;
  readonly version: VersionApi;
  /** Any kind, by its apiVersion and kind (discovery finds its path): apply and delete. */
  readonly objects: ObjectApi;
  readonly server: string;
  readonly context: string;

  constructor(readonly kc: KubeConfig) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.apps = kc.makeApiClient(AppsV1Api);
    this.authorization = kc.makeApiClient(AuthorizationV1Api);
    this.version = kc.makeApiClient(VersionApi);
    this.objects = ObjectApi.make(kc);
    this.server = kc.getCurrentCluster()!.server;
    this.context = kc.getCurrentContext();
  }

  /** Loads the kubeconfig (`--kubeconfig`, `$KUBECONFIG`, `~/.kube/config`; `--context`). */
  static fromOptions(options: KubeOptions): KubeClient {
    return new KubeClient(loadKubeConfig(options).kc);
  }

  /** Runs `request`; a failure becomes a ShoalError naming `call` (forbidden, not found, unreachable…). */
  async call<T>(call: ApiCall, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      throw kubeError(err, call, this);
    }
  }

  /** Where a kind is served (its group, plural resource and scope), as discovery says. */
  kindInfo(apiVersion: string, kind: string): Promise<KindInfo> {
    return this.call({ verb: 'get', group: '', resource: 'discovery', name: `${apiVersion}/${kind}` }, () => this.objects.kindInfo(apiVersion, kind));
  }

  /** Checks the API server answers (GET /version) and returns its version, e.g. v1.33.0. */
  async serverVersion(): Promise<string> {
    const info = await this.call({ verb: 'get', group: '', resource: 'version' }, () => this.version.getCode());
    return info.gitVersion;
  }
}
