import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { ShoalError, type TargetSelection } from '@shoal/model';
import { parseSelection } from './target-selection.js';

/**
 * Where the hub keeps the target selection between runs, so a restarted hub pushes the workers
 * the same targets. Small on purpose: a file in `--state-dir`, or the installation's ConfigMap in a
 * cluster (configmap-selection-store.ts), which others may also edit.
 */
export interface SelectionStore {
  /** The saved selection; undefined when none was saved. Throws HUB_ERR_STATE when it is damaged. */
  load(): Promise<TargetSelection | undefined>;
  /** Saves the selection, whole or not at all. Throws HUB_ERR_STATE when it cannot. */
  save(selection: TargetSelection): Promise<void>;
  /** Where others may change it too: calls `onChange` with each selection they write, until `stop`. */
  watch?(onChange: (selection: TargetSelection) => void, onError: (err: Error) => void): void;
  stop?(): void;
}

/** The file's name in the state dir. */
export const SELECTION_FILE = 'targets.json';

/**
 * The selection as a JSON file (the body PUT /targets takes) in a directory of the hub's own:
 * written to a temporary file in the same directory, flushed, then renamed over the old one, so
 * a crash leaves the old file or the new, never half of one; mode 0600, since namespace names
 * may be telling. A file that does not parse or holds no valid selection stops the hub's start
 * with HUB_ERR_STATE rather than being taken for "no selection": silently capturing nothing (or
 * something else) after a restart is worse than a clear error.
 */
export class FileSelectionStore implements SelectionStore {
  readonly path: string;

  constructor(private readonly dir: string) {
    this.path = join(dir, SELECTION_FILE);
  }

  async load(): Promise<TargetSelection | undefined> {
    let text: string;
    try {
      text = await fsp.readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new ShoalError('HUB_ERR_STATE', `cannot read the saved target selection ${this.path}: ${(err as Error).message}`, { cause: err });
    }
    try {
      return parseSelection(JSON.parse(text) as unknown);
    } catch (err) {
      throw new ShoalError(
        'HUB_ERR_STATE',
        `the saved target selection ${this.path} is damaged (${(err as Error).message}): fix it (the body of PUT /targets) or remove it to start without a selection`,
        { cause: err },
      );
    }
  }

  async save(selection: TargetSelection): Promise<void> {
    const temp = join(this.dir, `.${SELECTION_FILE}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
      const file = await fsp.open(temp, 'wx', 0o600);
      try {
        await file.writeFile(`${JSON.stringify(selection, null, 2)}\n`);
        await file.sync();
      } finally {
        await file.close();
      }
      await fsp.rename(temp, this.path);
    } catch (err) {
      // Nothing to clean when the directory itself is the trouble.
      await fsp.rm(temp, { force: true }).catch(() => undefined);
      throw new ShoalError('HUB_ERR_STATE', `cannot save the target selection to ${this.path}: ${(err as Error).message}; the previous selection stays in force`, { cause: err });
    }
  }
}
