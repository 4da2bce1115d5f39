import { ApiException, CoreV1Api, PatchStrategy, Watch, setHeaderOptions, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { ShoalError, TARGETS_CONFIG_KEY as TARGETS_KEY, type TargetSelection } from '@shoal/model';
import { parseSelection } from './target-selection.js';
import type { SelectionStore } from './selection-store.js';

export interface ConfigMapStoreOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  name: string;
  /** First delay before a failed watch is opened again; doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

/**
 * The selection in one ConfigMap's `targets.json`, which the installation made (`shoal tap`, the
 * chart) and the hub's Role lets it read, watch and patch — that one object and no other (RBAC
 * resourceNames; a watch of a named object needs the `metadata.name` field selector, as RBAC's
 * documentation says). `save` patches the one key (JSON merge patch, RFC 7386), so the settings
 * beside it stay as installed. `watch` follows edits made by others — a second `shoal tap`, a
 * `helm upgrade` with another `tap.regex` — so the hub pushes the new selection without a restart.
 */
export class ConfigMapSelectionStore implements SelectionStore {
  private readonly api: CoreV1Api;
  /** The resourceVersion of our own last write: its echo on the watch is not news. */
  private ownVersion: string | undefined;
  private stopped = false;
  private controller: AbortController | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ConfigMapStoreOptions) {
    this.api = options.kubeConfig.makeApiClient(CoreV1Api);
  }

  private get where(): string {
    return `ConfigMap ${this.options.namespace}/${this.options.name}`;
  }

  async load(): Promise<TargetSelection | undefined> {
    let map: V1ConfigMap;
    try {
      map = await this.api.readNamespacedConfigMap({ name: this.options.name, namespace: this.options.namespace });
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return undefined;
      throw new ShoalError('HUB_ERR_STATE', `cannot read the target selection from ${this.where}: ${apiMessage(err)}`, { cause: err });
    }
    return this.selectionOf(map);
  }

  async save(selection: TargetSelection): Promise<void> {
    const body = { data: { [TARGETS_KEY]: `${JSON.stringify(selection)}\n` } };
    try {
      const map = await this.api.patchNamespacedConfigMap(
        { name: this.options.name, namespace: this.options.namespace, body, fieldManager: 'shoal-hub' },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      this.ownVersion = map.metadata?.resourceVersion;
    } catch (err) {
      throw new ShoalError('HUB_ERR_STATE', `cannot save the target selection to ${this.where}: ${apiMessage(err)}; the previous selection stays in force`, { cause: err });
    }
  }

  /**
   * Calls `onChange` with each selection others write, until `stop`. A watch that ends or fails
   * is opened again from a fresh read (after a growing delay), and a selection that changed
   * meanwhile is reported then: edits are never lost to a reconnect. A damaged value is reported
   * to `onError` and the selection in force stays.
   */
  watch(onChange: (selection: TargetSelection) => void, onError: (err: Error) => void): void {
    let delay = this.options.retryMs ?? 1000;
    let known: string | undefined;
    const report = (map: V1ConfigMap): void => {
      const text = map.data?.[TARGETS_KEY];
      if (text === undefined || text === known) return;
      known = text;
      if (map.metadata?.resourceVersion !== undefined && map.metadata.resourceVersion === this.ownVersion) return;
      try {
        const selection = this.selectionOf(map);
        if (selection !== undefined) onChange(selection);
      } catch (err) {
        onError(err as Error);
      }
    };
    const again = (err: unknown): void => {
      this.controller = undefined;
      if (this.stopped) return;
      if (err !== null && err !== undefined) onError(new Error(`the watch of ${this.where} ended: ${apiMessage(err)}`));
      this.retryTimer = setTimeout(() => void open(), delay);
      this.retryTimer.unref();
      delay = Math.min(delay * 2, this.options.maxRetryMs ?? 30_000);
    };
    const open = async (): Promise<void> => {
      if (this.stopped) return;
      let version: string | undefined;
      try {
        const map = await this.api.readNamespacedConfigMap({ name: this.options.name, namespace: this.options.namespace });
        version = map.metadata?.resourceVersion;
        report(map);
        const controller = await new Watch(this.options.kubeConfig).watch(
          `/api/v1/namespaces/${encodeURIComponent(this.options.namespace)}/configmaps`,
          { fieldSelector: `metadata.name=${this.options.name}`, ...(version !== undefined ? { resourceVersion: version } : {}) },
          (phase, object) => {
            delay = this.options.retryMs ?? 1000;
            if (phase === 'ADDED' || phase === 'MODIFIED') report(object as V1ConfigMap);
          },
          again,
        );
        if (this.stopped) controller.abort();
        else this.controller = controller;
      } catch (err) {
        again(err);
      }
    };
    void open();
  }

  stop(): void {
    this.stopped = true;
    this.controller?.abort();
    clearTimeout(this.retryTimer);
  }

  private selectionOf(map: V1ConfigMap): TargetSelection | undefined {
    const text = map.data?.[TARGETS_KEY];
    if (text === undefined) return undefined;
    try {
      return parseSelection(JSON.parse(text) as unknown);
    } catch (err) {
      throw new ShoalError(
        'HUB_ERR_STATE',
        `the target selection in ${this.where} (key ${TARGETS_KEY}) is damaged (${(err as Error).message}): fix it (the body of PUT /targets) or remove the key to start without a selection`,
        { cause: err },
      );
    }
  }
}

/** The API's own words for a failure (its Status message), or the error's. */
function apiMessage(err: unknown): string {
  if (err instanceof ApiException) {
    const body = typeof err.body === 'string' ? safeJson(err.body) : err.body;
    const message = (body as { message?: unknown } | undefined)?.message;
    return `${err.code}${typeof message === 'string' ? ` ${message}` : ''}`;
  }
  return err instanceof Error ? err.message : String(err);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
