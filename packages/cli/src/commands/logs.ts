import { compileRegex, type Regex } from '@shoal/filter';
import { formatBytes, ShoalError } from '@shoal/model';
import { CLI_VERSION } from '../cli-version.js';
import type { Command } from '../command.js';
import { parseCommandLine } from '../command-line.js';
import { EXIT_OK } from '../exit-codes.js';
import { KubeClient } from '../kube/kube-client.js';
import { KUBE_OPTIONS, KUBE_OPTIONS_HELP, kubeOptions } from '../kube/kube-options.js';
import { collectLogs, LOGS_AT_ONCE } from '../logs/logs-bundle.js';
import { LOG_BYTES_MAX } from '../logs/pod-logs.js';
import { writeFileAtomically } from '../output/atomic-file.js';
import { timestampedName } from '../output/timestamped-name.js';
import { commandSettings, RELEASE_OPTIONS, releaseFlagSettings } from '../tap/command-settings.js';
import { installedSettings } from '../tap/installed-settings.js';
import { releaseText } from '../tap/release-flags.js';
import { usageError } from '../usage-error.js';

const usage = `Usage: shoal logs [options]

Writes one zip of what it takes to see what is wrong with a Shoal installed in the cluster, for
an issue or a colleague:
  <namespace>.<pod>.<container>.log           every container's log of every Shoal pod
  <namespace>.<pod>.<container>.previous.log  the run before the last restart, when it restarted
  <namespace>_events.log                      the namespace's events about Shoal's objects
  hub_status.json                             the hub's GET /status (workers, capture, stores)
  summary.txt                                 what each file is, and what could not be read and why
A pod without a log yet, or a hub that does not answer, is written down in summary.txt, not a
failure. One progress line per pod on stderr; the zip appears whole once written (readable by
you only). Pods are read ${LOGS_AT_ONCE} at a time; a log is read up to ${formatBytes(LOG_BYTES_MAX)}.

Options:
  -f, --file FILE            the zip to write (default shoal_logs_<time>.zip in the current
                             directory)
  -g, --grep REGEX           keep only the lines of the logs and events that REGEX matches
                             (RE2: linear time, no backreferences or lookaround)
  -s, --release-namespace NS the namespace Shoal runs in (default default)
  --config PATH              the config file, as for shoal tap
  --set KEY=VALUE            settings, as for shoal tap; tap.release.name names the release
${KUBE_OPTIONS_HELP}

Exit codes: 0 written; 1 the zip cannot be written; 2 bad command line or REGEX; 3 the cluster
cannot be used or refused to list the pods, or Shoal is not installed there.
`;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args: argv,
    allowPositionals: true,
    options: {
      file: { type: 'string', short: 'f' },
      grep: { type: 'string', short: 'g' },
      ...RELEASE_OPTIONS,
      ...KUBE_OPTIONS,
    },
  });
  if (positionals.length > 0) throw usageError(`takes no arguments, got '${positionals[0]}'`);
  let grep: { pattern: string; regex: Regex } | undefined;
  if (values.grep !== undefined) {
    const compiled = compileRegex(values.grep);
    if (!compiled.ok) {
      const { reason, offset, length } = compiled.problem;
      throw usageError(`-g '${values.grep}' is not an RE2 regular expression: ${reason} (at character ${offset + 1})\n  ${values.grep}\n  ${' '.repeat(offset)}${'^'.repeat(Math.max(length, 1))}`);
    }
    grep = { pattern: values.grep, regex: compiled.regex };
  }
  const { settings } = commandSettings(values, releaseFlagSettings(values));
  const at = new Date();
  const file = values.file ?? timestampedName('shoal_logs', 'zip', at);
  const say = (line: string): void => void process.stderr.write(`${line}\n`);

  const client = KubeClient.fromOptions(kubeOptions(values));
  const version = await client.serverVersion();
  const cluster = `cluster ${client.server} (context ${client.context}, Kubernetes ${version})`;
  say(`shoal logs: ${cluster}`);
  const installed = await installedSettings(client, settings);
  const bundle = await collectLogs({
    client,
    settings: installed ?? settings,
    ...(grep !== undefined ? { grep } : {}),
    heading: [`shoal logs (CLI ${CLI_VERSION}) at ${at.toISOString()}`, cluster, `installation: ${installed !== undefined ? 'its settings ConfigMap found' : 'no settings ConfigMap (installed by hand, or half removed)'}`],
    at,
    progress: say,
    ...(installed === undefined ? { notInstalled: new ShoalError('CLI_ERR_NOT_FOUND', `Shoal is not installed in ${releaseText(settings)}: no settings ConfigMap and no pod of the release (give its namespace with -s, its release name with --set tap.release.name=NAME)`) } : {}),
  });
  await writeFileAtomically(file, bundle.zip);
  const parts = [`${bundle.pods} pod${bundle.pods === 1 ? '' : 's'}`, `${bundle.logs} log${bundle.logs === 1 ? '' : 's'}`, `${bundle.events} event${bundle.events === 1 ? '' : 's'}`, bundle.hubStatus ? 'the hub\'s status' : 'no hub status (summary.txt says why)'];
  process.stdout.write(`shoal logs: wrote ${file} (${formatBytes(bundle.zip.length)}, ${bundle.files} files): ${parts.join(', ')}\n`);
  return EXIT_OK;
}

export const logsCommand: Command = { usage, run };
