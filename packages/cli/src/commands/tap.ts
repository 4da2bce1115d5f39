import { SHOAL_VERSION, type Settings } from '@shoal/deploy';
import { isShoalError } from '@shoal/model';
import { isLoopbackHost } from '@shoal/model/http';
import type { Command } from '../command.js';
import { parseCommandLine } from '../command-line.js';
import { EXIT_OK } from '../exit-codes.js';
import { checkAccess } from '../kube/access-review.js';
import { applyObjects, type Progress } from '../kube/apply-objects.js';
import { deleteInstallation } from '../kube/delete-installation.js';
import { findInstallation, releaseOf } from '../kube/installation.js';
import { KubeClient } from '../kube/kube-client.js';
import { KUBE_OPTIONS, KUBE_OPTIONS_HELP, kubeOptions } from '../kube/kube-options.js';
import { rolloutsOf, waitForRollouts } from '../kube/rollout.js';
import { durationOption } from '../observe/duration.js';
import { dryRunNeeds, installNeeds, retargetNeeds } from '../tap/access-needs.js';
import { commandSettings, flagSetting, proxyFlagSettings, RELEASE_OPTIONS, releaseFlagSettings } from '../tap/command-settings.js';
import { listenOf, serveDashboard } from '../tap/dashboard-session.js';
import { printDryRun } from '../tap/dry-run.js';
import { differingSettings, installedSettings, retargeted, targetsText } from '../tap/installed-settings.js';
import { checkNamespaces } from '../tap/preflight.js';
import { releaseFlags, releaseText } from '../tap/release-flags.js';
import { releaseObjects, settingsObject } from '../tap/release-objects.js';
import { StopRequested, stopOnSignal } from '../tap/stop-request.js';
import { usageError } from '../usage-error.js';

const DEFAULT_TIMEOUT = '5m';
/** How long removing an installation may take (`--ephemeral`). */
export const REMOVE_TIMEOUT_MS = 120_000;

const usage = `Usage: shoal tap [POD_REGEX] [options]

Installs Shoal in the cluster of your kubeconfig, or changes only what an installed Shoal
captures, then serves its dashboard on this machine until Ctrl-C (docs/kubernetes.md).

It checks first, and changes nothing when a check fails: POD_REGEX compiles under RE2, the
cluster answers, the namespaces exist, and you may do everything it will do (access reviews).
Then it applies the objects of shoal manifests (server-side apply, field manager shoal), waits
until the hub, the front and a worker on every node are ready, printing each step, and says in
words what is wrong when something is (an image that cannot be pulled, no node with room, a
container that crashes, with its log). Installed already: only the targets change (POD_REGEX,
-n, -e: the settings ConfigMap).

The dashboard is served on http://127.0.0.1:8899 through the API server's service proxy (a
port-forward to the front when that is refused), and the sign-in link is printed once it
answers. Ctrl-C stops that local proxy and leaves Shoal running: shoal proxy serves the
dashboard again, shoal clean removes Shoal. With --ephemeral, Ctrl-C removes everything this
run installed and waits until it is gone.

Arguments:
  POD_REGEX                  pods whose names match are captured (RE2; default .*)

Options:
  -n, --namespaces LIST      capture only in these namespaces (comma-separated, repeatable)
  -e, --excluded-namespaces LIST
                             never capture in these namespaces
  -s, --release-namespace NS the namespace Shoal runs in (default default; it must exist)
  --config PATH              the config file (default: $SHOAL_CONFIG if set, else
                             ~/.shoal/config.yaml, which shoal config writes): the base settings
  --set KEY=VALUE            any setting of shoal manifests --help (repeatable); flags win
  --dry-run                  list the pods that would be tapped, per node, and change nothing
  --proxy-front-port N       the dashboard's port on this machine (default 8899; 0: a free one)
  --proxy-host ADDRESS       the address it listens on (default 127.0.0.1)
  --storage-limit SIZE       each worker's store (default 500Mi)
  -r, --docker-registry REG  images are REG/shoal-<hub|worker|front> (default localhost)
  -t, --docker-tag TAG       the images' tag (default ${SHOAL_VERSION}, this CLI's version)
  --tls                      run the TLS tracer on the workers: the targeted pods' OpenSSL
                             traffic, decrypted (tap.tls; grants SYS_ADMIN, SYS_PTRACE)
  --headless                 do not open a browser
  --ephemeral                Ctrl-C removes what this run installed, and waits until it is gone
  --timeout DURATION         how long the pods may take to become ready (default ${DEFAULT_TIMEOUT})
${KUBE_OPTIONS_HELP}

Exit codes: 0 stopped by Ctrl-C (or --dry-run done); 1 the local port is in use; 2 bad command
line or setting; 3 the cluster cannot be used or refused (no kubeconfig, unreachable,
credentials refused, forbidden by RBAC, a namespace that does not exist); 4 Shoal's pods did not
become ready or its dashboard does not answer (Shoal stays installed unless --ephemeral).
`;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args: argv,
    allowPositionals: true,
    options: {
      namespaces: { type: 'string', short: 'n', multiple: true },
      'excluded-namespaces': { type: 'string', short: 'e', multiple: true },
      ...RELEASE_OPTIONS,
      'dry-run': { type: 'boolean' },
      'proxy-front-port': { type: 'string' },
      'proxy-host': { type: 'string' },
      'storage-limit': { type: 'string' },
      'docker-registry': { type: 'string', short: 'r' },
      'docker-tag': { type: 'string', short: 't' },
      tls: { type: 'boolean' },
      headless: { type: 'boolean' },
      ephemeral: { type: 'boolean' },
      timeout: { type: 'string' },
      ...KUBE_OPTIONS,
    },
  });
  if (positionals.length > 1) throw usageError(`takes one POD_REGEX, got ${positionals.length}: ${positionals.join(' ')}`);
  const { settings, given } = commandSettings(values, [
    ...flagSetting('POD_REGEX', 'tap.regex', positionals[0]),
    ...flagSetting('--namespaces', 'tap.namespaces', values.namespaces),
    ...flagSetting('--excluded-namespaces', 'tap.excludedNamespaces', values['excluded-namespaces']),
    ...releaseFlagSettings(values),
    ...proxyFlagSettings(values),
    ...flagSetting('--storage-limit', 'tap.storageLimit', values['storage-limit']),
    ...flagSetting('--docker-registry', 'tap.docker.registry', values['docker-registry']),
    ...flagSetting('--docker-tag', 'tap.docker.tag', values['docker-tag']),
    ...flagSetting('--tls', 'tap.tls', values.tls),
  ]);
  const timeoutMs = durationOption('--timeout', values.timeout, DEFAULT_TIMEOUT);
  if (!settings.tap.auth.enabled && !isLoopbackHost(settings.tap.proxy.host)) {
    throw usageError(`--proxy-host ${settings.tap.proxy.host} would publish a dashboard without sign-in (tap.auth.enabled=false) beyond this machine`);
  }
  // Every object is built (and every setting checked together) before the cluster is asked anything.
  const wanted = releaseObjects(settings);
  const out = (line: string): void => void process.stdout.write(`${line}\n`);

  const client = KubeClient.fromOptions(kubeOptions(values));
  const version = await client.serverVersion();
  out(`shoal tap: cluster ${client.server} (context ${client.context}, Kubernetes ${version})`);
  await checkNamespaces(client, settings);
  if (values['dry-run'] === true) {
    await checkAccess(client, dryRunNeeds(settings));
    await printDryRun(client, settings, out);
    return EXIT_OK;
  }

  const installed = await installedSettings(client, settings);
  const inCluster: Settings = installed !== undefined ? retargeted(installed, settings) : settings;
  // Installed: the settings ConfigMap, where the hub keeps the targets, is the one object that changes.
  const targetsOnly = [settingsObject(releaseObjects(inCluster))];
  await checkAccess(client, installed !== undefined ? await retargetNeeds(client, targetsOnly, inCluster) : await installNeeds(client, wanted, settings, values.ephemeral === true));

  // From here on the cluster changes: Ctrl-C is handled, so --ephemeral can remove what was made.
  const stop = stopOnSignal();
  const created = installed === undefined;
  let failure: unknown;
  try {
    if (installed !== undefined) {
      out(`Shoal is installed in ${releaseText(settings)}: only the targets change`);
      const ignored = differingSettings(installed, settings, given);
      if (ignored.length > 0) out(`  kept as installed: ${ignored.join(', ')} (to change them: shoal clean ${releaseFlags(settings)}, then shoal tap)`);
      await applyObjects(client, targetsOnly, out);
    } else {
      out(`installing Shoal ${SHOAL_VERSION} in ${releaseText(settings)}:`);
      await applyObjects(client, wanted, out);
    }
    out(`targets: ${targetsText(inCluster)}`);
    await waitForRollouts(client, rolloutsOf(releaseObjects(inCluster)), out, timeoutMs, stop);
    await serveDashboard(client, inCluster, listenOf(settings, values['proxy-front-port']), {
      command: 'shoal tap',
      headless: values.headless === true,
      onStop: values.ephemeral === true && created ? 'it removes Shoal (--ephemeral).' : `Shoal keeps running in ${releaseText(settings)}.`,
    }, out, stop);
  } catch (err) {
    // Ctrl-C during the rollout ends the wait: no failure.
    if (!(err instanceof StopRequested)) failure = err;
  }
  if (values.ephemeral === true && created) await removeInstalled(client, settings, out);
  else sayWhatStays(settings, failure, out);
  if (failure !== undefined) throw failure;
  return EXIT_OK;
}

/** `--ephemeral`: everything this run installed goes, and the wait ends when it is gone. */
async function removeInstalled(client: KubeClient, settings: Settings, out: Progress): Promise<void> {
  out('shoal tap: removing what this run installed (--ephemeral)');
  const found = await findInstallation(client, settings);
  await deleteInstallation(client, releaseOf(settings), found, out, REMOVE_TIMEOUT_MS);
  out(`shoal tap: removed ${found.length} objects; nothing of this run is left in the cluster`);
}

/** After Ctrl-C, or a rollout that failed: Shoal stays, and how to come back or remove it. */
function sayWhatStays(settings: Settings, failure: unknown, out: Progress): void {
  if (failure === undefined) {
    out(`shoal tap: the local proxy stopped; Shoal keeps running in ${releaseText(settings)}`);
    out(`  shoal proxy ${releaseFlags(settings)}   serves the dashboard again`);
    out(`  shoal clean ${releaseFlags(settings)}   removes Shoal`);
  } else if (isShoalError(failure) && failure.code === 'CLI_ERR_ROLLOUT') {
    out(`Shoal stays installed in ${releaseText(settings)}: fix the cause and run shoal tap again, or remove it with shoal clean ${releaseFlags(settings)}`);
  }
}

export const tapCommand: Command = { usage, run };
