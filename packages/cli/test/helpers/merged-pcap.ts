/**
 * What tshark reads in a pcap the hub (or the dashboard through it) served: every packet with its
 * TCP connection, and the check the lab tests make of a merged file: exactly the connections
 * asked for, in time order, no packet twice.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { lines } from './run-shoal.js';

/** Why tshark cannot be used here, or null. */
export function tsharkUnavailable(): string | null {
  return spawnSync('tshark', ['-v'], { stdio: 'ignore', timeout: 10_000 }).error !== undefined ? 'tshark is not installed' : null;
}

/** A TCP connection as tshark and the entries both give it: the two ends, in a fixed order. */
export function connection(a: { ip: string; port: number }, b: { ip: string; port: number }): string {
  return [`${a.ip}:${a.port}`, `${b.ip}:${b.port}`].sort().join(' ');
}

/** The connection of an entry (its two ends). */
export const connectionOf = (e: { src: { ip: string; port: number }; dst: { ip: string; port: number } }): string => connection(e.src, e.dst);

/**
 * Every packet of a pcap file as tshark reads it: time, TCP connection (empty when not TCP), and
 * what makes it one packet on the wire (addresses, IP id, sequence and acknowledgement numbers,
 * length, flags, TCP timestamp): two captures of one packet have the same, a retransmission not.
 */
export function tsharkPackets(file: string): { time: number; connection: string; wire: string }[] {
  const fields = ['frame.time_epoch', 'ip.src', 'tcp.srcport', 'ip.dst', 'tcp.dstport', 'ip.id', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.len', 'tcp.flags', 'tcp.options.timestamp.tsval'];
  const out = execFileSync('tshark', ['-r', file, '-T', 'fields', '-E', 'separator=,', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return lines(out).map((l) => {
    const [time, srcIp, srcPort, dstIp, dstPort, ...rest] = l.split(',');
    return {
      time: Number(time),
      connection: srcPort === '' ? '' : connection({ ip: srcIp!, port: Number(srcPort) }, { ip: dstIp!, port: Number(dstPort) }),
      wire: [srcIp, srcPort, dstIp, dstPort, ...rest].join(','),
    };
  });
}

/** What a merged pcap must be: exactly `connections`, in time order, no packet twice. */
export function assertMergedPcap(file: string, connections: string[]): void {
  const packets = tsharkPackets(file);
  assert.ok(packets.length > 0, 'tshark reads packets');
  assert.deepEqual([...new Set(packets.map((p) => p.connection))].sort(), [...new Set(connections)].sort(), 'the packets of the requested connections, and only those');
  const times = packets.map((p) => p.time);
  assert.deepEqual(times, [...times].sort((x, y) => x - y), 'in time order');
  const wire = packets.map((p) => p.wire);
  assert.deepEqual(wire.filter((w, i) => wire.indexOf(w) !== i).slice(0, 5), [], 'no packet twice (a call between nodes is captured on both)');
}
