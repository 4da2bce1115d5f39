import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CaptureFileReader, type CaptureWarning } from '@shoal/capture';
import { isShoalError } from '@shoal/model';
import { createHubLogger } from '@shoal/hub';
import { createWorkerLogger, MATCH_ALL_IP, ReplaySource } from '@shoal/worker';
import type { Command } from '../command.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import { logLevelOption } from '../log-level-option.js';
import { portOption } from '../port-option.js';
import { startSingleNodeHub, type SingleNodeHub } from '../single-node-hub.js';
import { untilStopSignal } from '../stop-signal.js';
import { usageError } from '../usage-error.js';
import { parseCommandLine } from '../command-line.js';

const DEFAULTS = { port: 8898, frontPort: 8899, logLevel: 'error', storageLimit: 4 * 1024 ** 3 } as const;

/** The worker's name in entry ids and in the hub's /status: the entries come from no node. */
const VIEW_WORKER = 'view';

const usage = `Usage: shoal view FILE [options]

Serves a capture file (pcap or pcapng) through a hub: the same API as a cluster's
(GET /entries, /entries/:id, /ws, /pcap, /status: docs/hub.md), so what works against a
cluster works on the file. Every packet of the file is dissected (all its hosts are targets),
then the hub and the dashboard (shoal front) serve until Ctrl-C. They listen on 127.0.0.1 only.
The dashboard link printed once the file is read carries a sign-in token made for this run
(?token=…): opening it signs the browser in; without it the page asks for the token.

Entries keep the times of the capture. They live in a temporary directory removed on exit.

Options:
  --port N                 the hub's port (default ${DEFAULTS.port})
  --front-port N           the dashboard's port (default ${DEFAULTS.frontPort}; 0 picks a free one)
  --log-level LEVEL        fatal | error | warn | info | debug (default ${DEFAULTS.logLevel}; JSON
                           lines on stdout)

Exit codes: 0 stopped by Ctrl-C/SIGTERM; 1 the file is missing or not a capture (the same
CAP_ERR_* message as shoal dissect), or the port is in use; 2 bad command line. A file damaged
part-way is served up to the damage, with the warning on stderr.
`;

/**
 * Reads the whole file once without dissecting: a file that is not a capture fails here with
 * shoal dissect's error, before anything is started, and damage part-way is known up front
 * (the replay stops at it without saying).
 */
function checkFile(file: string): { packets: number; warnings: readonly CaptureWarning[] } {
  const reader = CaptureFileReader.open(file);
  try {
    const ignore = { onPacket: () => undefined };
    while (reader.readChunk(ignore));
    return { packets: reader.packetsRead, warnings: [...reader.warnings] };
  } finally {
    reader.close();
  }
}

async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandLine({
    args: argv,
    allowPositionals: true,
    options: { port: { type: 'string' },
      'front-port': { type: 'string' }, 'log-level': { type: 'string' } },
  });
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw usageError('needs exactly one capture FILE');
  const file = positionals[0]!;
  const hubPort = portOption(values.port, DEFAULTS.port);
  const frontPort = portOption(values['front-port'], DEFAULTS.frontPort, '--front-port');
  const level = logLevelOption(values['log-level'], DEFAULTS.logLevel);
  const checked = checkFile(file);
  for (const w of checked.warnings) process.stderr.write(`shoal view: ${w.message} (${w.code}); serving what came before\n`);

  // Listened for from here on: a Ctrl-C while starting up stops cleanly once started.
  const stopped = untilStopSignal();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-view-'));
  try {
    // The file's own times: entries say when the traffic happened, not when it was loaded.
    const source = new ReplaySource({ keepTimestamps: true });
    let view: SingleNodeHub;
    try {
      view = await startSingleNodeHub({
        nodeName: VIEW_WORKER,
        // No node saw these packets: the unspecified address says so in entries' `node`.
        nodeIp: '0.0.0.0',
        interface: 'any',
        source,
        targets: [{ ip: MATCH_ALL_IP, name: path.basename(file), namespace: 'file' }],
        dataDir,
        storageLimitBytes: DEFAULTS.storageLimit,
        hubPort,
        frontPort,
        wallClock: false,
        workerLog: createWorkerLogger(level),
        hubLog: createHubLogger(level),
      });
    } catch (err) {
      if (isShoalError(err) || (err as NodeJS.ErrnoException).code === undefined) throw err;
      process.stderr.write(`shoal view: cannot start: ${(err as Error).message}\n`);
      return EXIT_FAILURE;
    }
    try {
      await source.play(file);
      // The file is all there is: requests still waiting for a response are emitted now,
      // as `shoal dissect` does at the end of a file, instead of after the response timeout.
      view.worker.core.pipeline.finish();
      // Once, now the file is done: its streams stop counting as live in /stats.
      view.worker.core.pipeline.tick(Date.now());
      const entries = view.worker.core.store.stats().entries;
      process.stdout.write(
        [
          `shoal view: ${entries} entries from ${file} (${checked.packets} packets)`,
          `  dashboard ${view.dashboardLink}   (the link signs a browser in; new token every run)`,
          `  hub      ${view.hubUrl}   (GET /entries, /ws, /pcap, /status: docs/hub.md)`,
          `  watch    shoal observe --hub ${view.hubUrl}`,
          'Ctrl-C stops.',
          '',
        ].join('\n'),
      );
      await stopped;
    } finally {
      await view.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return EXIT_OK;
}

export const viewCommand: Command = { usage, run };
