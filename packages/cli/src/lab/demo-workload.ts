/**
 * Starts the demo workload in its pods, in dependency order, each only once the ones it calls
 * listen (seen in the pod's socket table: a probe connection would be captured as traffic): dnsmasq (Debian) serving the lab's service names, Redis, PostgreSQL and mosquitto (Debian, demo-stores.ts), the
 * services (users, catalog over gRPC, payments over HTTP/2, reviews over GraphQL, the events
 * WebSocket feed, auth over HTTPS with the certificate made here (demo-certificate.ts), orders,
 * the front-end), then the bounded clients: the traffic generator and the feed's monitor. The
 * Node programs live in lab/demo/ at the repository root (the @shoal/lab-demo workspace, which
 * holds their dependencies).
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { APP_PORT, netnsEtcDir, serviceFqdn, type LabPlan, type PlannedPod, type PodRole } from './lab-plan.js';
import { isRunning, startProcess, waitForPodListener } from './lab-processes.js';
import type { LabState } from './lab-state.js';
import { DEMO_DATABASE, DEMO_USERS, startMqttBroker, startPostgres } from './demo-stores.js';
import { makeServiceCertificate } from './demo-certificate.js';

/** The @shoal/lab-demo workspace, found by module resolution (this module may run from the CLI's start-up bundle). */
const DEMO_DIR = path.dirname(createRequire(import.meta.url).resolve('@shoal/lab-demo/package.json'));

/**
 * The Node programs of lab/demo/ (`ROLE.mjs` in the pod of that role), in start order, with the
 * pods each calls by name (the environment variable that names it). docs/lab.md has the table.
 */
const NODE_PROGRAMS: { role: PodRole; calls: Record<string, PodRole> }[] = [
  { role: 'users', calls: { POSTGRES_HOST: 'postgres' } },
  { role: 'catalog', calls: {} },
  { role: 'payments', calls: {} },
  { role: 'reviews', calls: {} },
  { role: 'events', calls: { MQTT_HOST: 'mqtt' } },
  { role: 'auth', calls: {} },
  { role: 'orders', calls: { REDIS_HOST: 'redis', PAYMENTS_HOST: 'payments', MQTT_HOST: 'mqtt' } },
  { role: 'front', calls: { USERS_HOST: 'users', ORDERS_HOST: 'orders', CATALOG_HOST: 'catalog', REVIEWS_HOST: 'reviews', AUTH_HOST: 'auth' } },
  { role: 'traffic', calls: { FRONT_HOST: 'front' } },
  { role: 'monitor', calls: { EVENTS_HOST: 'events' } },
];

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
  await waitForPodListener(dns.netns, dns.ip, 53, dnsAlive, 'dnsmasq');

  const redis = podOf(plan, 'redis');
  const redisDir = state.path('redis');
  fs.mkdirSync(redisDir, { recursive: true });
  const redisAlive = start(redis, 'redis-server', ['--bind', redis.ip, '--port', '6379', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--dir', redisDir]);
  await waitForPodListener(redis.netns, redis.ip, 6379, redisAlive, 'redis-server');
  await startPostgres(podOf(plan, 'postgres'), start);
  await startMqttBroker(podOf(plan, 'mqtt'), state, start);

  const auth = podOf(plan, 'auth');
  const certificate = makeServiceCertificate(auth, state);

  // The Node programs, each once the services it calls listen. Services are named as a pod in
  // their namespace names them: the short name, completed by the search domains of the pod's
  // resolv.conf. The clients that act on their own keep the traffic limits.
  for (const program of NODE_PROGRAMS) {
    const pod = podOf(plan, program.role);
    const env: Record<string, string> = { APP_PORT: String(APP_PORT) };
    for (const [variable, role] of Object.entries(program.calls)) env[variable] = podOf(plan, role).name;
    if (program.role === 'users') Object.assign(env, { PGDATABASE: DEMO_DATABASE.database, PGUSER: DEMO_DATABASE.user, PGPASSWORD: DEMO_DATABASE.password });
    if (program.role === 'auth') Object.assign(env, { TLS_KEY: certificate.key, TLS_CERT: certificate.cert, USER_COUNT: String(DEMO_USERS.length) });
    if (program.role === 'front') Object.assign(env, { AUTH_PORT: String(auth.servicePort), AUTH_CA: certificate.cert });
    if (pod.servicePort === null) Object.assign(env, { RATE: String(limits.rate), TOTAL: String(limits.total), DURATION_S: String(limits.durationS) });
    else Object.assign(env, { HOST: pod.ip, PORT: String(pod.servicePort) });
    const alive = start(pod, process.execPath, [path.join(DEMO_DIR, `${program.role}.mjs`)], env);
    if (pod.servicePort !== null) await waitForPodListener(pod.netns, pod.ip, pod.servicePort, alive, program.role);
  }
}
