/**
 * The processes of the traced network namespaces and the OpenSSL files they map. A full walk of
 * /proc finds them (at start, on a target change, and every rescan: a library loaded late with
 * dlopen, a process the kernel's events did not name); the kernel's exec and exit records name
 * the others as they come and go, so a new program is looked at when it starts.
 */

import type { OpensslFiles } from './openssl-files.js';
import { candidateFiles, listPids, processName, processNamespace } from './proc-files.js';

export interface TracedProcess {
  pid: number;
  comm: string;
  netns: number;
  /** Ids (dev:inode) of the files it maps that may hold OpenSSL (OpensslFiles says which are hooked). */
  files: string[];
}

export class TracedProcesses {
  readonly #byPid = new Map<number, TracedProcess>();

  constructor(
    private readonly proc: string,
    private readonly files: OpensslFiles,
  ) {}

  /** Every process of `namespaces` now; files no traced process maps any more are taken off. */
  scanAll(namespaces: ReadonlySet<number>): void {
    const seen = new Set<number>();
    for (const pid of listPids(this.proc)) {
      const netns = processNamespace(this.proc, pid);
      if (netns === null || !namespaces.has(netns)) continue;
      if (this.#look(pid, netns)) seen.add(pid);
    }
    for (const pid of this.#byPid.keys()) if (!seen.has(pid)) this.#byPid.delete(pid);
    this.files.keepOnly(this.#usedFiles());
  }

  /** One process (it just started a program): looked at if it is in `namespaces`. */
  scanOne(pid: number, namespaces: ReadonlySet<number>): void {
    const netns = processNamespace(this.proc, pid);
    if (netns !== null && namespaces.has(netns)) this.#look(pid, netns);
  }

  remove(pid: number): void {
    this.#byPid.delete(pid);
  }

  /** The processes of namespace `netns`. */
  inNamespace(netns: number): TracedProcess[] {
    return [...this.#byPid.values()].filter((p) => p.netns === netns);
  }

  /** How many traced processes map each file. */
  users(): Map<string, number> {
    const users = new Map<string, number>();
    for (const p of this.#byPid.values()) for (const id of p.files) users.set(id, (users.get(id) ?? 0) + 1);
    return users;
  }

  #usedFiles(): Set<string> {
    return new Set([...this.#byPid.values()].flatMap((p) => p.files));
  }

  /** Reads the process and hooks its files; false when it is gone. */
  #look(pid: number, netns: number): boolean {
    const candidates = candidateFiles(this.proc, pid);
    if (candidates === null) {
      this.#byPid.delete(pid);
      return false;
    }
    for (const c of candidates) this.files.ensure(c);
    const files = candidates.map((c) => c.id);
    this.#byPid.set(pid, { pid, comm: processName(this.proc, pid), netns, files });
    return true;
  }
}
