/**
 * The worker with the TLS tracer (`tls` option, `--tls`) in pod network namespaces: real Node
 * https and http2 servers in a server pod (Node's own OpenSSL), curl in a client pod (Debian's
 * libssl), both pods targeted, so the worker also captures their encrypted packets (eBPF or
 * AF_PACKET inside the pods' namespaces). Out must come the plaintext HTTP/1.1 and HTTP/2 (ALPN
 * h2) exchanges as entries marked `ebpf_tls`, between the right pods, and not the encrypted
 * streams' own TLS entries; /health, /stats and /metrics say what the tracer did. Needs root and
 * a kernel the tracer runs on (skipped with the reason otherwise).
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import { tlsTraceAvailability } from '@shoal/capture';
import { runningAsRoot, TlsPods, waitFor } from '@shoal/testkit';
import { pino } from 'pino';
import { LiveSource, startWorker, type RunningWorker } from '../dist/index.js';
import { getJson, putJson, tempDir, type Json } from './helpers/harness.js';

const availability = tlsTraceAvailability();
const skip = !runningAsRoot() ? 'needs root (network namespaces, eBPF)' : !availability.available ? availability.reason : false;

const HTTPS_PORT = 8443;
const H2_PORT = 8444;
const UPLOAD = 50_000;
const ANSWER = 40_000;

/** An https server (HTTP/1.1, TLS 1.2 and 1.3) and an http2 one (ALPN h2 only), in one Node process. */
const SERVERS = `
const https = require('node:https');
const http2 = require('node:http2');
const fs = require('node:fs');
const [key, cert, host, httpsPort, h2Port, answer] = process.argv.slice(1);
const tls = { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
let up = 0;
const ready = () => ++up === 2 && process.stdout.write('listening\\n');
https.createServer(tls, (req, res) => {
  let n = 0;
  req.on('data', (c) => (n += c.length));
  req.on('end', () => {
    res.setHeader('content-type', 'text/plain');
    res.end('received ' + n + ' bytes\\n' + 'r'.repeat(Number(answer)));
  });
}).listen(Number(httpsPort), host, ready);
http2.createSecureServer(tls, (req, res) => {
  res.setHeader('content-type', 'text/plain');
  res.end('h2 answer for ' + req.url + '\\n');
}).listen(Number(h2Port), host, ready);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

describe('worker with the TLS tracer, in pod network namespaces', { skip }, () => {
  let pods: TlsPods;
  let servers: ChildProcess;
  let worker: RunningWorker;
  let base: string;
  let token: string;

  before(async () => {
    pods = new TlsPods();
    servers = pods.spawnIn(pods.serverNs, process.execPath, ['-e', SERVERS, pods.keyFile, pods.certFile, pods.serverIp, String(HTTPS_PORT), String(H2_PORT), String(ANSWER)]);
    let out = '';
    servers.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    await waitFor('the https and http2 servers', () => out.includes('listening'));
    worker = await startWorker({
      port: 0,
      interface: 'lo',
      source: new LiveSource('best'),
      dataDir: tempDir('shoal-worker-tls-'),
      storageLimitBytes: 64 << 20,
      nodeName: 'node-tls',
      nodeIp: '10.0.0.254',
      logger: pino({ level: 'silent' }),
      tls: {},
    });
    base = `http://127.0.0.1:${worker.port}`;
    token = worker.token;
    const resolution = { [pods.serverIp]: { pod: 'server', namespace: 'tls' }, [pods.clientIp]: { pod: 'client', namespace: 'tls' } };
    assert.equal((await putJson(base, '/resolution', resolution, token)).status, 200);
    const targets = [
      { ip: pods.serverIp, name: 'server', namespace: 'tls', netns: pods.nsPath(pods.serverNs) },
      { ip: pods.clientIp, name: 'client', namespace: 'tls', netns: pods.nsPath(pods.clientNs) },
    ];
    const put = await putJson(base, '/targets', targets, token);
    assert.equal(put.body.ok, true, JSON.stringify(put.body));
    // The server's node is hooked before any client runs (curl's libssl is hooked when the tracer sees it).
    await waitFor('the server process hooked', async () => {
      const tracer = (await getJson(base, '/stats', token)).body.tracer;
      return tracer.pods.some((p: Json) => p.processes.some((proc: Json) => proc.pid === servers.pid && proc.libraries.length > 0));
    });
  });
  after(async () => {
    await worker?.close();
    pods?.destroy();
  });

  async function entries(): Promise<Json[]> {
    return (await getJson(base, '/entries?limit=1000', token)).body.entries as Json[];
  }

  it('HTTP/1.1 over TLS 1.2 and HTTP/2 over TLS 1.3 (ALPN h2) come out decrypted, between the right pods, once', async () => {
    // curl maps Debian's libssl, which no traced process maps yet (the servers are node): an
    // openssl s_client left running in the client pod makes the tracer hook libssl, and keeps it
    // hooked, so each curl after it is traced from its first instruction.
    const holder = pods.spawnIn(pods.clientNs, 'openssl', ['s_client', '-connect', `${pods.serverIp}:${HTTPS_PORT}`, '-quiet']);
    await waitFor('libssl hooked in the client pod', async () => {
      const tracer = (await getJson(base, '/stats', token)).body.tracer;
      return tracer.pods.some((p: Json) => p.processes.some((proc: Json) => proc.pid === holder.pid && proc.libraries.some((l: string) => /libssl/.test(l))));
    });

    const upload = await pods.runIn(pods.clientNs, 'curl', ['-sS', '-k', '--http1.1', '--tlsv1.2', '--tls-max', '1.2', '-H', 'content-type: text/plain', '--data-binary', '@-', `https://${pods.serverIp}:${HTTPS_PORT}/upload`], 'u'.repeat(UPLOAD));
    assert.equal(upload.code, 0, upload.stderr);
    assert.equal(upload.stdout, `received ${UPLOAD} bytes\n${'r'.repeat(ANSWER)}`);
    const h2 = await pods.runIn(pods.clientNs, 'curl', ['-sS', '-k', '--http2', '--tlsv1.3', `https://${pods.serverIp}:${H2_PORT}/h2?x=1`]);
    assert.equal(h2.code, 0, h2.stderr);
    assert.equal(h2.stdout, 'h2 answer for /h2?x=1\n');

    const http1 = await waitFor('the decrypted HTTP/1.1 entry', async () => (await entries()).find((e) => e.protocol.name === 'http' && e.summary.path === '/upload'));
    assert.equal(http1.capture, 'ebpf_tls');
    assert.deepEqual([http1.summary.method, http1.summary.status], ['POST', 200]);
    assert.deepEqual([http1.src.pod, http1.src.ip], ['client', pods.clientIp]);
    assert.deepEqual([http1.dst.pod, http1.dst.ip, http1.dst.port], ['server', pods.serverIp, HTTPS_PORT]);
    assert.ok(http1.requestSize >= UPLOAD && http1.responseSize >= ANSWER, `sizes ${http1.requestSize}, ${http1.responseSize}`);

    const http2 = await waitFor('the decrypted HTTP/2 entry', async () => (await entries()).find((e) => e.protocol.name === 'http2' && e.summary.path === '/h2?x=1'));
    assert.equal(http2.capture, 'ebpf_tls');
    assert.deepEqual([http2.summary.method, http2.summary.status], ['GET', 200]);
    assert.deepEqual([http2.src.pod, http2.dst.pod, http2.dst.port], ['client', 'server', H2_PORT]);

    // Both connections' encrypted streams were captured in the pods too: their TLS entries are
    // left out, and counted.
    await waitFor('the two encrypted entries hidden', async () => (await getJson(base, '/stats', token)).body.tracer.counters.encryptedEntriesHidden >= 2);
    const shown = await entries();
    const decryptedPorts = new Set([http1.src.port, http2.src.port]);
    assert.deepEqual(
      shown.filter((e) => e.protocol.name === 'tls' && (decryptedPorts.has(e.src.port) || decryptedPorts.has(e.dst.port))),
      [],
      'no TLS entry of a decrypted connection',
    );
    assert.equal(shown.filter((e) => e.summary.path === '/upload').length, 1, 'the upload once, though both ends are traced');
    holder.kill();
  });

  it('says what it did: /health, /stats per pod, /metrics', async () => {
    const health = (await getJson(base, '/health', undefined)).body;
    assert.deepEqual(health.tls, { state: 'on', reason: null });
    const tracer = (await getJson(base, '/stats', token)).body.tracer;
    assert.equal(tracer.state, 'on');
    const server = tracer.pods.find((p: Json) => p.pod === 'tls/server');
    assert.ok(server.netns > 0);
    assert.ok(server.processes.some((p: Json) => p.comm === 'node' && p.libraries.includes(process.execPath)));
    assert.ok(server.bytes > UPLOAD + ANSWER, `the server pod's bytes: ${server.bytes}`);
    assert.ok(tracer.files.some((f: Json) => f.path === process.execPath && f.functions.includes('SSL_read')));
    assert.ok(tracer.counters.connections >= 2 && tracer.counters.duplicateBytes > 0 && tracer.counters.lostChunks === 0, JSON.stringify(tracer.counters));
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /^shoal_worker_tls_tracer_state\{state="on"\} 1$/m);
    assert.match(metrics, /^shoal_worker_tls_tracer_state\{state="unavailable"\} 0$/m);
    assert.ok(Number(/^shoal_worker_tls_connections_total (\d+)/m.exec(metrics)?.[1]) >= 2);
    assert.ok(Number(/^shoal_worker_tls_pod_bytes_total\{pod="tls\/server"\} (\d+)/m.exec(metrics)?.[1]) > UPLOAD);
    assert.ok(Number(/^shoal_worker_tls_files_hooked (\d+)/m.exec(metrics)?.[1]) >= 1);
  });
});
