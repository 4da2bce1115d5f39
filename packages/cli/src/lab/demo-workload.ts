/**
 * Starts the demo workload in its pods, in dependency order, each only once the one before
 * accepts connections: dnsmasq (Debian) serving the lab's service names, Redis (Debian), the
 * users and orders JSON services, the front-end, then the bounded traffic generator. The Node
 * programs live in lab/demo/ at the repository root.
 */
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { APP_PORT, netnsEtcDir, serviceFqdn, type LabPlan, type PlannedPod, type PodRole } from './lab-plan.js';
import { isRunning, startProcess, waitForTcp } from './lab-processes.js';
import type { LabState } from './lab-state.js';

const DEMO_DIR = fileURLToPath(new URL('../../../../lab/demo/', import.meta.url));

export interface TrafficLimits {
  /** Calls per second. */
  rate: number;
  /** Calls in all. */
  total: number;
  /** Seconds at most. */
  durationS: number;
}

/** The hosts file dnsmasq serves: every service by its short, namespaced and full name. */
function hostsFile(plan: LabPlan): string {
  return (
    plan.pods
      .filter((p) => p.servicePort !== null)
      .map((p) => `${p.ip} ${serviceFqdn(p)} ${p.name}.${p.namespace} ${p.name}`)
      .join('\n') + '\n'
  );
}

function podOf(plan: LabPlan, role: PodRole): PlannedPod {
  return plan.pods.find((p) => p.role === role)!;
}

/**
 * Gives every pod the lab's DNS server as a Kubernetes pod has it: `ip netns exec` mounts
 * /etc/netns/NAME/resolv.conf over /etc/resolv.conf for what it runs, so curl, redis-cli or
 * getaddrinfo in a pod resolve `users`, `users.demo` and the full name. `down` removes them.
 */
function writePodResolvConf(plan: LabPlan): void {
  for (const pod of plan.pods) {
    const dir = netnsEtcDir(pod.netns);
    fs.mkdirSync(dir, { recursive: true });
    const search = `${pod.namespace}.svc.cluster.local svc.cluster.local cluster.local`;
    fs.writeFileSync(`${dir}/resolv.conf`, `nameserver ${plan.dnsIp}\nsearch ${search}\noptions ndots:5\n`);
  }
}

export async function startDemoWorkload(plan: LabPlan, state: LabState, limits: TrafficLimits): Promise<void> {
  writePodResolvConf(plan);
  const dns = podOf(plan, 'dns');
  const hosts = state.path('dns-hosts');
  fs.writeFileSync(hosts, hostsFile(plan), { mode: 0o644 });
  const start = (pod: PlannedPod, command: string, args: string[], env: Record<string, string> = {}) => {
    const p = startProcess(state, { name: pod.name, netns: pod.netns, command, args, env });
    return () => isRunning(p.pid, p.start);
  };

  // dnsmasq: no upstream, no /etc/hosts, only the lab's names; cluster.local answered here
  // (NXDOMAIN for unknown names) instead of being forwarded anywhere.
  const dnsAlive = start(dns, 'dnsmasq', [
    '--keep-in-foreground',
    '--log-facility=-',
    '--conf-file=/dev/null',
    '--no-resolv',
    '--no-hosts',
    `--addn-hosts=${hosts}`,
    '--local=/cluster.local/',
    `--listen-address=${dns.ip}`,
    '--bind-interfaces',
    '--pid-file=',
    '--user=root',
  ]);
  await waitForTcp(dns.ip, 53, dnsAlive, 'dnsmasq');

  const redis = podOf(plan, 'redis');
  const redisDir = state.path('redis');
  fs.mkdirSync(redisDir, { recursive: true });
  const redisAlive = start(redis, 'redis-server', ['--bind', redis.ip, '--port', '6379', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--dir', redisDir]);
  await waitForTcp(redis.ip, 6379, redisAlive, 'redis-server');

  const node = process.execPath;
  // Services are named as a pod in their namespace names them: the short name, completed by
  // the search domains of the pod's resolv.conf.
  const common = (pod: PlannedPod) => ({ HOST: pod.ip, PORT: String(APP_PORT), APP_PORT: String(APP_PORT) });
  const users = podOf(plan, 'users');
  const usersAlive = start(users, node, [`${DEMO_DIR}users.mjs`], common(users));
  await waitForTcp(users.ip, APP_PORT, usersAlive, 'users');

  const orders = podOf(plan, 'orders');
  const ordersAlive = start(orders, node, [`${DEMO_DIR}orders.mjs`], { ...common(orders), REDIS_HOST: redis.name });
  await waitForTcp(orders.ip, APP_PORT, ordersAlive, 'orders');

  const front = podOf(plan, 'front');
  const frontAlive = start(front, node, [`${DEMO_DIR}front.mjs`], { ...common(front), USERS_HOST: users.name, ORDERS_HOST: orders.name });
  await waitForTcp(front.ip, APP_PORT, frontAlive, 'front');

  const traffic = podOf(plan, 'traffic');
  start(traffic, node, [`${DEMO_DIR}traffic.mjs`], {
    FRONT_HOST: front.name,
    APP_PORT: String(APP_PORT),
    RATE: String(limits.rate),
    TOTAL: String(limits.total),
    DURATION_S: String(limits.durationS),
  });
}
