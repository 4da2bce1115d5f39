/**
 * What the eBPF live tests share around their NetnsLab: whether they can run here (root, and
 * an addon built with eBPF: skipped with the reason only when the build had no clang /
 * libbpf-dev, never merely because loading failed), the captures a suite opened (closed at its
 * end), and the tc filters and qdisc of an interface in one of the lab's namespaces.
 */

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { openLiveCapture } from '@shoal/capture';
import type { LiveCapture, LiveCaptureOptions } from '@shoal/capture';
import { canMakeNamespaces, NetnsLab } from './netns-lab.js';
import { PacketLog } from './netns-packets.js';

const allowed = canMakeNamespaces();
const buildStatus = readBuildStatus();
/** Why the eBPF tests cannot run here, or false. */
export const skip = !allowed.ok
  ? allowed.reason
  : buildStatus?.built === false
    ? `the eBPF backend was not built here: ${buildStatus.reason ?? 'no reason recorded'}`
    : false;
/** The chain tests run either way: they expect eBPF first when it was built, af_packet else. */
export const chainSkip = allowed.ok ? false : allowed.reason;
export const ebpfBuilt = skip === false;
export const pfRingLoaded = fs.existsSync('/proc/net/pf_ring') || fs.existsSync('/sys/module/pf_ring');

function readBuildStatus(): { built: boolean; reason?: string } | null {
  try {
    return JSON.parse(fs.readFileSync(new URL('../../build/Release/shoal_capture.ebpf.json', import.meta.url), 'utf8')) as { built: boolean; reason?: string };
  } catch {
    return null;
  }
}

/** The captures a suite opens: `capture` opens one (eBPF unless told otherwise) into a
 * PacketLog, `keep` takes one opened otherwise, `closeAll` (in after()) closes them all. */
export function trackCaptures(): {
  capture: (options: Omit<LiveCaptureOptions, 'backend'>, backend?: LiveCaptureOptions['backend'], log?: PacketLog) => { cap: LiveCapture; log: PacketLog };
  keep: (cap: LiveCapture) => void;
  closeAll: () => void;
} {
  const open: LiveCapture[] = [];
  return {
    capture(options, backend = 'ebpf', log = new PacketLog()) {
      const cap = openLiveCapture({ backend, ...options }, log);
      open.push(cap);
      return { cap, log };
    },
    keep(cap) {
      open.push(cap);
    },
    closeAll() {
      for (const cap of open) cap.close();
    },
  };
}

/** `tc ARGS` inside namespace `ns` of `lab`; its standard output. */
export async function tc(lab: NetnsLab, ns: string, ...args: string[]): Promise<string> {
  const r = await lab.runIn(ns, 'tc', args);
  assert.equal(r.code, 0, `tc ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Our filters on `dev` (both directions) and whether a clsact qdisc is there. */
export async function tcState(lab: NetnsLab, ns: string, dev: string): Promise<{ ingress: string; egress: string; clsact: boolean }> {
  return {
    ingress: await tc(lab, ns, 'filter', 'show', 'dev', dev, 'ingress'),
    egress: await tc(lab, ns, 'filter', 'show', 'dev', dev, 'egress'),
    clsact: (await tc(lab, ns, 'qdisc', 'show', 'dev', dev)).includes('clsact'),
  };
}

/** A lab with its HTTP server started, and the path of the server's namespace (a suite's before()). */
export async function openServerLab(): Promise<{ lab: NetnsLab; serverNs: string }> {
  const lab = new NetnsLab();
  await lab.startHttpServer();
  return { lab, serverNs: lab.nsPath(lab.serverNs) };
}

/** A suite's after(): its captures closed, then its lab (if it got that far) taken down. */
export function closeServerLab(lab: NetnsLab | undefined, closeAll: () => void): void {
  closeAll();
  lab?.destroy();
}
