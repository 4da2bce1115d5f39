import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entryPath, pcapFilename, pcapPath, streamQuery } from '../src/domain/entry-detail.js';

describe('entry detail addresses', () => {
  it('encodes each part of an id, keeping its slashes as path separators', () => {
    assert.equal(entryPath('node-a/mx51e2uk/1'), '/entries/node-a/mx51e2uk/1');
    assert.equal(entryPath('n ode/r#1/2'), '/entries/n%20ode/r%231/2');
    assert.equal(pcapPath('node-a/mx51e2uk/1', 'shoal-http-a.1-b.2.pcap'), '/pcap?ids=node-a%2Fmx51e2uk%2F1&filename=shoal-http-a.1-b.2.pcap');
  });

  it('queries a stream with the catalog variable `stream`', () => {
    assert.equal(streamQuery('node-a/mx51e2uk/tcp/7'), 'stream == "node-a/mx51e2uk/tcp/7"');
  });

  it('names the PCAP by protocol, both ends and time, in characters every file system takes', () => {
    const e = { protocol: { name: 'http', abbr: 'HTTP', layer4: 'tcp' }, timestamp: Date.UTC(2026, 10, 26, 5, 40, 28, 874), src: { ip: '10.0.0.1', port: 34494, pod: 'cart-1' }, dst: { ip: 'fd00::3', port: 80 } };
    assert.equal(pcapFilename(e), 'shoal-http-cart-1.34494-fd00_3.80-20261126T054028Z.pcap');
  });
});
