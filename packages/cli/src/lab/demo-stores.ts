/**
 * The demo's data plane besides Redis: Debian's PostgreSQL (the `users` service's table) and
 * Debian's mosquitto (the MQTT broker where `orders` announces orders and `events` hears them).
 * Each runs in its pod's namespace, listening on the pod's address only; PostgreSQL's files are in
 * the pod's data folder (lab-plan.ts podDataDir, its user's alone), mosquitto's configuration in
 * the lab's state folder; `down` removes both.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { podDataDir, type PlannedPod } from './lab-plan.js';
import { waitForPodListener } from './lab-processes.js';
import type { LabState } from './lab-state.js';

/** Starts a pod's process and says whether it still runs (demo-workload.ts). */
export type PodStarter = (pod: PlannedPod, command: string, args: string[], env?: Record<string, string>) => () => boolean;

/** The demo database and its user; `users.mjs` connects with them (SCRAM-SHA-256 over the pod network). */
export const DEMO_DATABASE = { database: 'shop', user: 'shop', password: 'shop-demo-secret' } as const;

/** PostgreSQL's programs: the newest version Debian installed. */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error('PostgreSQL is missing (Debian package postgresql): make setup installs it');
  return path.join(root, versions[0]!, 'bin');
}

/** Runs as the `postgres` user (the server and initdb refuse root). */
const AS_POSTGRES = ['--reuid=postgres', '--regid=postgres', '--init-groups'];

/** Runs a tool to its end (at most 60 s); throws with the last lines it wrote when it fails. */
export function run(command: string, args: string[], what: string, input?: string): void {
  const r = spawnSync(command, args, { encoding: 'utf8', input, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${what} failed: ${(r.stderr || r.stdout || String(r.error ?? '')).trim().split('\n').slice(-5).join('\n')}`);
}

/**
 * A new cluster (initdb) in the state folder, its server in the pod, then the demo's user,
 * database and table of users over the server's Unix socket (the superuser never on the network).
 */
export async function startPostgres(pod: PlannedPod, start: PodStarter): Promise<void> {
  const bin = postgresBin();
  const dir = podDataDir(pod.netns);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true, mode: 0o755 });
  fs.mkdirSync(dir, { mode: 0o700 });
  const data = path.join(dir, 'data');
  const socket = path.join(dir, 'socket');
  fs.mkdirSync(data);
  fs.mkdirSync(socket);
  run('chown', ['-R', 'postgres:postgres', dir], 'chown of the PostgreSQL folder');
  run('setpriv', [...AS_POSTGRES, path.join(bin, 'initdb'), '-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync'], 'initdb');
  // Only the superuser over the socket, and the demo user with a password from the pod network.
  fs.writeFileSync(path.join(data, 'pg_hba.conf'), `local all postgres trust\nhost ${DEMO_DATABASE.database} ${DEMO_DATABASE.user} 10.244.0.0/16 scram-sha-256\n`);
  const alive = start(pod, 'setpriv', [
    ...AS_POSTGRES,
    path.join(bin, 'postgres'),
    '-D', data,
    '-c', `listen_addresses=${pod.ip}`,
    '-c', 'port=5432',
    '-c', `unix_socket_directories=${socket}`,
    '-c', 'fsync=off',
    '-c', 'ssl=off',
  ]);
  await waitForPodListener(pod.netns, pod.ip, 5432, alive, 'postgres');
  const { database, user, password } = DEMO_DATABASE;
  const psql = (db: string, sql: string) => run(path.join(bin, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', socket, '-p', '5432', '-U', 'postgres', '-d', db], `psql (${db})`, sql);
  psql('postgres', `CREATE ROLE ${user} LOGIN PASSWORD '${password}';\nCREATE DATABASE ${database} OWNER ${user};\n`);
  psql(database, `SET ROLE ${user};\nCREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);\nINSERT INTO users VALUES ${DEMO_USERS.map((n, i) => `(${i + 1}, '${n}')`).join(', ')};\n`);
}

/** The users table's rows, in id order. */
export const DEMO_USERS = ['ada', 'grace', 'edsger', 'barbara', 'ken', 'dennis', 'margaret', 'alan', 'donald', 'radia'];

/** mosquitto on the pod's address, anonymous (the lab network is closed), nothing kept on disk. */
export async function startMqttBroker(pod: PlannedPod, state: LabState, start: PodStarter): Promise<void> {
  const config = state.path('mosquitto.conf');
  fs.writeFileSync(config, `listener 1883 ${pod.ip}\nallow_anonymous true\npersistence false\nlog_dest stdout\nlog_type error\nlog_type warning\n`);
  const alive = start(pod, 'mosquitto', ['-c', config]);
  await waitForPodListener(pod.netns, pod.ip, 1883, alive, 'mosquitto');
}
