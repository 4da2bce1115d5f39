import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TracerSummary } from '@shoal/model';
import type { WorkerStatus } from '../src/domain/hub-status.js';
import { tlsLine, tlsOverview } from '../src/domain/tls-status.js';

const COUNTERS = { calls: 5, chunks: 6, bytes: 40_960, lostChunks: 0, lostBytes: 0, connections: 2, duplicateBytes: 0, encryptedEntriesHidden: 2, errors: 0 };

const on: TracerSummary = {
  state: 'on',
  reason: null,
  files: 2,
  failedFiles: 0,
  pods: [
    { pod: 'shop/web', found: true, hookedProcesses: 2, libraries: ['/usr/bin/node'], chunks: 6, bytes: 40_960, gaps: 0, lostBytes: 0 },
    { pod: 'shop/db', found: true, hookedProcesses: 0, libraries: [], chunks: 0, bytes: 0, gaps: 0, lostBytes: 0 },
  ],
  counters: COUNTERS,
};
const unavailable: TracerSummary = { state: 'unavailable', reason: 'this kernel has no BTF', files: 0, failedFiles: 0, pods: [], counters: { ...COUNTERS, bytes: 0 } };

const worker = (name: string, tls: TracerSummary | null, up = true): WorkerStatus => ({
  name, url: `http://${name}:30001`, up, downSince: null, lastError: null, lastSeen: null, capturing: up, capture: null, packets: null, store: null, tls,
});

describe('TLS tracers in the status bar', () => {
  it("one worker's line: hooked processes and pods, bytes read, losses and files not hooked when there are", () => {
    assert.equal(tlsLine(on), 'TLS on: 2 processes hooked in 1 pod, 40 KiB read');
    assert.equal(tlsLine({ ...on, failedFiles: 1, counters: { ...COUNTERS, lostChunks: 3 } }), 'TLS on: 2 processes hooked in 1 pod, 40 KiB read, 3 chunks lost, 1 files not hooked');
    // The pods whose plaintext has holes are named.
    const losing = { ...on, pods: [{ ...on.pods[0]!, gaps: 2, lostBytes: 900 }, on.pods[1]!], counters: { ...COUNTERS, lostChunks: 3 } };
    assert.equal(tlsLine(losing), 'TLS on: 2 processes hooked in 1 pod, 40 KiB read, 3 chunks lost (shop/web)');
    assert.equal(tlsLine(unavailable), 'TLS unavailable: this kernel has no BTF');
  });

  it('over the nodes: nothing when no worker runs it; the unavailable ones make trouble and are named', () => {
    assert.equal(tlsOverview([worker('a', null), worker('b', { ...on, state: 'off' })]), null);
    assert.deepEqual(tlsOverview([worker('a', on), worker('b', unavailable), worker('c', on, false)]), {
      text: 'TLS: 1/2 nodes, 40 KiB decrypted',
      title: 'a: TLS on: 2 processes hooked in 1 pod, 40 KiB read\nb: TLS unavailable: this kernel has no BTF',
      trouble: true,
    });
    assert.equal(tlsOverview([worker('a', on)])!.trouble, false);
  });
});
