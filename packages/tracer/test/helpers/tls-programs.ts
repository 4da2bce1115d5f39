/**
 * Real TLS peers for the tracer's tests, run inside TlsPods: Node's https server and client
 * (Node's own, statically linked OpenSSL), openssl s_server / s_client and curl (Debian's
 * libssl.so.3). Each server is started and waited for; each client runs to its end.
 */

import type { ChildProcess } from 'node:child_process';
import { waitFor, type RunResult, type TlsPods } from '@shoal/testkit';

export type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

/** Answers every request with "received N bytes\n" and `answerBytes` bytes of 'r'. */
const HTTPS_SERVER = `
const https = require('node:https');
const fs = require('node:fs');
const [key, cert, host, port, version, answerBytes] = process.argv.slice(1);
const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert), minVersion: version, maxVersion: version }, (req, res) => {
  let n = 0;
  req.on('data', (c) => (n += c.length));
  req.on('end', () => {
    res.setHeader('content-type', 'text/plain');
    res.end('received ' + n + ' bytes\\n' + 'r'.repeat(Number(answerBytes)));
  });
});
server.listen(Number(port), host, () => process.stdout.write('listening\\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

/** POSTs `bodyBytes` bytes of 'u' in one write and prints the status and the answer's length. */
const HTTPS_CLIENT = `
const https = require('node:https');
const [host, port, bodyBytes] = process.argv.slice(1);
const req = https.request({ host, port: Number(port), method: 'POST', path: '/upload', rejectUnauthorized: false, headers: { 'content-type': 'text/plain' } }, (res) => {
  let n = 0;
  res.on('data', (c) => (n += c.length));
  res.on('end', () => process.stdout.write(res.statusCode + ' ' + n + '\\n'));
});
req.end('u'.repeat(Number(bodyBytes)));
`;

/** Collects a process's stdout. */
export function output(child: ChildProcess): () => string {
  let text = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (text += d));
  return () => text;
}

export async function startHttpsServer(pods: TlsPods, port: number, version: TlsVersion, answerBytes: number): Promise<ChildProcess> {
  const child = pods.spawnIn(pods.serverNs, process.execPath, ['-e', HTTPS_SERVER, pods.keyFile, pods.certFile, pods.serverIp, String(port), version, String(answerBytes)]);
  const out = output(child);
  await waitFor(`the https server on ${pods.serverIp}:${port}`, () => out().includes('listening'));
  return child;
}

export function nodeHttpsClient(pods: TlsPods, port: number, bodyBytes: number): Promise<RunResult> {
  return pods.runIn(pods.clientNs, process.execPath, ['-e', HTTPS_CLIENT, pods.serverIp, String(port), String(bodyBytes)]);
}

export function curlUpload(pods: TlsPods, port: number, version: TlsVersion, body: string): Promise<RunResult> {
  const v = version === 'TLSv1.2' ? ['--tlsv1.2', '--tls-max', '1.2'] : ['--tlsv1.3', '--tls-max', '1.3'];
  return pods.runIn(pods.clientNs, 'curl', ['-sS', '-k', '--http1.1', ...v, '-H', 'content-type: text/plain', '--data-binary', '@-', `https://${pods.serverIp}:${port}/upload`], body);
}

/** Waits until something listens on `port` in the server's namespace (ss: iproute2). */
async function listening(pods: TlsPods, port: number): Promise<void> {
  await waitFor(`a listener on port ${port} in ${pods.serverNs}`, async () => (await pods.runIn(pods.serverNs, 'ss', ['-Hltn', `sport = :${port}`])).stdout.trim() !== '', { timeoutMs: 10_000, intervalMs: 50 });
}

/** openssl s_server in its interactive mode (SSL_read to stdout, stdin to SSL_write). */
export async function startSServer(pods: TlsPods, port: number, version: TlsVersion): Promise<{ child: ChildProcess; out: () => string }> {
  const child = pods.spawnIn(pods.serverNs, 'openssl', ['s_server', '-accept', `${pods.serverIp}:${port}`, '-cert', pods.certFile, '-key', pods.keyFile, '-quiet', version === 'TLSv1.2' ? '-tls1_2' : '-tls1_3']);
  const out = output(child);
  await listening(pods, port);
  return { child, out };
}

/** openssl s_client: stdin to SSL_write, SSL_read to stdout; ends the connection at the end of stdin. */
export function startSClient(pods: TlsPods, port: number, version: TlsVersion): { child: ChildProcess; out: () => string } {
  const child = pods.spawnIn(pods.clientNs, 'openssl', ['s_client', '-connect', `${pods.serverIp}:${port}`, '-quiet', '-no_ign_eof', version === 'TLSv1.2' ? '-tls1_2' : '-tls1_3']);
  return { child, out: output(child) };
}
