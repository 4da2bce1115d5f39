/**
 * EncryptedEntries: while the TLS tracer runs, the capture's `tls` entries wait until the tracer
 * can say whether it showed the connection decrypted; decrypted ones are left out. Times are
 * given, not read from a clock.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import { EncryptedEntries, ENCRYPTED_ENTRY_HOLD_MS, MAX_HELD_ENCRYPTED } from '../dist/capture/encrypted-entries.js';

function entry(protocol: string, srcPort: number, capture: Entry['capture'] = 'ebpf'): Entry {
  return {
    id: `w/${srcPort}`,
    stream: 's',
    timestamp: 0,
    elapsedMs: 0,
    protocol: { name: protocol, abbr: protocol.toUpperCase(), layer4: 'tcp' },
    capture,
    src: { ip: '10.0.0.2', port: srcPort },
    dst: { ip: '10.0.0.1', port: 443 },
    node: { name: 'n', ip: '' },
    worker: 'w',
    summary: { text: '' },
    request: null,
    response: null,
    requestSize: 0,
    responseSize: 0,
  };
}

function setup(decrypted: Set<string>): { held: EncryptedEntries; published: string[] } {
  const published: string[] = [];
  const held = new EncryptedEntries((a, b) => decrypted.has(`${a} ${b}`) || decrypted.has(`${b} ${a}`), (e) => published.push(e.id));
  return { held, published };
}

describe('encrypted entries while the TLS tracer runs', () => {
  it('other entries, and the tracer\'s own, pass at once', () => {
    const { held } = setup(new Set());
    assert.equal(held.take(entry('http', 1), '', 0), false);
    assert.equal(held.take(entry('tls', 1, 'ebpf_tls'), '', 0), false);
  });

  it('a tls entry of a connection decrypted already is dropped; one decrypted during the wait too; the others pass after the wait', () => {
    const decrypted = new Set(['10.0.0.2:1 10.0.0.1:443', '10.0.0.2:4 10.0.0.1:443']);
    const { held, published } = setup(decrypted);
    assert.equal(held.take(entry('tcp', 4), '', 0), true, 'an unclaimed stream of a decrypted connection: dropped');
    assert.equal(held.take(entry('tls', 1), '', 0), true);
    assert.equal(held.take(entry('tls', 2), '', 0), true);
    assert.equal(held.take(entry('tls', 3), '', 10), true);
    decrypted.add('10.0.0.1:443 10.0.0.2:2');
    held.release(ENCRYPTED_ENTRY_HOLD_MS - 1);
    assert.deepEqual(published, []);
    held.release(ENCRYPTED_ENTRY_HOLD_MS);
    assert.deepEqual(published, [], 'port 2 was decrypted meanwhile');
    held.release(ENCRYPTED_ENTRY_HOLD_MS + 10);
    assert.deepEqual(published, ['w/3']);
  });

  it('past its capacity the oldest is let through undecided, and counted; the end lets all through', () => {
    const { held, published } = setup(new Set());
    for (let i = 0; i <= MAX_HELD_ENCRYPTED; i++) held.take(entry('tls', 10_000 + i), '', 0);
    assert.deepEqual(published, ['w/10000']);
    assert.equal(held.overflowed, 1);
    held.release(Infinity);
    assert.equal(published.length, MAX_HELD_ENCRYPTED + 1);
  });
});
