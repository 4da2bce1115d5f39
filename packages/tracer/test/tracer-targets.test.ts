/**
 * How the tracer finds and follows the targets' processes, on real processes in two network
 * namespaces ("pods"): a program started after the tracer, using an OpenSSL file nothing traced
 * mapped before, is hooked and traced; its end takes it (and, with nothing else mapping it, the
 * file's uprobes) off; a pod given only by its IP is found by its address; a pod whose namespace
 * is gone says so. Needs root and a kernel the tracer runs on (skipped with the reason otherwise).
 */

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { tlsTraceAvailability } from '@shoal/capture';
import { runningAsRoot, TlsPods, waitFor } from '@shoal/testkit';
import { Tracer } from '../dist/index.js';
import { startSClient, startSServer } from './helpers/tls-programs.js';
import { quietLog, StreamsSink } from './helpers/streams-sink.js';

const availability = tlsTraceAvailability();
const skip = !runningAsRoot() ? 'needs root (network namespaces, eBPF)' : !availability.available ? availability.reason : false;

describe('TLS tracer: finding and following the targets\' processes', { skip }, () => {
  let pods: TlsPods;
  let server: Awaited<ReturnType<typeof startSServer>>;
  before(async () => {
    pods = new TlsPods();
    server = await startSServer(pods, 4433, 'TLSv1.3');
  });
  after(() => pods?.destroy());

  it('a program started after the tracer is hooked, traced, and let go when it ends', async () => {
    const sink = new StreamsSink();
    const tracer = Tracer.start({ sink, log: quietLog });
    try {
      // Only the client pod, empty so far: nothing to hook.
      tracer.setTargets([{ ip: pods.clientIp, name: 'client', namespace: 'tls', netns: pods.nsPath(pods.clientNs) }]);
      assert.deepEqual(tracer.status().files, []);
      assert.deepEqual(tracer.status().pods.map((p) => [p.pod, p.processCount]), [['tls/client', 0]]);

      const client = startSClient(pods, 4433, 'TLSv1.3');
      const pid = client.child.pid!;
      await waitFor('the new s_client hooked', () =>
        tracer.status().pods[0]!.processes.find((p) => p.pid === pid && p.comm === 'openssl' && p.libraries.some((l) => /libssl\.so/.test(l))),
      );
      client.child.stdin!.write('from a process started later\n');
      await waitFor('its plaintext', () => sink.streams.some((s) => StreamsSink.text(s, 0) === 'from a process started later\n'));
      assert.equal(sink.streams[0]!.connection.pid, pid);

      client.child.stdin!.end();
      await waitFor('the ended process gone from the pod', () => !tracer.status().pods[0]!.processes.some((p) => p.pid === pid));
      await waitFor('libssl let go: no traced process maps it', () => tracer.status().files.length === 0, 10_000);
    } finally {
      tracer.close();
    }
  });

  it('a pod given by its IP only is found by the namespace holding that address', async () => {
    const tracer = Tracer.start({ sink: new StreamsSink(), log: quietLog });
    try {
      tracer.setTargets([{ ip: pods.serverIp, name: 'server', namespace: 'tls' }]);
      const pod = tracer.status().pods[0]!;
      assert.equal(pod.netns, fs.statSync(pods.nsPath(pods.serverNs)).ino);
      assert.ok(pod.processes.some((p) => p.pid === server.child.pid && p.libraries.some((l) => /libssl\.so/.test(l))));
    } finally {
      tracer.close();
    }
  });

  it('a pod whose namespace cannot be found says why, and the others are traced all the same', () => {
    const tracer = Tracer.start({ sink: new StreamsSink(), log: quietLog });
    try {
      tracer.setTargets([
        { ip: '10.255.255.1', name: 'gone', namespace: 'tls', netns: '/var/run/netns/shoal-no-such-namespace' },
        { ip: '10.255.255.2', name: 'nowhere', namespace: 'tls' },
        { ip: pods.serverIp, name: 'server', namespace: 'tls', netns: pods.nsPath(pods.serverNs) },
      ]);
      const status = tracer.status();
      assert.deepEqual(
        status.pods.map((p) => [p.pod, p.netns === null, p.reason ?? null]),
        [
          ['tls/gone', true, 'its network namespace /var/run/netns/shoal-no-such-namespace cannot be opened'],
          ['tls/nowhere', true, 'no network namespace on this node has its address 10.255.255.2'],
          ['tls/server', false, null],
        ],
      );
      assert.ok(status.pods[2]!.processes.some((p) => p.pid === server.child.pid));
    } finally {
      tracer.close();
    }
  });
});
