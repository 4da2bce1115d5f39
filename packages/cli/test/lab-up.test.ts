/**
 * `shoal lab up` with two nodes and the demo workload, as a user runs it (the real CLI, real
 * namespaces, real servers and workers with the TLS tracer), then `status` and `down`. Needs
 * root, dnsmasq and redis-server; skipped otherwise. Every wait is bounded; the after hook takes the lab down
 * whatever happened.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { tlsTraceAvailability } from '@shoal/capture';
import { getJson, storedEntries, type EntryJson, type LabInventory } from './helpers/lab-api.js';
import { describeRun, shoal, type ShoalRun } from './helpers/run-shoal.js';
import { inNetns, labProcess, labUnavailable, leftovers, logTails, recordedProcesses, stillRunning, testLab, waitFor, type TestLab } from './helpers/lab-run.js';

const skip = labUnavailable();
/** Whether this kernel runs the TLS tracer: without it the workers go on, and say why. */
const tracing = tlsTraceAvailability();

/** Per worker, how many entries of each `src → dst status` it stored: what a failure shows. */
function describeCalls(byWorker: Record<string, EntryJson[]>): string {
  return Object.entries(byWorker)
    .map(([worker, entries]) => {
      const counts = new Map<string, number>();
      for (const e of entries) {
        const key = `${e.protocol.name} ${e.src.pod ?? e.src.ip} → ${e.dst.pod ?? e.dst.ip} ${e.summary.status ?? '-'}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return `${worker}: ${[...counts].map(([k, n]) => `${k} ×${n}`).join(', ') || 'nothing'}`;
    })
    .join('\n');
}

describe('shoal lab up → status → down (2 nodes, demo workload)', { skip: skip ?? false, timeout: 240_000 }, () => {
  let lab: TestLab;
  let up: ShoalRun;
  let token: string;
  let inventory: LabInventory;
  const workerUrl = (node: string) => `http://${inventory.nodes.find((n) => n.name === node)!.ip}:30001`;
  const pod = (name: string) => inventory.pods.find((p) => p.name === name)!;

  before(async () => {
    lab = await testLab('u', [100, 160]);
    up = await shoal('lab', 'up', '--nodes', '2', ...lab.where, '--subnet-base', String(lab.base), '--hub-port', String(lab.hubPort), '--front-port', String(lab.frontPort), '--rate', '20', '--total', '3000', '--duration', '300');
    assert.equal(up.code, 0, describeRun(up));
    token = fs.readFileSync(path.join(lab.stateDir, 'token'), 'utf8').trim();
    inventory = JSON.parse(fs.readFileSync(path.join(lab.stateDir, 'inventory.json'), 'utf8')) as LabInventory;
  });

  after(async () => {
    // Whatever a test did: no namespace, link or process of this lab outlives the file.
    if (lab !== undefined) await shoal('lab', 'down', ...lab.where);
  });

  it('up prints the nodes, pods, workers, token file, inventory, hub and the dashboard\'s sign-in link', () => {
    for (const text of ['node-1', 'node-2', 'demo/front', 'kube-system/dns', ':30001', 'token file:', 'inventory:', 'hub:']) assert.ok(up.stdout.includes(text), `'${text}' in:\n${up.stdout}`);
    const dashboardToken = fs.readFileSync(path.join(lab.stateDir, 'dashboard-token'), 'utf8').trim();
    assert.match(dashboardToken, /^[\w-]{43}$/);
    assert.ok(up.stdout.includes(`dashboard:   http://127.0.0.1:${lab.frontPort}/?token=${dashboardToken}\n`), up.stdout);
    assert.equal(fs.statSync(path.join(lab.stateDir, 'dashboard-token')).mode & 0o777, 0o600);
  });

  it('writes the inventory for the hub: nodes, pods with labels, services with clusterIPs and ports', () => {
    assert.deepEqual(
      inventory.nodes.map((n) => n.name),
      ['node-1', 'node-2'],
    );
    assert.deepEqual(Object.keys(inventory).sort(), ['nodes', 'pods', 'services']);
    assert.deepEqual(Object.keys(pod('front')).sort(), ['ip', 'labels', 'name', 'namespace', 'netns', 'node']);
    const users = inventory.services.find((s) => s.name === 'users')!;
    assert.deepEqual(users, { name: 'users', namespace: 'demo', clusterIPs: [pod('users').ip], ports: [{ port: 8080, protocol: 'TCP' }], selector: { app: 'users' } });
    assert.notEqual(pod('front').node, pod('users').node, 'front and users run on different nodes');
  });

  it('pods reach each other across nodes, by name through the lab DNS, on a 1500-byte MTU', () => {
    const from = `${lab.prefix}-${pod('traffic').node}-traffic`;
    // Debian's curl with the pod's resolv.conf: the short name through the search domains, and
    // the full name, both answered by dnsmasq with the front's address on the other node.
    for (const host of ['front', 'front.demo.svc.cluster.local']) {
      const out = inNetns(from, 'curl', ['-sS', '--max-time', '10', '-w', ' %{remote_ip} %{http_code}', `http://${host}:8080/api/users/2`]);
      assert.equal(out, `{"id":2,"name":"grace"} ${pod('front').ip} 200`, logTails(lab.stateDir, ['front', 'users']));
    }
    assert.match(inNetns(from, 'ip', ['-o', 'link', 'show', 'eth0']), / mtu 1500 /);
    assert.match(inNetns(from, 'ethtool', ['-k', 'eth0']), /tcp-segmentation-offload: off/);
  });

  it("each worker's /health is 200", async () => {
    for (const node of ['node-1', 'node-2']) {
      const res = await fetch(`${workerUrl(node)}/health`, { signal: AbortSignal.timeout(5000) });
      assert.equal(res.status, 200, await res.text());
    }
  });

  it('the generator makes traffic across nodes that both workers capture, named from the inventory, with 4xx and 5xx among it', async () => {
    // node-2 holds the generator and users; node-1 the front: traffic → front and front → users
    // cross nodes, so each worker sees calls with pods of both nodes.
    let last = '';
    const seen = await waitFor('both workers to store named cross-node calls with 4xx and 5xx', async () => {
      const n2 = await storedEntries(workerUrl('node-2'), token);
      const n1 = await storedEntries(workerUrl('node-1'), token);
      const http = [...n1, ...n2].filter((e) => e.protocol.name === 'http');
      last = describeCalls({ 'node-1': n1, 'node-2': n2 });
      const generatorToFront = n2.find((e) => e.src.pod === 'traffic' && e.dst.pod === 'front' && e.dst.service === 'front' && e.dst.namespace === 'demo');
      const frontToUsers = n1.find((e) => e.src.pod === 'front' && e.dst.pod === 'users');
      const clientError = http.find((e) => (e.summary.status ?? 0) >= 400 && (e.summary.status ?? 0) < 500);
      const serverError = http.find((e) => (e.summary.status ?? 0) >= 500);
      return generatorToFront && frontToUsers && clientError && serverError ? { generatorToFront, frontToUsers } : undefined;
    }, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\nlast seen:\n${last}\n${logTails(lab.stateDir, ['traffic', 'front', 'users', 'worker-node-1', 'worker-node-2'])}`);
    });
    assert.equal(seen.generatorToFront.src.ip, pod('traffic').ip);
    assert.equal(seen.frontToUsers.dst.ip, pod('users').ip);
  });

  it('the hub merges both nodes: named entries, each cross-node call once, the query evaluated at the workers', async () => {
    const hub = `http://127.0.0.1:${lab.hubPort}`;
    await waitFor('the hub to see both workers up', async () => {
      const res = await fetch(`${hub}/status`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
      const status = res?.ok === true ? ((await res.json()) as { up: number }) : undefined;
      return status?.up === 2 ? true : undefined;
    }, 60_000);
    const crossNode = (e: EntryJson) => e.src.pod === 'traffic' && e.dst.pod === 'front';
    // Both workers store each call of the generator to the front (it crosses nodes); the hub
    // gives it once. Counted over a window of the hub's first page, away from its edges, once
    // the generator has run long enough for both workers to hold some calls there.
    const counts = await waitFor('a page of named calls from both workers, and cross-node calls both stored in its window', async () => {
      const res = await fetch(`${hub}/entries?q=${encodeURIComponent('http')}&limit=1000`, { signal: AbortSignal.timeout(10_000) });
      const page = ((await res.json()) as { entries: EntryJson[] }).entries;
      const workers = new Set(page.map((e) => e.worker));
      if (!(workers.has('node-1') && workers.has('node-2') && page.some(crossNode))) return undefined;
      const newest = Math.max(...page.map((e) => e.timestamp));
      const oldest = Math.min(...page.map((e) => e.timestamp));
      const inWindow = (e: EntryJson) => crossNode(e) && e.timestamp > Math.max(oldest, newest - 10_000) && e.timestamp < newest - 2000;
      const n1 = (await storedEntries(workerUrl('node-1'), token)).filter(inWindow).length;
      const n2 = (await storedEntries(workerUrl('node-2'), token)).filter(inWindow).length;
      return n1 >= 3 && n2 >= 3 ? { page, n1, n2, shown: page.filter(inWindow).length } : undefined;
    }, 60_000);
    const { page, n1, n2, shown } = counts;
    assert.ok(page.every((e) => e.src.pod !== undefined && e.dst.pod !== undefined), 'every demo call is named from the inventory');
    assert.ok(shown >= Math.min(n1, n2) - 2 && shown <= Math.max(n1, n2) + 2, `the hub shows each once: ${shown} for ${n1} and ${n2}`);
    // A live query goes down to the workers, which count what they did not send.
    const filter = 'http && status_code >= 500';
    const ws = new WebSocket(`${hub.replace('http', 'ws')}/ws?q=${encodeURIComponent(filter)}`);
    try {
      await waitFor('the hub stream to be ready', async () => (ws.readyState === WebSocket.OPEN ? true : undefined), 15_000);
      await waitFor('both workers to filter out entries for the hub\'s query', async () => {
        for (const node of ['node-1', 'node-2']) {
          const res = await fetch(`${workerUrl(node)}/stats`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) });
          const feed = ((await res.json()) as { feed: { subscribers: { filter: string; filtered: number }[] } }).feed;
          if (!feed.subscribers.some((s) => s.filter === filter && s.filtered > 0)) return undefined;
        }
        return true;
      }, 60_000);
    } finally {
      ws.terminate();
    }
  });

  it('status shows nodes, running pods, workers with /health 200, the hub and the dashboard', async () => {
    const r = await shoal('lab', 'status', ...lab.where);
    assert.equal(r.code, 0, describeRun(r));
    for (const p of inventory.pods) assert.match(r.stdout, new RegExp(`${p.namespace}/${p.name} +node-\\d +${p.ip.replaceAll('.', '\\.')} +running`), r.stdout);
    assert.match(r.stdout, /node-1 +10\.244\.\d+\.11 +pods 10\.244\.\d+\.0\/24 +netns \S+ present/);
    for (const node of ['node-1', 'node-2']) assert.match(r.stdout, new RegExp(`^  ${node} +http://\\S+:30001 +running \\(pid \\d+\\); /health 200 .*\\n +TLS tracer ${tracing.available ? 'on' : 'unavailable: .+'}$`, 'm'), r.stdout);
    assert.match(r.stdout, /^lab '\S+' \(state .*\), workers with the TLS tracer \(--tls\)$/m);
    assert.match(r.stdout, /^hub: /m);
    // The dashboard signs the status in, and passes /api/* to the hub.
    const dashboard = new RegExp(`^dashboard: http://127\\.0\\.0\\.1:${lab.frontPort} running \\(pid (\\d+)\\); signed in, /api/health 200$`, 'm').exec(r.stdout);
    assert.ok(dashboard !== null, r.stdout);
    assert.match(r.stdout, new RegExp(`^  sign in: http://127\\.0\\.0\\.1:${lab.frontPort}/\\?token=[\\w-]{43}$`, 'm'));
    // The demo's front pod and the dashboard have their own names: the pod's line shows the
    // pod's process, the one inside the pod's network namespace.
    const frontPod = /^ {2}demo\/front +node-\d +\S+ +running \(pid (\d+)\)$/m.exec(r.stdout);
    assert.ok(frontPod !== null, r.stdout);
    assert.notEqual(frontPod[1], dashboard[1]);
    assert.equal(fs.statSync(`/proc/${frontPod[1]}/ns/net`).ino, fs.statSync(pod('front').netns).ino);
    assert.equal(Number(dashboard[1]), labProcess(lab.stateDir, 'dashboard').pid);
  });

  it("the front's HTTPS calls to auth come out decrypted (ebpf_tls) on both nodes, each worker from its own end, and never as encrypted entries", { skip: tracing.available ? false : tracing.reason }, async () => {
    // front (node-1) → auth (node-2) over TLS: node-1's tracer reads the front's end, node-2's
    // the auth server's, so each worker stores the plaintext call; the encrypted stream each
    // also captured is left out (counted in encryptedEntriesHidden, once its entry was made).
    const toAuth = (e: EntryJson) => e.src.pod === 'front' && e.dst.pod === 'auth';
    const login = (e: EntryJson) => toAuth(e) && e.protocol.name === 'http' && e.summary.path === '/v1/tokens';
    let last = '';
    const [n1, n2] = await waitFor('both workers to store a decrypted login and hide an encrypted stream', async () => {
      const stored = [await storedEntries(workerUrl('node-1'), token), await storedEntries(workerUrl('node-2'), token)];
      last = describeCalls({ 'node-1': stored[0]!, 'node-2': stored[1]! });
      const hidden = await Promise.all(['node-1', 'node-2'].map(async (node) => ((await getJson<{ tracer: { counters: { encryptedEntriesHidden: number } } }>(`${workerUrl(node)}/stats`, token)).tracer.counters.encryptedEntriesHidden)));
      return stored.every((entries) => entries.some(login)) && hidden.every((n) => n >= 1) ? stored : undefined;
    }, 90_000).catch((err: Error) => {
      throw new Error(`${err.message}\nlast seen:\n${last}\n${logTails(lab.stateDir, ['front', 'auth', 'worker-node-1', 'worker-node-2'])}`);
    });
    for (const entries of [n1!, n2!]) {
      const call = entries.find(login) as EntryJson & { capture: string; summary: { method?: string } };
      assert.deepEqual([call.capture, call.summary.method, call.src.ip, call.dst.ip, call.dst.port], ['ebpf_tls', 'POST', pod('front').ip, pod('auth').ip, 8443]);
      assert.deepEqual(entries.filter((e) => toAuth(e) && (e.protocol.name === 'tls' || e.protocol.name === 'tcp')), [], 'no encrypted entry between front and auth');
    }
  });

  it('--tls and --no-tls together are refused, and apply to up only', async () => {
    const both = await shoal('lab', 'up', ...lab.where, '--tls', '--no-tls');
    assert.equal(both.code, 2, describeRun(both));
    assert.match(both.stderr, /--tls and --no-tls contradict each other/);
    const status = await shoal('lab', 'status', ...lab.where, '--no-tls');
    assert.equal(status.code, 2, describeRun(status));
    assert.match(status.stderr, /--no-tls applies to 'lab up' only/);
  });

  it('a second up with the same prefix is refused and changes nothing', async () => {
    const before = leftovers(lab.prefix);
    const r = await shoal('lab', 'up', ...lab.where, '--subnet-base', String(lab.base + 2));
    assert.equal(r.code, 1, describeRun(r));
    assert.match(r.stderr, /already recorded .*shoal lab down/);
    assert.doesNotMatch(r.stderr, /what was made so far/);
    assert.deepEqual(leftovers(lab.prefix), before);
  });

  it('down removes every namespace, link and process it made, and its state', async () => {
    const procs = recordedProcesses(lab.stateDir);
    assert.ok(procs.length >= 8, `6 pods and 2 workers recorded: ${JSON.stringify(procs)}`);
    assert.notDeepEqual(leftovers(lab.prefix), []);
    const r = await shoal('lab', 'down', ...lab.where);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(leftovers(lab.prefix), []);
    assert.deepEqual(
      procs.filter(stillRunning).map((p) => p.name),
      [],
    );
    assert.equal(fs.existsSync(lab.stateDir), false);
    const again = await shoal('lab', 'status', ...lab.where);
    assert.equal(again.code, 1);
    assert.match(again.stdout, /no lab recorded/);
  });
});
