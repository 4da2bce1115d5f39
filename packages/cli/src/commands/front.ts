import type { Command } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';
import { dashboardDir } from '../front/dashboard-files.js';
import { startFront } from '../front/front-server.js';
import { DEFAULT_HUB, hubOption } from '../hub-option.js';
import { portOption } from '../port-option.js';
import { untilStopSignal } from '../stop-signal.js';
import { tokenOption } from '../token-option.js';
import { parseCommandLine } from '../command-line.js';

const DEFAULTS = { port: 8899, host: '127.0.0.1' } as const;

const usage = `Usage: shoal front [options]

Serves the dashboard: its files, and /api/* (the WebSocket /api/ws included) passed to the hub
with the /api prefix removed, so the page talks to one address (docs/front.md).

Options:
  --port N                 port to listen on (default ${DEFAULTS.port}; 0 picks a free one)
  --host ADDRESS           address to listen on (default ${DEFAULTS.host}; 0.0.0.0 in a pod)
  --hub URL                the hub (default $SHOAL_HUB, else ${DEFAULT_HUB})
  --token-file FILE        the hub's client token, added to every request to the hub so the
                           page never holds it (default $SHOAL_TOKEN, else none)

Exit codes: 0 stopped by Ctrl-C/SIGTERM; 1 the port is in use or the dashboard is not built;
2 bad command line. A hub that is down is no error: the page says so and retries.
`;

async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandLine({
    args: argv,
    options: { port: { type: 'string' }, host: { type: 'string' }, hub: { type: 'string' }, 'token-file': { type: 'string' } },
  });
  const hubUrl = hubOption(values.hub);
  const token = tokenOption(values['token-file']);
  const stopped = untilStopSignal();
  const front = await startFront({
    port: portOption(values.port, DEFAULTS.port),
    host: values.host ?? DEFAULTS.host,
    hubUrl,
    ...(token !== undefined ? { hubToken: token } : {}),
    dir: dashboardDir(),
  });
  process.stdout.write(`shoal front: the dashboard on ${front.url} (hub ${hubUrl})\n`);
  await stopped;
  await front.close();
  return EXIT_OK;
}

export const frontCommand: Command = { usage, run };
