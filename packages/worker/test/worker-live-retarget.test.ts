/**
 * A target change must not shift the pairing of keep-alive connections already open. Each pod
 * is captured inside its own network namespace, as in the lab; a new target can change the
 * filter of a pod's capture (the plan gives each packet to one capture: namespaces in order,
 * each leaving out the hosts of those before it), so PUT /targets replaces the capture that
 * feeds a connection mid-stream, or moves the connection to another pod's capture. A keep-alive
 * client asks /s/NNN?n=I (answered with status NNN) before and after each change, on one
 * connection; every HTTP entry must pair a request with its own response.
 * Needs root (network namespaces, live capture).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@shoal/testkit';
import type { RunningWorker } from '../dist/index.js';
import { getJson, holdUntil, putJson, tempDir, type Json } from './helpers/harness.js';
import { liveSkipReason, startBridgeWorker } from './helpers/live-worker.js';
import { PodLab, type KeepAliveClient } from './helpers/pod-lab.js';

const ROUND: Array<[string, string]> = [
  ['GET', '/s/200'],
  ['GET', '/s/500'],
  ['POST', '/s/201'],
  ['GET', '/s/404'],
];

describe('worker, target changes under open keep-alive connections', { skip: liveSkipReason() }, () => {
  let lab: PodLab;
  let worker: RunningWorker | undefined;
  let dataDir: string;
  before(() => {
    // Real 1500-byte segments (offloads off): the losses at the switch cut exchanges mid-message.
    lab = new PodLab({ mtu: 1500, offloads: false });
    dataDir = tempDir('shoal-retarget-');
  });
  after(async () => {
    await worker?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    lab?.destroy();
  });

  it('pairs every request with its own response after each change', async () => {
    // Namespaces are planned in name order: `extra` and `client` come before `server`.
    const extraPod = lab.addPod('extra');
    await lab.startServer();
    const target = (pod: { ip: string; ns: string }, name: string) => ({ ip: pod.ip, name, namespace: 'lab', netns: lab.netnsPath(pod.ns) });
    const server = target(lab.server, 'server');
    const client = target(lab.client, 'client');
    const extra = target(extraPod, 'extra');
    worker = await startBridgeWorker(lab, dataDir, 'retarget', '192.0.2.30', [server]);
    const base = `http://127.0.0.1:${worker.port}`;

    const keepAlive: KeepAliveClient = await lab.keepAliveClient();
    const sent: string[] = [];
    let port = 0;
    const round = async (): Promise<void> => {
      for (const [method, ask] of ROUND) {
        const path = `${ask}?n=${sent.length}`;
        const answer = await keepAlive.send(method, path);
        assert.equal(answer.status, Number(ask.slice(3)), `the server answers ${path} with its status`);
        if (port === 0) port = answer.localPort;
        assert.equal(answer.localPort, port, 'every request goes over the one connection');
        sent.push(`${method} ${path}`);
      }
    };
    const retarget = async (targets: unknown[], captures: number): Promise<void> => {
      const r = await putJson(base, '/targets', targets, worker!.token);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const open = (r.body.captures as Json[]).filter((c) => c.open);
      assert.equal(open.length, captures, JSON.stringify(r.body));
    };

    await round();
    // The server pod's capture is replaced by one leaving out the new pod, in the same
    // namespace, while it holds a whole exchange not delivered yet: the main thread stands
    // still while the request is answered, then the targets change in that same turn (on the
    // core: a PUT would let the loop turn and the old capture deliver). The old
    // capture discards the exchange (counted), the new one never saw it: both directions of the
    // connection lose bytes at once.
    const core = worker.core;
    const seen = core.captures.status()[0]!.stats;
    const lost = keepAlive.send('GET', `/s/200?n=${sent.length}`);
    const queued = holdUntil(() => core.captures.status()[0]!.stats.received >= seen.received + 3, 5000);
    assert.ok(queued, `the capture read the exchange: ${JSON.stringify(core.captures.status()[0]!.stats)}`);
    assert.equal(core.setTargets([server, extra]).filter((c) => c.open).length, 2);
    assert.ok(core.captures.totals().discarded >= 3, `the exchange was discarded: ${JSON.stringify(core.captures.totals())}`);
    assert.equal((await lost).status, 200);
    sent.push(`GET /s/200?n=${sent.length}`);
    await round();
    // Through the API, as the hub does. The client pod's capture now takes the connection's
    // packets (its namespace comes first).
    await retarget([server, extra, client], 3);
    await round();
    // And back to the server pod's capture, a new one again; nothing changes after this round.
    await retarget([server], 1);
    const lastRound = sent.length;
    await round();

    // Stored entries, oldest first (the store answers newest first), once the last is there.
    const last = sent[sent.length - 1];
    const text = (e: Json): string => `${e.summary.text}${e.malformed !== undefined ? ` [${e.malformed.code}]` : ''}`;
    let entries: Json[] = [];
    await waitFor(() => `the stored entry of ${last} (stored: ${JSON.stringify(entries.map(text))})`, async () => {
      entries = ((await getJson(base, '/entries?limit=1000', worker!.token)).body.entries as Json[]).filter((e) => e.protocol.name === 'http').reverse();
      return entries.some((e) => `${e.summary.method} ${e.summary.path}` === last);
    }, { intervalMs: 50 });
    const got = entries.map(text);
    // What a replaced capture had not delivered is lost, in both directions at once (several
    // exchanges make one gap). A lost request is an entry marked DIS_ERR_GAP, never a response
    // paired with the next request: every entry with a request has its own status, or none.
    const shifted = entries.filter((e) => {
      const asked = /^\/s\/(\d{3})\?/.exec(e.summary.path ?? '');
      if (asked !== null && e.summary.status === Number(asked[1])) return false;
      return e.malformed?.code !== 'DIS_ERR_GAP' || (asked !== null && e.summary.status !== undefined);
    });
    assert.deepEqual(shifted.map(text), [], `each response with its own request: ${JSON.stringify(got)}`);
    assert.ok(
      entries.some((e) => e.malformed?.code === 'DIS_ERR_GAP' && e.summary.method === undefined),
      `the discarded exchange is a lost-request entry: ${JSON.stringify(got)}`,
    );
    const paired = entries.filter((e) => e.summary.method !== undefined).map((e) => `${e.summary.method} ${e.summary.path}`);
    assert.equal(new Set(paired).size, paired.length, `no request twice: ${JSON.stringify(got)}`);
    assert.ok(paired.every((r) => sent.includes(r)), `only requests sent: ${JSON.stringify(got)}`);
    // After the last change nothing is lost.
    assert.deepEqual(paired.slice(-ROUND.length), sent.slice(lastRound), `the last round whole: ${JSON.stringify(got)}`);
  });
});
