import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { LinkType } from '@shoal/model';
import { readCapture } from './helpers/read-capture.js';

// Compiled to dist-test/, the fixtures stay in test/fixtures/ (see make-fixtures.mjs).
const fixture = (name: string): string => fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url));

/**
 * What tshark 4.0 reports for mergecap-two-links.pcapng (interface, frame.time_epoch,
 * frame.cap_len, frame.len): an independent reading of the same file.
 */
const TSHARK_VIEW: [number, string, number, number][] = [
  [0, '1700000000.000000000', 44, 144],
  [1, '1700000000.100000000', 42, 42],
  [0, '1700000000.250125000', 61, 61],
  [0, '1700000000.500250000', 78, 78],
  [1, '1700000000.600250000', 43, 43],
  [0, '1700000000.750375000', 95, 95],
  [0, '1700000001.000500000', 112, 212],
  [1, '1700000001.100500000', 44, 44],
  [0, '1700000001.250625000', 129, 129],
  [0, '1700000001.500750000', 146, 146],
  [1, '1700000001.600750000', 45, 45],
  [0, '1700000001.750875000', 163, 163],
  [0, '1700000002.001000000', 180, 280],
  [1, '1700000002.101000000', 46, 46],
  [0, '1700000002.251125000', 197, 197],
  [0, '1700000002.501250000', 200, 214],
  [1, '1700000002.601250000', 47, 47],
  [0, '1700000002.751375000', 200, 231],
  [0, '1700000003.001500000', 200, 348],
  [1, '1700000003.101500000', 48, 48],
  [0, '1700000003.251625000', 200, 265],
  [0, '1700000003.501750000', 200, 282],
  [1, '1700000003.601750000', 49, 49],
  [0, '1700000003.751875000', 200, 299],
  [0, '1700000004.002000000', 200, 416],
  [1, '1700000004.102000000', 50, 50],
  [0, '1700000004.252125000', 200, 333],
  [0, '1700000004.502250000', 200, 350],
  [1, '1700000004.602250000', 51, 51],
  [0, '1700000004.752375000', 200, 367],
];

function epochToMs(epoch: string): number {
  const [sec = '', ns = ''] = epoch.split('.');
  return Number(sec) * 1000 + (Number(ns.padEnd(9, '0')) * 1000) / 1e9;
}

describe('fixtures converted by Wireshark tools', () => {
  it('editcap pcapng (microseconds) holds the same packets as its writer-made pcap source', () => {
    const source = readCapture(fixture('source-ethernet-us.pcap'));
    const converted = readCapture(fixture('editcap-ethernet.pcapng'));
    assert.equal(converted.format, 'pcapng');
    assert.deepEqual(converted.warnings, []);
    assert.equal(source.packets.length, 20);
    assert.deepEqual(converted.packets, source.packets);
  });

  it('editcap pcapng (if_tsresol 9) matches its big-endian nanosecond source to the bit', () => {
    const source = readCapture(fixture('source-raw-ns-be.pcap'));
    const converted = readCapture(fixture('editcap-raw-ns.pcapng'));
    assert.equal(source.packets.length, 10);
    assert.deepEqual(converted.packets, source.packets);
  });

  it('mergecap pcapng with two link types agrees with tshark and with both sources', () => {
    for (const chunkBytes of [undefined, 64]) {
      const merged = readCapture(fixture('mergecap-two-links.pcapng'), chunkBytes);
      assert.deepEqual(merged.warnings, []);
      assert.deepEqual(
        merged.packets.map((p) => [p.linkType, p.timestampMs, p.capturedLength, p.originalLength]),
        TSHARK_VIEW.map(([iface, epoch, cap, len]) => [
          iface === 0 ? LinkType.ETHERNET : LinkType.RAW,
          epochToMs(epoch),
          cap,
          len,
        ]),
      );
      const sources = [
        ...readCapture(fixture('source-ethernet-us.pcap')).packets,
        ...readCapture(fixture('source-raw-ns-be.pcap')).packets,
      ].sort((a, b) => a.timestampMs - b.timestampMs);
      assert.deepEqual(merged.packets, sources);
    }
  });
});
