/**
 * The hub and the workers on the real lab (2 nodes, demo workload, `shoal lab up` as a user runs
 * it) when things go wrong or change: the merged pcap of chosen entries opens in tshark and holds
 * exactly their streams; a killed worker is marked down while the other keeps delivering, and
 * when it is started again (`shoal lab restart`) the hub reconnects and serves what its store
 * kept; `shoal observe --follow` survives a restart of the hub without printing anything twice;
 * a new pod regex on the hub changes the workers' own targets. One lab for the file, taken down
 * by the after hook whatever happens. Needs root, dnsmasq, redis-server and tshark.
 */
import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signIn } from './helpers/front-session.js';
import { describeRun, shoal, spawnShoal } from './helpers/run-shoal.js';
import { crash, labProcess, labUnavailable, leftovers, logTails, testLab, waitFor, type TestLab } from './helpers/lab-run.js';
import { assertMergedPcap, connectionOf, tsharkUnavailable } from './helpers/merged-pcap.js';
import { getJson, fetchIdempotent, hubEntries, hubHistory, hubStatus, LiveFeed, storedEntries, type EntryJson, type LabInventory } from './helpers/lab-api.js';

const skip = labUnavailable() ?? tsharkUnavailable();

describe('the lab when a worker or the hub restarts, and for pcap and targets (2 nodes, demo workload)', { skip: skip ?? false, timeout: 240_000 }, () => {
  let lab: TestLab;
  let hub: string;
  let token: string;
  let inventory: LabInventory;
  let tmp: string;
  const workerUrl = (node: string) => `http://${inventory.nodes.find((n) => n.name === node)!.ip}:30001`;
  const podsOn = (node: string) => inventory.pods.filter((p) => p.node === node);
  const logs = () => logTails(lab.stateDir, ['hub', 'worker-node-1', 'worker-node-2']);

  before(async () => {
    lab = await testLab('r', [220, 252]);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), `shoal-${lab.prefix}-files-`));
    const up = await shoal('lab', 'up', '--nodes', '2', ...lab.where, '--subnet-base', String(lab.base), '--hub-port', String(lab.hubPort), '--front-port', String(lab.frontPort), '--rate', '20', '--total', '5000', '--duration', '300');
    assert.equal(up.code, 0, describeRun(up));
    hub = `http://127.0.0.1:${lab.hubPort}`;
    token = fs.readFileSync(path.join(lab.stateDir, 'token'), 'utf8').trim();
    inventory = JSON.parse(fs.readFileSync(path.join(lab.stateDir, 'inventory.json'), 'utf8')) as LabInventory;
    await waitFor('the hub to see both workers up', async () => ((await hubStatus(hub).catch(() => undefined))?.up === 2 ? true : undefined), 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${logs()}`);
    });
  });

  after(async () => {
    if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
    if (lab === undefined) return;
    await shoal('lab', 'down', ...lab.where);
    assert.deepEqual(leftovers(lab.prefix), []);
  });

  it('GET /pcap?ids= of entries from both nodes opens in tshark with exactly their connections, in time order', async () => {
    // One entry from each worker, of two different connections (a cross-node call has the same
    // connection on both nodes).
    const picked = await waitFor('the hub history to hold TCP entries of both workers', async () => {
      const { entries } = await hubEntries(hub, { q: 'http', limit: 500 });
      const a = entries.find((e) => e.worker === 'node-1');
      const b = a && entries.find((e) => e.worker === 'node-2' && connectionOf(e) !== connectionOf(a));
      return a && b ? [a, b] : undefined;
    }, 60_000);
    const file = path.join(tmp, 'ids.pcap');
    const res = await fetchIdempotent(`${hub}/pcap?ids=${picked.map((e) => e.id).join(',')}`, { signal: AbortSignal.timeout(30_000) });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get('x-shoal-missing-ids'), '0');
    assert.deepEqual(res.headers.get('x-shoal-workers')?.split(',').sort(), ['node-1', 'node-2']);
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    assertMergedPcap(file, picked.map(connectionOf));
  });

  it('GET /pcap?q=&from=&to= opens in tshark with exactly the connections of the matching entries, in time order', async () => {
    // Calls to the users service: from the front (node-1) to users (node-2), seen by both nodes.
    const q = 'http && dst.pod.name == "users"';
    // A window of 5 s that ended 2 s ago (every call in it has its response), once it holds
    // calls to users. /pcap takes from ≤ timestamp ≤ to; /entries takes timestamp < before (timestamps have fractions: before=to+1, then ≤ to).
    const { from, to, wanted } = await waitFor('calls to users in a 5 s window that ended 2 s ago', async () => {
      const to = Date.now() - 2000;
      const from = to - 5000;
      const wanted = (await hubHistory(hub, { q, before: to + 1, from })).entries.filter((e) => e.timestamp <= to);
      return wanted.length > 0 ? { from, to, wanted } : undefined;
    }, 30_000);
    const file = path.join(tmp, 'query.pcap');
    const res = await fetchIdempotent(`${hub}/pcap?q=${encodeURIComponent(q)}&from=${from}&to=${to}`, { signal: AbortSignal.timeout(30_000) });
    assert.equal(res.status, 200, await res.clone().text());
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    assertMergedPcap(file, wanted.map(connectionOf));
  });

  it("lab restart refuses what it does not know (the demo's front pod among them), and a missing name", async () => {
    const unknown = await shoal('lab', 'restart', 'front', ...lab.where);
    assert.equal(unknown.code, 1, describeRun(unknown));
    assert.match(unknown.stderr, /'front' is not a process 'restart' knows; this lab has: worker-node-1, worker-node-2, hub, dashboard\n/);
    const missing = await shoal('lab', 'restart', ...lab.where);
    assert.equal(missing.code, 2, describeRun(missing));
  });

  it('lab restart dashboard starts the dashboard again, and the link up printed still signs in', async () => {
    const before = labProcess(lab.stateDir, 'dashboard');
    const podBefore = labProcess(lab.stateDir, 'front');
    const r = await shoal('lab', 'restart', 'dashboard', ...lab.where);
    assert.equal(r.code, 0, describeRun(r));
    const after = labProcess(lab.stateDir, 'dashboard');
    assert.notEqual(after.pid, before.pid);
    assert.match(r.stdout, new RegExp(`^dashboard restarted \\(pid ${after.pid}\\)$`, 'm'));
    assert.deepEqual(labProcess(lab.stateDir, 'front'), podBefore, "the demo's front pod is untouched");
    const dashboardToken = fs.readFileSync(path.join(lab.stateDir, 'dashboard-token'), 'utf8').trim();
    const { base, cookie } = await signIn(`http://127.0.0.1:${lab.frontPort}/?token=${dashboardToken}`);
    assert.equal((await fetch(`${base}/api/health`, { headers: { cookie } })).status, 200);
  });

  it('a killed worker is marked down while the other delivers; restarted, the hub reconnects and serves what its store kept', async () => {
    const feed = new LiveFeed(hub, 'http');
    // Only node-2's entries: node-1 sends none for this query, so none is left out as the other
    // node's copy of a call, and every entry node-2 stores must reach this client.
    const onlyNode2 = 'node_name == "node-2"';
    const node2Feed = new LiveFeed(hub, onlyNode2);
    try {
      await waitFor('the live feeds to deliver from both workers', () => (new Set(feed.entries.map((e) => e.worker)).size === 2 && node2Feed.entries.length > 0 ? true : undefined), 30_000);
      const victim = labProcess(lab.stateDir, 'worker-node-2');
      const oldRun = (await hubStatus(hub)).workers.find((w) => w.name === 'node-2')!.run;
      const killedAt = Date.now();
      await crash(victim, 'the worker of node-2');

      const down = await waitFor('/status to mark node-2 down', async () => (await hubStatus(hub)).workers.find((w) => w.name === 'node-2' && !w.up), 60_000);
      assert.equal(typeof down.downSince, 'number');
      assert.ok(down.downSince! >= killedAt - 1000, `down since the kill: ${down.downSince} vs ${killedAt}`);
      assert.ok(down.lastError !== null && down.lastError !== '', 'the last error says why');
      assert.equal((await hubStatus(hub)).workers.find((w) => w.name === 'node-1')!.up, true, 'node-1 stays up');

      // node-1 keeps delivering to the live client while node-2 is down.
      const mark = feed.entries.length;
      await waitFor('node-1 entries on the live feed while node-2 is down', () => (feed.since(mark, (e) => e.worker === 'node-1').length >= 3 ? true : undefined), 30_000);
      // History while it is down: partial, and says so.
      const partial = await hubEntries(hub, { q: 'http', limit: 10 });
      assert.ok(partial.unavailable?.['node-2'] !== undefined, `node-2 named unavailable: ${JSON.stringify(partial.unavailable)}`);

      const restart = await shoal('lab', 'restart', 'worker-node-2', ...lab.where);
      assert.equal(restart.code, 0, describeRun(restart));
      assert.notEqual(labProcess(lab.stateDir, 'worker-node-2').pid, victim.pid);
      const back = await waitFor('/status to show node-2 up again', async () => (await hubStatus(hub)).workers.find((w) => w.name === 'node-2' && w.up), 60_000).catch((err: Error) => {
        throw new Error(`${err.message}\n${logs()}`);
      });
      assert.equal(back.downSince, null);
      assert.notEqual(back.run, oldRun, 'a new run of the worker');
      // The hub subscribed again: the new run's entries reach the live clients, also those the
      // worker stored before the hub saw it return (replayed with since=), none missing.
      const upSeenAt = Date.now();
      const newRun = (e: EntryJson) => e.id.split('/')[1] === back.run;
      await waitFor('entries of the restarted node-2 on the live feeds, made after the hub saw it up', () => (node2Feed.entries.some((e) => newRun(e) && e.timestamp > upSeenAt) && feed.since(mark, newRun).length > 0 ? true : undefined), 30_000);
      // (A call that began before may be stored later than one that began after: wait for it.)
      const storedByNewRun = (await storedEntries(workerUrl('node-2'), token, killedAt)).filter((e) => newRun(e) && e.timestamp <= upSeenAt);
      const undelivered = () => {
        const delivered = new Set(node2Feed.entries.map((e) => e.id));
        return storedByNewRun.filter((e) => !delivered.has(e.id)).map((e) => e.id);
      };
      await waitFor(`all ${storedByNewRun.length} entries the returned worker stored before the hub saw it up to be delivered`, () => (undelivered().length === 0 ? true : undefined), 15_000).catch((err: Error) => {
        throw new Error(`${err.message}; missing: ${undelivered().slice(0, 5).join(', ')}`);
      });

      // The store is on disk: what node-2 stored before the kill is still served, through the hub.
      const after = await hubHistory(hub, { q: onlyNode2, before: killedAt, from: killedAt - 5000 });
      assert.deepEqual(after.unavailable, {});
      const ids = new Set(after.entries.map((e) => e.id));
      const kept = (await storedEntries(workerUrl('node-2'), token, killedAt - 5000)).filter((e) => e.timestamp < killedAt);
      assert.ok(kept.length > 0, 'the restarted worker still holds what it stored before the kill');
      assert.ok(kept.every((e) => e.id.split('/')[1] === oldRun), 'under the old run id');
      assert.deepEqual(kept.filter((e) => !ids.has(e.id)).map((e) => e.id), [], 'the hub finds them all with before=');
    } finally {
      feed.close();
      node2Feed.close();
    }
  });

  it('shoal observe --follow keeps printing through a restart of the hub, each entry once', async () => {
    const observe: ChildProcess = spawnShoal(['observe', '--hub', hub, '-q', 'http', '--follow', '-o', 'ndjson', '--last', '1']);
    let stdout = '';
    let stderr = '';
    observe.stdout!.on('data', (d: Buffer) => (stdout += d));
    observe.stderr!.on('data', (d: Buffer) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => observe.on('exit', (code) => resolve(code)));
    // Whole lines only: the last one may still be arriving.
    const printed = () => stdout.split('\n').slice(0, -1).map((l) => JSON.parse(l) as EntryJson);
    try {
      await waitFor('observe to print live entries', () => (printed().length >= 3 ? true : undefined), 30_000);
      const hubProc = labProcess(lab.stateDir, 'hub');
      const downAt = Date.now();
      await crash(hubProc, 'the hub');
      await waitFor('observe to say the stream dropped', () => (/dropped; reconnecting/.test(stderr) ? true : undefined), 15_000);
      // Traffic goes on while the hub is away: a worker stores calls made meanwhile.
      await waitFor('a worker to store a call made while the hub is down', async () => ((await storedEntries(workerUrl('node-1'), token, downAt)).some((e) => e.protocol.name === 'http') ? true : undefined), 30_000);
      const restart = await shoal('lab', 'restart', 'hub', ...lab.where);
      assert.equal(restart.code, 0, describeRun(restart));
      const upAt = Date.now();
      await waitFor('observe to print entries made after the hub returned', () => (printed().some((e) => e.timestamp > upAt) ? true : undefined), 45_000).catch((err: Error) => {
        throw new Error(`${err.message}\nobserve stderr:\n${stderr}\n${logs()}`);
      });
      await waitFor('observe to print calls made while the hub was down', () => (printed().some((e) => e.timestamp > downAt && e.timestamp < upAt) ? true : undefined), 15_000);
      const all = printed();
      const ids = all.map((e) => e.id);
      assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'no entry printed twice');
    } finally {
      observe.kill('SIGINT');
      const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000))]);
      if (code === 'hung') observe.kill('SIGKILL');
    }
    await waitFor('the restarted hub to see both workers up', async () => ((await hubStatus(hub).catch(() => undefined))?.up === 2 ? true : undefined), 60_000);
  });

  it("PUT /targets with a regex matching one pod changes each worker's own targets; setting it back restores them", async () => {
    interface Capture {
      targets: string[];
      filter: string;
      netns?: string;
    }
    const workerTargets = async (node: string) => {
      const stats = await getJson<{ targets: number; capture: { captures: Capture[] } }>(`${workerUrl(node)}/stats`, token);
      const captures = stats.capture.captures;
      // Where each pod is captured: `lab up` gives each worker its pods' namespaces.
      const where = captures.flatMap((c) => c.targets.map((t) => `${t} in ${c.netns ?? 'the node'}`)).sort();
      return { count: stats.targets, pods: captures.flatMap((c) => c.targets).sort(), where, filters: captures.map((c) => c.filter).join(' ; ') };
    };
    const users = inventory.pods.find((p) => p.name === 'users')!;
    const other = users.node === 'node-1' ? 'node-2' : 'node-1';
    const original = { [users.node]: await workerTargets(users.node), [other]: await workerTargets(other) };

    const put = async (podRegex: string) => {
      const res = await fetchIdempotent(`${hub}/targets`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ podRegex }), signal: AbortSignal.timeout(15_000) });
      const body = (await res.json()) as { pods: { name: string }[]; workers: Record<string, { targets: number; error: string | null }> };
      assert.equal(res.status, 200, JSON.stringify(body));
      return body;
    };
    try {
      const answer = await put('^users$');
      assert.deepEqual(answer.pods.map((p) => p.name), ['users']);
      assert.deepEqual(answer.workers[users.node], { ...answer.workers[users.node], targets: 1, error: null });
      assert.deepEqual(answer.workers[other], { ...answer.workers[other], targets: 0, error: null });
      const onNode = await workerTargets(users.node);
      assert.deepEqual([onNode.count, onNode.pods], [1, ['demo/users']]);
      assert.deepEqual(onNode.where, original[users.node]!.where.filter((w) => w.startsWith('demo/users ')), 'captured inside its namespace, as before');
      assert.match(onNode.filters, new RegExp(`host ${users.ip.replaceAll('.', '\\.')}\\b`));
      for (const p of inventory.pods.filter((x) => x !== users)) assert.doesNotMatch(onNode.filters, new RegExp(`host ${p.ip.replaceAll('.', '\\.')}\\b`), `${p.name} is not captured`);
      const offNode = await workerTargets(other);
      assert.deepEqual([offNode.count, offNode.pods], [0, []]);
    } finally {
      await put('.*');
    }
    for (const node of [users.node, other]) {
      const now = await workerTargets(node);
      assert.deepEqual([now.count, now.where], [original[node]!.count, original[node]!.where], `${node} captures its pods again, each inside its namespace`);
      assert.deepEqual(now.pods, podsOn(node).map((p) => `${p.namespace}/${p.name}`).sort());
    }
  });
});
