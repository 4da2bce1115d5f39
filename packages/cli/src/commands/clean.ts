import type { Command } from '../command.js';
import { parseCommandLine } from '../command-line.js';
import { EXIT_OK } from '../exit-codes.js';
import { checkAccess } from '../kube/access-review.js';
import { deleteInstallation } from '../kube/delete-installation.js';
import { findInstallation, releaseOf } from '../kube/installation.js';
import { KubeClient } from '../kube/kube-client.js';
import { KUBE_OPTIONS, KUBE_OPTIONS_HELP, kubeOptions } from '../kube/kube-options.js';
import { durationOption } from '../observe/duration.js';
import { commandSettings, RELEASE_OPTIONS, releaseFlagSettings } from '../tap/command-settings.js';
import { releaseText } from '../tap/release-flags.js';
import { usageError } from '../usage-error.js';

const DEFAULT_TIMEOUT = '2m';

const usage = `Usage: shoal clean [options]

Removes a Shoal installation from the cluster: every object of the release, found by the labels
the builder puts on everything (app.kubernetes.io/name=shoal, app.kubernetes.io/instance=<release
name>) in the release namespace, and the release's ClusterRole and ClusterRoleBinding. Deletes in
the foreground, waits until the objects and their pods are gone, and lists each one removed.
Nothing installed is no error.

Options:
  -s, --release-namespace NS the namespace Shoal runs in (default default)
  --config PATH              the config file, as for shoal tap
  --set KEY=VALUE            settings, as for shoal tap; tap.release.name names the release
  --timeout DURATION         how long the removal may take (default ${DEFAULT_TIMEOUT})
${KUBE_OPTIONS_HELP}

Exit codes: 0 removed, or nothing to remove; 2 bad command line; 3 the cluster cannot be used or
refused (no kubeconfig, unreachable, forbidden by RBAC, objects still there after --timeout).
`;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args: argv,
    allowPositionals: true,
    options: {
      ...RELEASE_OPTIONS,
      timeout: { type: 'string' },
      ...KUBE_OPTIONS,
    },
  });
  if (positionals.length > 0) throw usageError(`takes no arguments, got '${positionals[0]}'`);
  const { settings } = commandSettings(values, releaseFlagSettings(values));
  const timeoutMs = durationOption('--timeout', values.timeout, DEFAULT_TIMEOUT);
  const out = (line: string): void => void process.stdout.write(`${line}\n`);

  const client = KubeClient.fromOptions(kubeOptions(values));
  const version = await client.serverVersion();
  out(`shoal clean: cluster ${client.server} (context ${client.context}, Kubernetes ${version})`);
  const found = await findInstallation(client, settings);
  if (found.length === 0) {
    out(`shoal clean: nothing of Shoal in ${releaseText(settings)} to remove`);
    return EXIT_OK;
  }
  await checkAccess(client, found.map((o) => ({
    verb: 'delete', group: o.info.group, resource: o.info.resource, name: o.name,
    ...(o.info.namespaced ? { namespace: o.namespace! } : {}), why: `to remove ${o.kind} ${o.name}`,
  })));
  out(`removing ${found.length} objects of Shoal in ${releaseText(settings)}:`);
  await deleteInstallation(client, releaseOf(settings), found, out, timeoutMs);
  out(`shoal clean: removed ${found.length} objects; nothing of Shoal is left in ${releaseText(settings)}`);
  return EXIT_OK;
}

export const cleanCommand: Command = { usage, run };
