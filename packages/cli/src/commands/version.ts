import { SHOAL_VERSION } from '@shoal/deploy';
import { isShoalError } from '@shoal/model';
import { CLI_VERSION } from '../cli-version.js';
import type { Command } from '../command.js';
import { parseCommandLine } from '../command-line.js';
import { EXIT_OK } from '../exit-codes.js';
import { KubeClient } from '../kube/kube-client.js';
import { KUBE_OPTIONS, KUBE_OPTIONS_HELP, kubeOptions } from '../kube/kube-options.js';
import { commandSettings, RELEASE_OPTIONS, releaseFlagSettings } from '../tap/command-settings.js';
import { releaseText } from '../tap/release-flags.js';
import { frontDeployment, hubDeployment, releaseObjects, workerDaemonSet } from '../tap/release-objects.js';
import { usageError } from '../usage-error.js';
import { installedWorkloads, versionDifferences } from '../version/installed-versions.js';

const usage = `Usage: shoal version [options]

Prints this CLI's version, the chart's, the images shoal tap deploys by default, and, when a
kubeconfig names a cluster that answers and Shoal is installed there, what the cluster runs:
the installation's version label (app.kubernetes.io/version) and the images of the hub and
front Deployments and the worker DaemonSet. Any of these that differs from the CLI's version
is named in a warning on stderr: a CLI and an installation of different versions may not
understand each other (Kubeshark's users meet that). Without a cluster, or without the right
to read the workloads, it says so and still exits 0. shoal --version prints the bare version.

Options:
  --client                   only this machine's versions; the cluster is not asked
  -s, --release-namespace NS the namespace Shoal runs in (default default)
  --config PATH              the config file, as for shoal tap
  --set KEY=VALUE            settings, as for shoal tap (tap.release.name names the release;
                             tap.docker.registry and tap.docker.tag change the images shown)
${KUBE_OPTIONS_HELP}

Exit codes: 0 printed (a cluster that cannot be asked, or a version that differs, included);
2 bad command line.
`;

/** Where the texts start, after the labels. */
const COLUMN = 11;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args: argv,
    allowPositionals: true,
    options: {
      client: { type: 'boolean' },
      ...RELEASE_OPTIONS,
      ...KUBE_OPTIONS,
    },
  });
  if (positionals.length > 0) throw usageError(`takes no arguments, got '${positionals[0]}'`);
  const { settings } = commandSettings(values, releaseFlagSettings(values));
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  /** `cluster    https://…`: a label, then its text in one column. */
  const row = (label: string, text: string): void => out(`${label.padEnd(COLUMN)}${text}`);
  const built = releaseObjects(settings);
  const images = [hubDeployment(built), frontDeployment(built), workerDaemonSet(built)].map((w) => w.spec!.template.spec!.containers[0]!.image!);
  row('CLI', CLI_VERSION);
  row('chart', `${SHOAL_VERSION} (deploy/chart; its version is @shoal/deploy's SHOAL_VERSION, the one this CLI deploys)`);
  images.forEach((image, i) => row(i === 0 ? 'images' : '', image));
  row('', '(what shoal tap deploys with these settings; -r and -t change them)');
  if (values.client === true) return EXIT_OK;

  let client: KubeClient;
  try {
    client = KubeClient.fromOptions(kubeOptions(values));
    row('cluster', `${client.server} (context ${client.context}, Kubernetes ${await client.serverVersion()})`);
  } catch (err) {
    if (!isShoalError(err)) throw err;
    row('cluster', `none: ${err.message} (${err.code})`);
    return EXIT_OK;
  }
  let workloads;
  try {
    workloads = await installedWorkloads(client, settings);
  } catch (err) {
    if (!isShoalError(err)) throw err;
    row('installed', `unknown: ${err.message} (${err.code})`);
    return EXIT_OK;
  }
  if (!workloads.some((w) => w.found)) {
    row('installed', `none in ${releaseText(settings)}`);
    return EXIT_OK;
  }
  row('installed', `in ${releaseText(settings)}:`);
  for (const w of workloads) {
    row(`  ${w.label}`, w.found ? `Shoal ${w.version ?? '(no version label)'}, ${w.image ?? '(no image)'}` : `none (${w.kind} ${w.name} is not there)`);
  }
  const differences = versionDifferences(workloads, CLI_VERSION);
  if (differences.length > 0) {
    process.stderr.write(`shoal version: warning: the cluster does not run this CLI's version ${CLI_VERSION}: ${differences.join('; ')}. `
      + 'A CLI and an installation of different versions may not understand each other: use the CLI of the installed version, or reinstall with this one (shoal clean, then shoal tap)\n');
  }
  return EXIT_OK;
}

export const versionCommand: Command = { usage, run };
