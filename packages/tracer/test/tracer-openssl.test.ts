/**
 * The tracer on real OpenSSL processes, with real uprobes: two network namespaces ("pods")
 * joined by a veth pair, a certificate made for the run, and
 *   - openssl s_server and s_client (Debian's libssl.so.3, socket BIOs), both pods traced: one
 *     connection, the client's view, the server's copy of the same bytes left out;
 *   - curl against Node's https server (Node's own OpenSSL, a memory BIO), only the server's
 *     pod traced: the server's view; a 50 KB upload and an answer written in one 40 KB call;
 *   - Node's https client against Node's https server, both pods traced: a 50 KB body written
 *     in one call, whose socket is only known from the write after it, seen from the client;
 * each with TLS 1.2 and 1.3. The bytes must arrive whole, in order, in the right direction, with
 * the right addresses and ports. Needs root and a kernel the tracer runs on (skipped with the
 * reason otherwise).
 */

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tlsTraceAvailability } from '@shoal/capture';
import type { Target } from '@shoal/model';
import { runningAsRoot, TlsPods, waitFor } from '@shoal/testkit';
import { Tracer } from '../dist/index.js';
import { curlUpload, nodeHttpsClient, startHttpsServer, startSClient, startSServer, type TlsVersion } from './helpers/tls-programs.js';
import { quietLog, StreamsSink, type CollectedStream } from './helpers/streams-sink.js';

const availability = tlsTraceAvailability();
const skip = !runningAsRoot() ? 'needs root (network namespaces, eBPF)' : !availability.available ? availability.reason : false;

const VERSIONS: readonly TlsVersion[] = ['TLSv1.3', 'TLSv1.2'];
const UPLOAD = 50_000;
const ANSWER = 40_000;

function pod(pods: TlsPods, which: 'server' | 'client'): Target {
  const ns = which === 'server' ? pods.serverNs : pods.clientNs;
  return { ip: which === 'server' ? pods.serverIp : pods.clientIp, name: which, namespace: 'tls-test', netns: pods.nsPath(ns) };
}

/** Waits until the tracer has hooked an OpenSSL file in process `pid`. */
async function hooked(tracer: Tracer, pid: number): Promise<void> {
  await waitFor(`process ${pid} hooked`, () =>
    tracer
      .status()
      .pods.flatMap((p) => p.processes)
      .some((p) => p.pid === pid && p.libraries.length > 0),
  );
}

async function endedStream(sink: StreamsSink, what: string): Promise<CollectedStream> {
  return waitFor(`${what}: an ended stream`, () => sink.streams.find((s) => s.ended));
}

describe('TLS tracer on real OpenSSL processes', { skip }, () => {
  let pods: TlsPods;
  before(() => {
    pods = new TlsPods();
  });
  after(() => pods?.destroy());

  for (const [i, version] of VERSIONS.entries()) {
    it(`openssl s_server and s_client, ${version}: one connection, the client's view, the server's copy left out`, async () => {
      const port = 4430 + i;
      const server = await startSServer(pods, port, version);
      const sink = new StreamsSink();
      const tracer = Tracer.start({ sink, log: quietLog });
      try {
        tracer.setTargets([pod(pods, 'server'), pod(pods, 'client')]);
        await hooked(tracer, server.child.pid!);
        const client = startSClient(pods, port, version);
        const request = `hello over ${version} from the client\n`;
        const answer = `and back from the server\n`;
        client.child.stdin!.write(request);
        await waitFor('the request at s_server', () => server.out().includes(request));
        server.child.stdin!.write(answer);
        await waitFor('the answer at s_client', () => client.out().includes(answer));
        client.child.stdin!.end();

        const s = await endedStream(sink, 's_client');
        assert.equal(sink.streams.length, 1, 'one connection, though both ends are traced');
        assert.equal(s.connection.comm, 'openssl');
        assert.equal(s.connection.pid, client.child.pid);
        assert.match(s.local, new RegExp(`^${pods.clientIp.replaceAll('.', '\\.')}:\\d+$`));
        assert.equal(s.remote, `${pods.serverIp}:${port}`);
        assert.equal(StreamsSink.text(s, 0), request, 'what the client wrote');
        assert.equal(StreamsSink.text(s, 1), answer, 'what the client read');
        assert.equal(s.gaps, 0);
        await waitFor("the server's copy counted", () => tracer.status().counters.duplicateBytes === request.length + answer.length);
        const status = tracer.status();
        assert.equal(status.state, 'on');
        assert.ok(status.files.some((f) => /libssl\.so/.test(f.path) && f.functions.includes('SSL_read') && f.functions.includes('SSL_write')));
        assert.equal(status.counters.lostChunks, 0);
      } finally {
        tracer.close();
        server.child.kill();
      }
    });

    it(`curl against Node's https server, ${version}: the server's view of a 50 KB upload and a 40 KB answer`, async () => {
      const port = 8440 + i;
      const server = await startHttpsServer(pods, port, version, ANSWER);
      const sink = new StreamsSink();
      const tracer = Tracer.start({ sink, log: quietLog });
      try {
        tracer.setTargets([pod(pods, 'server')]);
        await hooked(tracer, server.pid!);
        const body = 'u'.repeat(UPLOAD);
        const curl = await curlUpload(pods, port, version, body);
        assert.equal(curl.code, 0, curl.stderr);
        assert.equal(curl.stdout, `received ${UPLOAD} bytes\n${'r'.repeat(ANSWER)}`);

        const s = await waitFor('the upload and the whole answer', () =>
          sink.streams.find((x) => StreamsSink.text(x, 0).endsWith('r'.repeat(ANSWER)) && StreamsSink.text(x, 1).endsWith(body)),
        );
        assert.equal(s.connection.comm, 'node');
        assert.equal(s.local, `${pods.serverIp}:${port}`);
        assert.match(s.remote, new RegExp(`^${pods.clientIp.replaceAll('.', '\\.')}:\\d+$`));
        const read = StreamsSink.text(s, 1);
        assert.match(read, /^POST \/upload HTTP\/1\.1\r\n/);
        assert.equal(read.length - read.indexOf('\r\n\r\n') - 4, UPLOAD, 'the whole body, once');
        const written = StreamsSink.text(s, 0);
        assert.match(written, /^HTTP\/1\.1 200 OK\r\n/);
        assert.ok(written.endsWith(`\r\n\r\n${curl.stdout}`), 'the answer as curl got it, right after the head');
        assert.equal(s.gaps, 0);
        assert.ok(tracer.status().files.some((f) => f.path === process.execPath && f.functions.includes('SSL_write')), 'node itself is hooked');
      } finally {
        tracer.close();
        server.kill();
      }
    });

    it(`Node's https client and server, ${version}: a 50 KB body written in one call, addressed by the socket write after it`, async () => {
      const port = 8450 + i;
      const server = await startHttpsServer(pods, port, version, 100);
      const sink = new StreamsSink();
      const tracer = Tracer.start({ sink, log: quietLog });
      try {
        // The server's node hooks the node binary, which the client runs too: the client is
        // traced from its first instruction. Its request is bound to its socket (the BIND after
        // its write) before the server can read it: the client's view is the one kept.
        tracer.setTargets([pod(pods, 'server'), pod(pods, 'client')]);
        await hooked(tracer, server.pid!);
        const run = await nodeHttpsClient(pods, port, UPLOAD);
        const answer = `received ${UPLOAD} bytes\n${'r'.repeat(100)}`;
        assert.equal(run.stdout, `200 ${answer.length}\n`, run.stderr);

        const s = await endedStream(sink, 'the node client');
        assert.equal(s.connection.comm, 'node');
        assert.match(s.local, new RegExp(`^${pods.clientIp.replaceAll('.', '\\.')}:\\d+$`));
        assert.equal(s.remote, `${pods.serverIp}:${port}`);
        const sent = StreamsSink.text(s, 0);
        assert.match(sent, /^POST \/upload HTTP\/1\.1\r\n/);
        assert.ok(sent.endsWith(`\r\n\r\n${'u'.repeat(UPLOAD)}`), 'the whole body, right after the head');
        const read = StreamsSink.text(s, 1);
        assert.match(read, /^HTTP\/1\.1 200 OK\r\n/);
        assert.ok(read.endsWith(`\r\n\r\n${answer}`), 'the whole answer');
        assert.equal(s.gaps, 0);
        await waitFor("the server's copy counted", () => tracer.status().counters.duplicateBytes === sent.length + read.length);
      } finally {
        tracer.close();
        server.kill();
      }
    });
  }
});
