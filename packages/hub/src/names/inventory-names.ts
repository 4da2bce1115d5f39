import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ClusterFeed } from './cluster-feed.js';
import type { PodInfo } from './cluster-state.js';
import { InventoryError, InventoryErrorCodes } from './inventory-error.js';
import { inventoryState, parseInventory, type Inventory } from './inventory-format.js';
import type { NameHistory } from './name-history.js';
import { silentLogger, type NamesLogger } from './names-logger.js';
import type { PodDirectory } from './pod-directory.js';

export interface InventoryNamesOptions {
  /** The inventory file (docs/hub.md, "Inventory"). */
  path: string;
  history: NameHistory;
  logger?: NamesLogger;
  /** How often the file's stat is compared, for changes fs.watch did not report. Default 2 s. */
  checkEveryMs?: number;
  /** Whether to use fs.watch at all (off: the stat check alone). Default true. */
  fsWatch?: boolean;
}

/**
 * Names and pods from an inventory file, re-read when it changes. fs.watch watches the file's
 * directory rather than the file: editors and Kubernetes ConfigMap mounts replace a file by
 * renaming another over it, which a watch on the old file never reports. fs.watch is not
 * reliable everywhere (network filesystems, some containers), so a periodic stat check backs it.
 * A file that no longer reads or validates is logged and the names of the last good one stay.
 */
export class InventoryNames implements PodDirectory {
  private readonly path: string;
  private readonly feed: ClusterFeed;
  private readonly logger: NamesLogger;
  private readonly checkEveryMs: number;
  private readonly useFsWatch: boolean;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private current: Inventory = { nodes: [], pods: [], services: [] };
  private lastText: string | undefined;
  private lastStat = '';
  private error: InventoryError | undefined;
  private reading: Promise<void> | undefined;
  private again = false;

  constructor(options: InventoryNamesOptions) {
    this.path = options.path;
    this.feed = new ClusterFeed(options.history);
    this.logger = options.logger ?? silentLogger;
    this.checkEveryMs = options.checkEveryMs ?? 2000;
    this.useFsWatch = options.fsWatch ?? true;
  }

  /** Loads the file, then follows its changes. A first file that is bad throws its InventoryError. */
  async start(): Promise<void> {
    this.lastStat = await this.statSignature();
    const loaded = await this.load();
    this.apply(loaded.inventory, loaded.text);
    if (this.useFsWatch) {
      try {
        this.watcher = watch(dirname(this.path), () => this.reload());
        this.watcher.on('error', (err) => this.logger.warn({ path: this.path, err: err.message }, 'inventory: fs.watch failed; the periodic check continues'));
      } catch (err) {
        this.logger.warn({ path: this.path, err: (err as Error).message }, 'inventory: fs.watch unavailable; using the periodic check');
      }
    }
    this.timer = setInterval(() => void this.checkStat(), this.checkEveryMs);
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads the file again now (also what a change triggers); resolves when done. */
  reload(): Promise<void> {
    if (this.reading !== undefined) {
      // A change during a read: read once more after it, so the last version wins.
      this.again = true;
      return this.reading;
    }
    this.reading = this.readAndApply().finally(() => {
      this.reading = undefined;
      if (this.again) {
        this.again = false;
        void this.reload();
      }
    });
    return this.reading;
  }

  /** The inventory in force (the last good file). */
  inventory(): Inventory {
    return this.current;
  }

  /** Why the newest file was refused, while the names of an older one are in force. */
  lastError(): InventoryError | undefined {
    return this.error;
  }

  pods(): PodInfo[] {
    return this.feed.pods();
  }

  onChange(listener: () => void): () => void {
    return this.feed.onChange(listener);
  }

  private async readAndApply(): Promise<void> {
    try {
      const loaded = await this.load();
      if (loaded.text === this.lastText) return;
      this.apply(loaded.inventory, loaded.text);
      const { pods, services, nodes } = this.current;
      this.logger.info({ path: this.path, pods: pods.length, services: services.length, nodes: nodes.length }, 'inventory: loaded');
    } catch (err) {
      if (!(err instanceof InventoryError)) throw err;
      this.error = err;
      this.logger.error({ path: this.path, code: err.code, field: err.field, err: err.message }, 'inventory: new file refused; the previous names stay');
    }
  }

  private async load(): Promise<{ inventory: Inventory; text: string }> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      throw new InventoryError(InventoryErrorCodes.HUB_ERR_INVENTORY_READ, `inventory: cannot read ${this.path}: ${(err as Error).message}`, { cause: err });
    }
    return { inventory: this.parse(text), text };
  }

  private parse(text: string): Inventory {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new InventoryError(InventoryErrorCodes.HUB_ERR_INVENTORY_READ, `inventory: ${this.path} is not JSON: ${(err as Error).message}`, { cause: err });
    }
    return parseInventory(json);
  }

  private apply(inventory: Inventory, text: string): void {
    this.current = inventory;
    this.lastText = text;
    this.error = undefined;
    this.feed.publish(inventoryState(inventory), true);
  }

  private async checkStat(): Promise<void> {
    const signature = await this.statSignature();
    if (signature === this.lastStat) return;
    this.lastStat = signature;
    await this.reload();
  }

  /** Inode, size and mtime: any of them moves when the file is rewritten or replaced. */
  private async statSignature(): Promise<string> {
    try {
      const s = await stat(this.path);
      return `${s.ino}/${s.size}/${s.mtimeMs}`;
    } catch {
      return 'missing';
    }
  }
}
