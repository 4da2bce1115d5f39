/**
 * Throughput check of live capture (a measurement, not a test: run it by hand as root).
 *
 *   node packages/capture/dist-test/helpers/netns-throughput.js [COUNT] [SIZE]
 *
 * Floods COUNT (default 500000) UDP datagrams of SIZE (default 64) bytes from the client
 * namespace of a fresh lab to the server namespace with bench/capture/udp-flood.c (compiled
 * here with cc; given the server's address it opens no sink of its own), captures them with each backend inside the server namespace, and prints what
 * reached JS: packets/s, kernel drops, batches, CPU per packet of the capture thread and of
 * the main thread. Everything stays inside the lab's namespaces; the lab is removed at the end.
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PacketSink } from '@shoal/model';
import { openLiveCapture } from '@shoal/capture';
import type { LiveBackend, LiveCaptureOptions } from '@shoal/capture';
import { waitFor } from '@shoal/testkit';
import { NetnsLab, canMakeNamespaces } from './netns-lab.js';

const count = Number(process.argv[2] ?? 500_000);
const size = Number(process.argv[3] ?? 64);
const port = 9999;
/** The sender's own time bound (udp-flood MAX_SECONDS). */
const floodSeconds = 60;

function buildFlood(): string {
  // One sender for the repository: bench/capture's (from dist-test/helpers or test/helpers).
  const source = fileURLToPath(new URL('../../../../bench/capture/udp-flood.c', import.meta.url));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-flood-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const binary = path.join(dir, 'udp-flood');
  execFileSync('cc', ['-O2', '-o', binary, source], { stdio: 'inherit', timeout: 60_000 });
  return binary;
}

/** CPU seconds of this process's threads by thread name (schedstat: nanoseconds on a CPU). */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  const tasks = `/proc/${process.pid}/task`;
  for (const tid of fs.readdirSync(tasks)) {
    try {
      const name = tid === String(process.pid) ? 'main' : fs.readFileSync(`${tasks}/${tid}/comm`, 'utf8').trim();
      const seconds = Number(fs.readFileSync(`${tasks}/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
      out.set(name, (out.get(name) ?? 0) + seconds);
    } catch {
      // thread ended meanwhile
    }
  }
  return out;
}

/** A sink that does what a real consumer does first: read Ethernet, IPv4 and UDP headers. */
class HeaderWalkSink implements PacketSink {
  packets = 0;
  bytes = 0;
  udp = 0;
  first = 0;
  last = 0;
  spinNs = 0;
  onPacket(_l: number, _t: number, data: Buffer, offset: number, capturedLength: number): void {
    if (this.packets === 0) this.first = performance.now();
    this.packets++;
    this.bytes += capturedLength;
    if (capturedLength >= 42 && data.readUInt16BE(offset + 12) === 0x0800 && data[offset + 23] === 17) {
      const l4 = offset + 14 + (data[offset + 14]! & 0x0f) * 4;
      if (data.readUInt16BE(l4 + 2) === port) this.udp++;
    }
    if (this.spinNs > 0) {
      const until = process.hrtime.bigint() + BigInt(this.spinNs);
      while (process.hrtime.bigint() < until);
    }
    this.last = performance.now();
  }
}

async function measure(lab: NetnsLab, flood: string, target: string, label: string, options: LiveCaptureOptions, spinNs = 0): Promise<void> {
  const sink = new HeaderWalkSink();
  sink.spinNs = spinNs;
  const cap = openLiveCapture(options, sink);
  const cpuBefore = threadCpu();
  const started = performance.now();
  const sent = await lab.runIn(lab.clientNs, flood, [String(port), String(count), String(size), String(floodSeconds), target], 90_000);
  const [sentCount = '0', sendSeconds = '0'] = sent.stdout.trim().split(/\s+/);
  // Drained when every packet the kernel kept reached JS and nothing moved for 300 ms
  // (bounded wait; libpcap's counters are sampled every 50-100 ms).
  let seen = -1;
  let stillSince = performance.now();
  await waitFor(() => `the capture to drain: ${JSON.stringify(cap.stats())}`, () => {
    const s = cap.stats();
    if (s.delivered !== seen) {
      seen = s.delivered;
      stillSince = performance.now();
    }
    return s.received > 0 && s.delivered + s.dropped >= s.received && s.queued === 0 && performance.now() - stillSince > 300;
  }, { timeoutMs: 20_000, intervalMs: 50 });
  const cpuAfter = threadCpu();
  const s = cap.close();
  const seconds = (sink.last - started) / 1000;
  const cpu = (name: string): number => (cpuAfter.get(name) ?? 0) - (cpuBefore.get(name) ?? 0);
  const perPacket = (secs: number): string => `${((secs * 1e9) / Math.max(1, sink.packets)).toFixed(0)} ns`;
  console.log(
    [
      label,
      `sender: ${sentCount} in ${Number(sendSeconds).toFixed(2)} s (${Math.round(Number(sentCount) / Number(sendSeconds))}/s)`,
      `kernel: received ${s.received}, dropped ${s.dropped} (${((100 * s.dropped) / Math.max(1, s.received)).toFixed(1)}%), ring freezes ${s.ringFreezes}`,
      `JS: ${sink.packets} packets (${sink.udp} walked as UDP:${port}) in ${s.batches} batches (${Math.round(sink.packets / Math.max(1, s.batches))}/batch), ` +
        `${Math.round(sink.packets / seconds)} packets/s over ${seconds.toFixed(2)} s; delivered + dropped = received: ${s.delivered + s.dropped === s.received}`,
      `CPU: capture thread ${cpu('shoal-capture').toFixed(2)} s (${perPacket(cpu('shoal-capture'))}/packet), ` +
        `main thread ${cpu('main').toFixed(2)} s (${perPacket(cpu('main'))}/packet)`,
    ].join('\n    '),
  );
}

async function main(): Promise<void> {
  const allowed = canMakeNamespaces();
  if (!allowed.ok) {
    console.error(allowed.reason);
    process.exit(2);
  }
  const flood = buildFlood();
  const lab = new NetnsLab();
  try {
    const direct = lab.addDirectLink();
    await waitFor('the direct link to come up', () => lab.linkUp(lab.serverNs, direct.serverIf) && lab.linkUp(lab.clientNs, 'flc'));
    const where = { interface: direct.serverIf, netns: lab.nsPath(lab.serverNs), filter: `udp port ${port}` };
    const runs: [string, LiveBackend, Partial<LiveCaptureOptions>, number][] = [
      ['ebpf, ring 16 MiB, 10 ms, filter in the kernel', 'ebpf', {}, 0],
      ['ebpf, ring 64 MiB, 10 ms, filter in the kernel', 'ebpf', { ebpf: { ringBytes: 64 << 20 } }, 0],
      ['af_packet, ring 32 x 1 MiB, 10 ms', 'af_packet', {}, 0],
      ['af_packet, ring 8 x 256 KiB, 10 ms', 'af_packet', { ring: { blockBytes: 256 << 10, blockCount: 8 } }, 0],
      ['libpcap, 32 MiB, 10 ms timeout', 'libpcap', {}, 0],
      ['libpcap, 32 MiB, immediate mode', 'libpcap', { libpcap: { immediate: true } }, 0],
      [
        'af_packet, ring 4 x 256 KiB, 2 batches in flight, sink spinning 10 us/packet (drop accounting)',
        'af_packet',
        { ring: { blockBytes: 256 << 10, blockCount: 4 }, batch: { maxInFlight: 2 } },
        10_000,
      ],
    ];
    console.log(`${count} UDP datagrams of ${size} bytes over a veth pair, client namespace -> server namespace, captured in the server namespace`);
    for (const [label, backend, extra, spin] of runs) await measure(lab, flood, direct.serverIp, label, { backend, ...where, ...extra }, spin);
  } finally {
    lab.destroy();
  }
}

await main();
