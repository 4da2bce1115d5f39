/**
 * What /proc says about processes: their network namespace, their name, and the files they map
 * that may hold OpenSSL. `proc` is the host's /proc as the worker sees it (`/proc`, or the host's
 * mounted at `/hostproc` in a cluster's worker pod, whose PIDs are the kernel's: the ones the
 * tracer's records carry). Every read may fail (a process ends at any moment): callers get null
 * and go on.
 */

import fs from 'node:fs';
import path from 'node:path';

/** A libssl of any version (libssl.so, libssl.so.3, libssl.so.1.1, libssl3.so...). */
const LIBSSL = /^libssl[\d.]*\.so(\.|$)/;

/** PIDs listed in `proc` now. */
export function listPids(proc: string): number[] {
  let names: string[];
  try {
    names = fs.readdirSync(proc);
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const name of names) if (/^\d+$/.test(name)) pids.push(Number(name));
  return pids;
}

/** The inode number of the network namespace at `nsPath` (/proc/PID/ns/net, /var/run/netns/NAME). */
export function namespaceInode(nsPath: string): number | null {
  try {
    return fs.statSync(nsPath).ino;
  } catch {
    return null;
  }
}

export function processNamespace(proc: string, pid: number): number | null {
  return namespaceInode(path.join(proc, String(pid), 'ns', 'net'));
}

export function processName(proc: string, pid: number): string {
  try {
    return fs.readFileSync(path.join(proc, String(pid), 'comm'), 'latin1').trim();
  } catch {
    return '';
  }
}

/** A file a process maps that may hold OpenSSL: named as the process sees it, reachable as `open`. */
export interface CandidateFile {
  /** The path inside the process's root (what its maps and exe say). */
  path: string;
  /** The same file from here: through /proc/PID/root, so a container's own files are found. */
  open: string;
  /** `dev:inode`: uprobes belong to the file, so one file is hooked once whatever its path. */
  id: string;
}

function candidate(proc: string, pid: number, file: string): CandidateFile | null {
  const open = path.join(proc, String(pid), 'root', file);
  try {
    const st = fs.statSync(open);
    return st.isFile() ? { path: file, open, id: `${st.dev}:${st.ino}` } : null;
  } catch {
    return null;
  }
}

/**
 * The files of `pid` that may hold OpenSSL: each libssl it maps, and its executable (node and
 * others link OpenSSL in; attaching tells whether it exports SSL_read). Null when the process
 * is gone or cannot be read.
 */
export function candidateFiles(proc: string, pid: number): CandidateFile[] | null {
  let maps: string;
  let exe: string;
  try {
    maps = fs.readFileSync(path.join(proc, String(pid), 'maps'), 'latin1');
    exe = fs.readlinkSync(path.join(proc, String(pid), 'exe'));
  } catch {
    return null;
  }
  const files = new Set<string>();
  if (!exe.endsWith(' (deleted)')) files.add(exe);
  for (const file of mappedFiles(maps)) if (LIBSSL.test(path.basename(file))) files.add(file);
  const found: CandidateFile[] = [];
  const ids = new Set<string>();
  for (const file of files) {
    const c = candidate(proc, pid, file);
    if (c !== null && !ids.has(c.id)) {
      ids.add(c.id);
      found.push(c);
    }
  }
  return found;
}

/**
 * The files named in a /proc/PID/maps text (proc(5): address perms offset dev inode pathname),
 * each once; anonymous mappings, [heap] and the like, and deleted files are left out.
 */
export function mappedFiles(maps: string): string[] {
  const files = new Set<string>();
  for (const line of maps.split('\n')) {
    const slash = line.indexOf('/');
    if (slash < 0) continue;
    const file = line.slice(slash);
    if (!file.endsWith(' (deleted)')) files.add(file);
  }
  return [...files];
}
