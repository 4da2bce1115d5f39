import { isShoalError } from '@shoal/model';
import { CLI_VERSION } from './cli-version.js';
import type { Command } from './command.js';
import { EXIT_USAGE, exitCodeFor } from './exit-codes.js';

/**
 * Commands are imported only when run: the worker's dependencies (HTTP server, CEL, native
 * capture) take longer to load than `shoal dissect` takes on a small file.
 */
interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

const COMMANDS: CommandEntry[] = [
  {
    name: 'dissect',
    summary: 'turn a pcap/pcapng file into request/response entries',
    load: async () => (await import('./commands/dissect.js')).dissectCommand,
  },
  {
    name: 'observe',
    summary: 'print entries from a hub or worker, and follow live ones',
    load: async () => (await import('./commands/observe.js')).observeCommand,
  },
  {
    name: 'worker',
    summary: 'run the node agent: capture targets, store entries, serve the API on :30001',
    load: async () => (await import('./commands/worker.js')).workerCommand,
  },
  {
    name: 'hub',
    summary: 'run the hub: merge every worker\'s entries into one stream and API on :8898',
    load: async () => (await import('./commands/hub.js')).hubCommand,
  },
  {
    name: 'front',
    summary: 'serve the dashboard on :8899: a token sign-in, then /api passed to a hub',
    load: async () => (await import('./commands/front.js')).frontCommand,
  },
  {
    name: 'lab',
    summary: 'a cluster of network namespaces on this machine: lab up, lab status, lab restart, lab down',
    load: async () => (await import('./commands/lab.js')).labCommand,
  },
  {
    name: 'local',
    summary: 'capture this machine\'s own traffic: a worker, a hub on :8898 and the dashboard on :8899',
    load: async () => (await import('./commands/local.js')).localCommand,
  },
  {
    name: 'config',
    summary: 'print the settings in effect, writing ~/.shoal/config.yaml (every key, its default) if missing',
    load: async () => (await import('./commands/config.js')).configCommand,
  },
  {
    name: 'manifests',
    summary: 'print the Kubernetes objects of an installation (what shoal tap applies) as YAML',
    load: async () => (await import('./commands/manifests.js')).manifestsCommand,
  },
  {
    name: 'tap',
    summary: 'install Shoal in your cluster (or change what it captures) and serve its dashboard here',
    load: async () => (await import('./commands/tap.js')).tapCommand,
  },
  {
    name: 'proxy',
    summary: 'serve the dashboard of a Shoal installed in your cluster on http://127.0.0.1:8899',
    load: async () => (await import('./commands/proxy.js')).proxyCommand,
  },
  {
    name: 'clean',
    summary: 'remove Shoal from your cluster and wait until it is gone',
    load: async () => (await import('./commands/clean.js')).cleanCommand,
  },
  {
    name: 'pcapdump',
    summary: 'write one pcap of what Shoal captured in your cluster, merged by its hub (--time, -q)',
    load: async () => (await import('./commands/pcapdump.js')).pcapdumpCommand,
  },
  {
    name: 'logs',
    summary: 'zip every Shoal pod\'s logs, its events and the hub\'s status, for an issue (-f, -g)',
    load: async () => (await import('./commands/logs.js')).logsCommand,
  },
  {
    name: 'version',
    summary: 'print the versions of this CLI, its chart and images, and what your cluster runs',
    load: async () => (await import('./commands/version.js')).versionCommand,
  },
  {
    name: 'view',
    summary: 'serve a pcap/pcapng file through a hub on :8898 and the dashboard on :8899',
    load: async () => (await import('./commands/view.js')).viewCommand,
  },
];

function help(): string {
  const lines = [
    'shoal — API traffic from packets: capture, dissect, view.',
    '',
    'Usage: shoal <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     show help (also: shoal <command> --help)',
    '  -V, --version  print the version (shoal version: the chart\'s, the images\', the cluster\'s too)',
    '',
    'Settings of an installation (shoal manifests): ~/.shoal/config.yaml, which shoal config writes',
    '($SHOAL_CONFIG or --config PATH name another file), then --set key=value.',
    '',
    'Exit codes: 0 done; 1 failed (bad or damaged input, a port in use); 2 bad command line;',
    '3 the cluster cannot be used or refused (tap, proxy, clean, pcapdump, logs: no kubeconfig,',
    'unreachable, forbidden, a missing namespace, Shoal not installed); 4 Shoal\'s pods in the',
    'cluster did not become ready, or its dashboard or hub does not answer.',
  ];
  return lines.join('\n') + '\n';
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(help());
    return 0;
  }
  if (name === '-V' || name === '--version') {
    process.stdout.write(`shoal ${CLI_VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (entry === undefined) {
    process.stderr.write(`shoal: unknown command '${name}' (CLI_ERR_USAGE); see 'shoal --help'\n`);
    return EXIT_USAGE;
  }
  const command = await entry.load();
  if (rest.includes('-h') || rest.includes('--help')) {
    process.stdout.write(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (isShoalError(err)) {
      const hint = err.code === 'CLI_ERR_USAGE' ? `; see 'shoal ${entry.name} --help'` : '';
      process.stderr.write(`shoal ${entry.name}: ${err.message} (${err.code})${hint}\n`);
      return exitCodeFor(err.code);
    }
    throw err;
  }
}
