/**
 * The OpenSSL files the tracer's uprobes are on: each file (by dev:inode, whatever path it is
 * reached by) attached once while a traced process maps it, taken off when none does any more
 * (a uprobe slows every process that maps the file, traced or not). A file that is no OpenSSL
 * (most executables) is remembered as such and not read again; one the kernel refused keeps its
 * reason for the status, so no library is left out silently.
 */

import type { TracerFile } from '@shoal/model';
import type { CandidateFile } from './proc-files.js';

/** What attaches: the TlsTrace (the kernel side), or a double in tests. */
export interface Attacher {
  attach(path: string): { id: number; functions: string[] };
  detach(id: number): boolean;
}

/** Files hooked at once by default (`maxFiles`): a node runs a handful of OpenSSL builds, not hundreds. */
export const DEFAULT_MAX_FILES = 256;

interface Hooked {
  path: string;
  attachment: number;
  functions: string[];
}

/** Why attaching failed in a way worth showing: not "this is no OpenSSL". */
function isNotOpenssl(err: unknown): boolean {
  return (err as { reason?: unknown } | null)?.reason === 'options';
}

export class OpensslFiles {
  readonly #hooked = new Map<string, Hooked>();
  /** Files that are no OpenSSL: never tried again (until the file changes: a new inode). */
  readonly #plain = new Set<string>();
  readonly #failed = new Map<string, { path: string; error: string }>();

  constructor(
    private readonly attacher: Attacher,
    private readonly maxFiles = DEFAULT_MAX_FILES,
  ) {}

  /** Hooks `file` unless it is already, or is known not to be OpenSSL; true when it is hooked. */
  ensure(file: CandidateFile): boolean {
    if (this.#hooked.has(file.id)) return true;
    if (this.#plain.has(file.id) || this.#failed.has(file.id)) return false;
    if (this.#hooked.size >= this.maxFiles) {
      this.#failed.set(file.id, { path: file.path, error: `not hooked: the tracer hooks at most ${this.maxFiles} files (--tls-max-files)` });
      return false;
    }
    try {
      const { id, functions } = this.attacher.attach(file.open);
      this.#hooked.set(file.id, { path: file.path, attachment: id, functions });
      return true;
    } catch (err) {
      if (isNotOpenssl(err)) this.#plain.add(file.id);
      else this.#failed.set(file.id, { path: file.path, error: err instanceof Error ? err.message : String(err) });
      return false;
    }
  }

  /** The path a hooked file is listed under, or null when `id` is not hooked. */
  pathOf(id: string): string | null {
    return this.#hooked.get(id)?.path ?? null;
  }

  get size(): number {
    return this.#hooked.size;
  }

  /** Takes off every file not in `used` (ids), and forgets failures of files no process maps. */
  keepOnly(used: ReadonlySet<string>): void {
    for (const [id, h] of this.#hooked) {
      if (used.has(id)) continue;
      this.attacher.detach(h.attachment);
      this.#hooked.delete(id);
    }
    for (const id of this.#failed.keys()) if (!used.has(id)) this.#failed.delete(id);
  }

  /** Hooked files (with how many traced processes map each), then those that failed. */
  status(users: ReadonlyMap<string, number>): TracerFile[] {
    const files: TracerFile[] = [...this.#hooked].map(([id, h]) => ({ path: h.path, functions: h.functions, processes: users.get(id) ?? 0 }));
    for (const [id, f] of this.#failed) files.push({ path: f.path, functions: [], processes: users.get(id) ?? 0, error: f.error });
    return files;
  }
}
