/**
 * Live capture of HTTP requests cut into MTU-sized TCP segments (issue 8). On loopback (64 KiB
 * MTU) or a veth with TSO/GSO on, a whole request head travels in one "packet", so detection
 * always saw a complete start line; on a real network a 2 KB URL spans two segments and the
 * request was lost (`(no request) -> 200`). Here the pods sit on veths with a 1500-byte MTU and
 * TSO, GSO and GRO off on every end, a real `shoal worker` captures on the bridge, and every
 * request of a mixed set must come out as a complete entry:
 *
 *   URL (path and query): short, 2,048 and 8,192 characters
 *   × request body (POST; GET when 0): 0, 10 KiB, 1 MiB
 *   × response body (the server sends what `x-reply-bytes` asks): 0, 10 KiB, 1 MiB
 *
 * The worker's own PCAP export of each entry's stream proves the segmentation: no IP packet over
 * the MTU, and for long URLs the first segment ends inside the start line.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CaptureFileReader } from '@shoal/capture';
import type { PacketSink } from '@shoal/model';
import { FeedSocket, getJson, putJson, tempDir, type Json } from './helpers/harness.js';
import { liveSkipReason, startWorkerProcess, type LiveWorker } from './helpers/live-worker.js';
import { PodLab } from './helpers/pod-lab.js';

const MTU = 1500;
const KIB = 1024;
const URL_LENGTHS = [0, 2 * KIB, 8 * KIB]; // 0: the bare unique path, no padding
const BODY_SIZES = [0, 10 * KIB, 1024 * KIB];
const REQUESTS = URL_LENGTHS.length * BODY_SIZES.length * BODY_SIZES.length;

interface Sent {
  method: string;
  path: string;
  status: number;
  requestBody: number;
  responseBody: number;
}

/** A JSON body of exactly `n` bytes (the curl helper labels bodies application/json). */
function jsonBody(n: number): string {
  return `{"p":"${'y'.repeat(n - 8)}"}`;
}

/** `prefix`, padded with a query to exactly `length` characters when it is longer. */
function pathOf(prefix: string, length: number): string {
  return length === 0 ? prefix : `${prefix}?pad=${'a'.repeat(length - prefix.length - 5)}`;
}

interface Direction {
  /** Sequence number of the first payload byte seen, and the end of the furthest byte. */
  first: number;
  end: number;
  segments: number;
  firstPayload: number;
}

/**
 * Reads an Ethernet pcap of one TCP stream (IPv4, as in the lab): the largest IP packet, and per
 * sender the payload span by sequence number (so a retransmission is not counted twice).
 */
function readStream(path: string, clientIp: string): { maxIpLength: number; client?: Direction; server?: Direction } {
  let maxIpLength = 0;
  const sides: { client?: Direction; server?: Direction } = {};
  const sink: PacketSink = {
    onPacket: (_linkType, _ts, data, offset) => {
      const ip = offset + 14;
      assert.equal(data.readUInt16BE(offset + 12), 0x0800, 'IPv4 only in the lab');
      const ipLength = data.readUInt16BE(ip + 2);
      maxIpLength = Math.max(maxIpLength, ipLength);
      const tcp = ip + (data[ip]! & 0x0f) * 4;
      const payload = ipLength - (tcp - ip) - (data[tcp + 12]! >> 4) * 4;
      if (payload === 0) return;
      const seq = data.readUInt32BE(tcp + 4);
      const key = `${data[ip + 12]}.${data[ip + 13]}.${data[ip + 14]}.${data[ip + 15]}` === clientIp ? 'client' : 'server';
      const side = (sides[key] ??= { first: seq, end: seq, segments: 0, firstPayload: payload });
      side.segments += 1;
      // Unsigned distance from the first byte: sequence numbers wrap at 2^32.
      side.end = side.first + Math.max((side.end - side.first) >>> 0, (seq + payload - side.first) >>> 0);
    },
  };
  const reader = CaptureFileReader.open(path);
  try {
    reader.readAll(sink);
  } finally {
    reader.close();
  }
  assert.deepEqual(reader.warnings, []);
  return { maxIpLength, ...sides };
}

const skip = liveSkipReason(['ethtool']);

describe('worker, live capture on a 1500-MTU bridge with offloads off', { skip }, () => {
  let lab: PodLab;
  let worker: LiveWorker;
  let exports: string;
  before(async () => {
    lab = new PodLab({ mtu: MTU, offloads: false });
    exports = tempDir(`shoal-live-segments-${process.pid}-`);
    // Node's default limit on a request head is 16 KiB; room for an 8 KB URL with margin.
    await lab.startServer({ maxHeaderSize: 64 * KIB });
    worker = await startWorkerProcess(lab, 'node-mtu', ['--interface', lab.bridge, '--capture', 'af_packet']);
  });
  after(() => {
    lab?.destroy();
    if (exports !== undefined) fs.rmSync(exports, { recursive: true, force: true });
  });

  it('makes a complete entry of every request: long URLs and large bodies cut into segments', { timeout: 120_000 }, async () => {
    const pods = [
      { ip: lab.server.ip, name: 'server', namespace: 'lab' },
      { ip: lab.client.ip, name: 'client', namespace: 'lab' },
    ];
    const put = await putJson(worker.base, '/targets', pods, worker.token);
    assert.equal(put.body.ok, true, JSON.stringify(put.body));
    // Every entry, not only HTTP: a request lost to detection shows as `(no request)` or a flow.
    const feed = new FeedSocket(worker.port, worker.token, '?q=');
    await feed.ready();

    const sent: Sent[] = [];
    for (const urlLength of URL_LENGTHS) {
      for (const requestBody of BODY_SIZES) {
        for (const responseBody of BODY_SIZES) {
          const path = pathOf(`/i8-${lab.id}/${sent.length}-u${urlLength}-q${requestBody}-r${responseBody}`, urlLength);
          const method = requestBody === 0 ? 'GET' : 'POST';
          const body = requestBody === 0 ? undefined : jsonBody(requestBody);
          // An empty `expect:` keeps curl from asking for `100 Continue` (it does past 1 MiB):
          // a request and a response each, sizes alike whatever curl's version.
          const status = lab.curl(method, path, body, { headers: [`x-reply-bytes: ${responseBody}`, 'expect:'] });
          sent.push({ method, path, status, requestBody, responseBody });
        }
      }
    }
    assert.deepEqual(
      sent.map((s) => s.status),
      sent.map((s) => (s.method === 'POST' ? 201 : 200)),
      'the server answered every request',
    );

    await feed.until(() => feed.entries.length >= REQUESTS, `${REQUESTS} entries`, 30_000);
    const byPath = new Map(feed.entries.map((e: Json) => [e.request?.path, e]));
    const stray = feed.entries.filter((e: Json) => !sent.some((s) => s.path === e.request?.path));
    assert.deepEqual(
      stray.map((e: Json) => [e.summary.text.slice(0, 80), e.malformed]),
      [],
      'entries that match no request (a lost request shows as "(no request) -> 200")',
    );
    assert.equal(feed.entries.length, REQUESTS, 'one entry per request');
    assert.equal(feed.messages.filter((m: Json) => m.lost !== undefined).length, 0, 'the feed skipped nothing');

    for (const s of sent) {
      const what = `${s.method} ${s.path.slice(0, 40)}… (${s.path.length} chars, request body ${s.requestBody}, response body ${s.responseBody})`;
      const e = byPath.get(s.path);
      assert.ok(e !== undefined, `no entry for ${what}`);
      assert.equal(e.malformed, undefined, what);
      assert.deepEqual([e.summary.method, e.summary.path.length, e.summary.status], [s.method, s.path.length, s.status], what);
      assert.equal(e.summary.path, s.path, what);
      assert.equal(e.request.url, s.path, what);
      assert.equal(e.request.bodySize, s.requestBody, what);
      // Content-Length framing: the request on the wire is its head and its body, nothing else.
      assert.equal(e.requestSize, e.request.headersSize + s.requestBody, what);
      assert.ok(e.request.headersSize > s.path.length, what);
      assert.equal(e.response.status, s.status, what);
      assert.equal(e.response.bodySize, s.responseBody, what);
      assert.equal(e.response.interim, undefined, what);
      assert.equal(e.responseSize, e.response.headersSize + s.responseBody, what);
      assert.deepEqual([e.src.ip, e.dst.ip, e.dst.port], [lab.client.ip, lab.server.ip, lab.httpPort], what);

      // The packets the worker stored for this entry's stream: real segmentation, all captured.
      const res = await fetch(`${worker.base}/pcap?ids=${encodeURIComponent(e.id)}`, { headers: { authorization: `Bearer ${worker.token}` } });
      assert.equal(res.status, 200, what);
      assert.equal(res.headers.get('x-shoal-link-type'), '1', `${what}: Ethernet, as captured on the bridge`);
      const file = join(exports, `${sent.indexOf(s)}.pcap`);
      fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
      const stream = readStream(file, lab.client.ip);
      assert.ok(stream.maxIpLength <= MTU, `${what}: a ${stream.maxIpLength}-byte IP packet, the path does not segment`);
      assert.equal((stream.client!.end - stream.client!.first) >>> 0, e.requestSize, `${what}: client bytes on the wire`);
      assert.equal((stream.server!.end - stream.server!.first) >>> 0, e.responseSize, `${what}: server bytes on the wire`);
      if (s.path.length > MTU) {
        const startLine = `${s.method} ${s.path} HTTP/1.1\r\n`.length;
        assert.ok(stream.client!.firstPayload < startLine, `${what}: the first segment (${stream.client!.firstPayload} bytes) holds the whole start line`);
      }
    }

    const stats = (await getJson(worker.base, '/stats', worker.token)).body;
    assert.equal(stats.engine.gaps, 0, 'no byte of any stream was lost');
    await feed.close();
  });
});
