import path from 'node:path';
import { formatBytes, ShoalError } from '@shoal/model';
import type { Command } from '../command.js';
import { parseCommandLine } from '../command-line.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import { KubeClient } from '../kube/kube-client.js';
import { KUBE_OPTIONS, KUBE_OPTIONS_HELP, kubeOptions } from '../kube/kube-options.js';
import { durationMs } from '../observe/duration.js';
import { AtomicFile, ensureDirectory } from '../output/atomic-file.js';
import { timestampedName } from '../output/timestamped-name.js';
import { TransferProgress } from '../output/transfer-progress.js';
import { downloadPcap, type PcapDownload } from '../pcapdump/pcap-download.js';
import { commandSettings, RELEASE_OPTIONS, releaseFlagSettings } from '../tap/command-settings.js';
import { connectToHub } from '../tap/installed-hub.js';
import { installedSettings } from '../tap/installed-settings.js';
import { releaseText } from '../tap/release-flags.js';
import { StopRequested, stopOnSignal } from '../tap/stop-request.js';
import { usageError } from '../usage-error.js';

const usage = `Usage: shoal pcapdump [options]

Writes one pcap file of the traffic a Shoal installed in the cluster captured: the hub's merged
pcap (GET /pcap, docs/hub.md) of every worker's packets, in time order, each packet once,
reached through the API server's service proxy (a port-forward to the hub when that is
refused). The file is DIR/shoal_<time>.pcap; it appears whole once the download is done (a
hidden .part file until then), readable by you only. A progress line on stderr says how much
came so far; the closing line names the file and the workers whose packets are missing.

Options:
  --time DURATION            only the last DURATION (10m, 1h, 90s); default everything the
                             workers still hold
  -q, --query FILTER         only the streams of the entries matching FILTER (docs/filter.md),
                             e.g. 'http && status_code >= 500'; default every stream
  --dest DIR                 where to write the file (default the current directory; created
                             if missing)
  -s, --release-namespace NS the namespace Shoal runs in (default default)
  --config PATH              the config file, as for shoal tap
  --set KEY=VALUE            settings, as for shoal tap; tap.release.name names the release
${KUBE_OPTIONS_HELP}

Exit codes: 0 written (workers left out are named, not a failure); 1 the hub refused or cut the
download, the file cannot be written, or Ctrl-C (nothing is written); 2 bad command line or a
filter the hub cannot compile (its position shown); 3 the cluster cannot be used or refused, or
Shoal is not installed there; 4 the hub does not answer.
`;

/** `node-a, node-b`, or `none`. */
function list(names: string[]): string {
  return names.length > 0 ? names.join(', ') : 'none';
}

/** The closing lines: the file, and what it lacks. */
function closing(file: string, got: PcapDownload, what: string): string[] {
  const lines = [`shoal pcapdump: wrote ${file} (${formatBytes(got.bytes)}, ${got.streams} stream${got.streams === 1 ? '' : 's'}, ${what}) from ${list(got.workers)}`];
  if (got.streams === 0) lines.push('  no stream matched: the file holds no packets');
  if (got.unavailable.length > 0) lines.push(`  left out: ${list(got.unavailable)} (down, failed or too slow before the file started: their packets are missing)`);
  if (got.failed.length > 0) lines.push(`  cut short: ${list(got.failed)} (failed or stalled during the download: their later packets are missing)`);
  if (got.skipped.length > 0) lines.push(`  skipped: ${list(got.skipped)} (their packets have another link type than the file)`);
  return lines;
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args: argv,
    allowPositionals: true,
    options: {
      time: { type: 'string' },
      query: { type: 'string', short: 'q' },
      dest: { type: 'string' },
      ...RELEASE_OPTIONS,
      ...KUBE_OPTIONS,
    },
  });
  if (positionals.length > 0) throw usageError(`takes no arguments, got '${positionals[0]}'`);
  const backMs = values.time === undefined ? undefined : durationMs(values.time);
  if (backMs === 0 || (values.time !== undefined && backMs === undefined)) throw usageError(`--time takes a duration such as 90s, 10m or 1h, got '${values.time}'`);
  const { settings } = commandSettings(values, releaseFlagSettings(values));
  const query = values.query ?? '';
  const say = (line: string): void => void process.stderr.write(`${line}\n`);

  const client = KubeClient.fromOptions(kubeOptions(values));
  const version = await client.serverVersion();
  say(`shoal pcapdump: cluster ${client.server} (context ${client.context}, Kubernetes ${version})`);
  const installed = await installedSettings(client, settings);
  if (installed === undefined) {
    throw new ShoalError('CLI_ERR_NOT_FOUND', `Shoal is not installed in ${releaseText(settings)}: install it with shoal tap (or give its namespace with -s)`);
  }
  const hub = await connectToHub(client, installed, say);
  say(`  the hub through ${hub.via}`);

  const dir = values.dest ?? '.';
  ensureDirectory(dir);
  const now = new Date();
  const name = timestampedName('shoal', 'pcap', now);
  const file = AtomicFile.create(path.join(dir, name));
  const progress = new TransferProgress(process.stderr, 'received');
  const stop = stopOnSignal();
  let got: PcapDownload;
  try {
    got = await downloadPcap(hub, { q: query, ...(backMs !== undefined ? { fromMs: now.getTime() - backMs } : {}), toMs: now.getTime(), filename: name }, file, progress, stop);
  } catch (err) {
    file.discard();
    progress.finish();
    if (err instanceof StopRequested) {
      say(`shoal pcapdump: stopped by ${err.signal}; nothing was written`);
      return EXIT_FAILURE;
    }
    throw err;
  }
  progress.finish();
  await file.commit();
  const what = [values.time !== undefined ? `the last ${values.time}` : 'everything held', ...(query !== '' ? [`filter '${query}'`] : [])].join(', ');
  process.stdout.write(closing(file.file, got, what).map((l) => `${l}\n`).join(''));
  return EXIT_OK;
}

export const pcapdumpCommand: Command = { usage, run };
