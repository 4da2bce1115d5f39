import { ShoalError } from '@shoal/model';
import type { Command } from '../command.js';
import { parseCommandLine } from '../command-line.js';
import { EXIT_OK } from '../exit-codes.js';
import { KubeClient } from '../kube/kube-client.js';
import { KUBE_OPTIONS, KUBE_OPTIONS_HELP, kubeOptions } from '../kube/kube-options.js';
import { commandSettings, proxyFlagSettings, RELEASE_OPTIONS, releaseFlagSettings } from '../tap/command-settings.js';
import { listenOf, serveDashboard } from '../tap/dashboard-session.js';
import { installedSettings } from '../tap/installed-settings.js';
import { releaseText } from '../tap/release-flags.js';
import { stopOnSignal } from '../tap/stop-request.js';
import { usageError } from '../usage-error.js';

const usage = `Usage: shoal proxy [options]

Serves the dashboard of a Shoal installed in the cluster (by shoal tap or the chart) on this
machine, as shoal tap does, until Ctrl-C: through the API server's service proxy (a port-forward
to the front when that is refused), the sign-in link printed once it answers. Changes nothing
in the cluster.

Options:
  -s, --release-namespace NS the namespace Shoal runs in (default default)
  --config PATH              the config file, as for shoal tap
  --set KEY=VALUE            settings, as for shoal tap; tap.release.name names the release
  --proxy-front-port N       the dashboard's port on this machine (default 8899; 0: a free one)
  --proxy-host ADDRESS       the address it listens on (default 127.0.0.1)
  --headless                 do not open a browser
${KUBE_OPTIONS_HELP}

Exit codes: 0 stopped by Ctrl-C; 1 the local port is in use; 2 bad command line; 3 the cluster
cannot be used or refused, or Shoal is not installed there; 4 the dashboard does not answer.
`;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args: argv,
    allowPositionals: true,
    options: {
      ...RELEASE_OPTIONS,
      'proxy-front-port': { type: 'string' },
      'proxy-host': { type: 'string' },
      headless: { type: 'boolean' },
      ...KUBE_OPTIONS,
    },
  });
  if (positionals.length > 0) throw usageError(`takes no arguments, got '${positionals[0]}'`);
  const { settings } = commandSettings(values, [...releaseFlagSettings(values), ...proxyFlagSettings(values)]);
  const out = (line: string): void => void process.stdout.write(`${line}\n`);

  const client = KubeClient.fromOptions(kubeOptions(values));
  const version = await client.serverVersion();
  out(`shoal proxy: cluster ${client.server} (context ${client.context}, Kubernetes ${version})`);
  const installed = await installedSettings(client, settings);
  if (installed === undefined) {
    throw new ShoalError('CLI_ERR_NOT_FOUND', `Shoal is not installed in ${releaseText(settings)}: install it with shoal tap (or give its namespace with -s)`);
  }
  const stop = stopOnSignal();
  await serveDashboard(client, installed, listenOf(settings, values['proxy-front-port']), { command: 'shoal proxy', headless: values.headless === true, onStop: `Shoal keeps running in ${releaseText(settings)}.` }, out, stop);
  out(`shoal proxy: stopped; Shoal keeps running in ${releaseText(settings)}`);
  return EXIT_OK;
}

export const proxyCommand: Command = { usage, run };
