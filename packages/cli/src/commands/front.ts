import fs from 'node:fs';
import type { Command } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';
import { dashboardDir } from '../front/dashboard-files.js';
import { parseOrigin } from '../front/front-names.js';
import { DEFAULT_MAX_SESSIONS, DEFAULT_SESSION_HOURS, startFront } from '../front/front-server.js';
import { signInLink } from '../front/sign-in-link.js';
import { DEFAULT_HUB, hubOption } from '../hub-option.js';
import { integerOption } from '../integer-option.js';
import { isLoopbackHost } from '@shoal/model/http';
import { portOption } from '../port-option.js';
import { untilStopSignal } from '../stop-signal.js';
import { newSignInToken, tokenFileOption, tokenOption } from '../token-option.js';
import { usageError } from '../usage-error.js';
import { logLevelOption } from '../log-level-option.js';
import { pino } from 'pino';
import { parseCommandLine } from '../command-line.js';
import { allowedOriginsOption } from '../open-bind.js';

const DEFAULTS = { port: 8899, host: '127.0.0.1' } as const;

const usage = `Usage: shoal front [options]

Serves the dashboard: its files, a sign-in, and /api/* (the WebSocket /api/ws included) passed
to the hub with the /api prefix removed, for signed-in users only (docs/front.md).

Sign-in: users sign in with a token and get a session cookie. Without --token-file a fresh token
is made for this run and the printed link carries it (open it once: the browser is signed in
and the token leaves the address bar).

Options:
  --port N                 port to listen on (default ${DEFAULTS.port}; 0 picks a free one)
  --host ADDRESS           address to listen on (default ${DEFAULTS.host}; 0.0.0.0 in a pod)
  --hub URL                the hub, http:// or https:// (default $SHOAL_HUB, else ${DEFAULT_HUB})
  --hub-token-file FILE    the hub's client token, added to every request to the hub so the
                           page never holds it (default $SHOAL_TOKEN, else none)
  --hub-ca FILE            PEM certificates to trust for an https hub (instead of Node's CAs)
  --token-file FILE        the sign-in token (default: a fresh one, printed in the link)
  --sign-in METHOD         token | none (default token); none serves the hub to anyone who
                           reaches the front, and needs --allow-unauthenticated unless the
                           front listens on loopback only
  --allow-unauthenticated  allow --sign-in none on a non-loopback address (logs a warning)
  --public-url URL         where users reach the front through a proxy or Ingress, e.g.
                           https://shoal.example: its name is accepted as Host, https makes
                           the cookie Secure, and the printed link uses it
  --allowed-origin ORIGIN  another origin whose pages may call the front (repeatable)
  --session-hours N        how long a sign-in lasts (default ${DEFAULT_SESSION_HOURS})
  --max-sessions N         live sessions at most; more sign-ins are refused (default ${DEFAULT_MAX_SESSIONS})
  --log-level LEVEL        fatal | error | warn | info | debug (default info; JSON lines on
                           stdout): sign-ins and refusals at info and warn, every request's
                           method, path and status at debug; never a token

Exit codes: 0 stopped by Ctrl-C/SIGTERM; 1 the port is in use or the dashboard is not built;
2 bad command line, including --sign-in none on a non-loopback address without
--allow-unauthenticated. A hub that is down is no error: the page says so and retries.
`;

/** What a bad URL option says, as a usage error. */
function urlOption(text: string, flag: string): URL {
  try {
    return parseOrigin(text, flag);
  } catch (err) {
    throw usageError((err as Error).message);
  }
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandLine({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      hub: { type: 'string' },
      'hub-token-file': { type: 'string' },
      'hub-ca': { type: 'string' },
      'token-file': { type: 'string' },
      'sign-in': { type: 'string' },
      'allow-unauthenticated': { type: 'boolean' },
      'public-url': { type: 'string' },
      'allowed-origin': { type: 'string', multiple: true },
      'session-hours': { type: 'string' },
      'max-sessions': { type: 'string' },
      'log-level': { type: 'string' },
    },
  });
  const hubUrl = hubOption(values.hub);
  const hubToken = tokenOption(values['hub-token-file'], '--hub-token-file');
  const hubCa = values['hub-ca'] === undefined ? undefined : readCa(values['hub-ca']);
  const host = values.host ?? DEFAULTS.host;
  const method = values['sign-in'] ?? 'token';
  if (method !== 'token' && method !== 'none') throw usageError(`--sign-in must be token or none, got '${method}'`);
  const open = values['allow-unauthenticated'] === true;
  if (method === 'none' && values['token-file'] !== undefined) throw usageError('--token-file is the sign-in token: it does not go with --sign-in none');
  if (open && method !== 'none') throw usageError('--allow-unauthenticated goes with --sign-in none (with a sign-in, every user needs the token)');
  if (method === 'none' && !isLoopbackHost(host) && !open) {
    throw usageError(`--sign-in none on ${host} would show every captured request, credentials included, to anyone who reaches it: keep the sign-in, listen on 127.0.0.1, or add --allow-unauthenticated`);
  }
  const publicUrl = values['public-url'] === undefined ? undefined : urlOption(values['public-url'], '--public-url');
  const allowedOrigins = allowedOriginsOption(values['allowed-origin']);
  const givenToken = values['token-file'] === undefined ? undefined : tokenFileOption(values['token-file'], '--token-file');
  const signInToken = method === 'none' ? undefined : (givenToken ?? newSignInToken());
  const sessionHours = integerOption('--session-hours', values['session-hours'], DEFAULT_SESSION_HOURS, 1, 24 * 365);
  const log = pino({ name: 'shoal-front', level: logLevelOption(values['log-level'], 'info') });
  const maxSessions = integerOption('--max-sessions', values['max-sessions'], DEFAULT_MAX_SESSIONS, 1, 1_000_000);

  const stopped = untilStopSignal();
  const front = await startFront({
    port: portOption(values.port, DEFAULTS.port),
    host,
    hubUrl,
    ...(hubToken !== undefined ? { hubToken } : {}),
    ...(hubCa !== undefined ? { hubCa } : {}),
    ...(signInToken !== undefined ? { signInToken } : {}),
    ...(publicUrl !== undefined ? { publicUrl } : {}),
    allowedOrigins,
    sessionTtlMs: sessionHours * 3_600_000,
    maxSessions,
    log,
    dir: dashboardDir(),
  });
  // Behind a public URL, the address it listens on is said too (a port of 0 is chosen now).
  const where = publicUrl !== undefined ? `hub ${hubUrl}; listening on ${host}:${front.port}` : `hub ${hubUrl}`;
  if (signInToken === undefined) {
    process.stderr.write(`shoal front: warning: no sign-in (--sign-in none): whoever reaches ${host}:${front.port} sees every captured request through the hub\n`);
    process.stdout.write(`shoal front: the dashboard on ${front.url} (${where})\n`);
  } else if (givenToken !== undefined) {
    process.stdout.write(`shoal front: the dashboard on ${front.url} (${where}); sign in with the token in ${values['token-file']}\n`);
  } else {
    process.stdout.write(`shoal front: the dashboard on ${signInLink(front.url, signInToken)} (${where})\n  the link signs a browser in once; the token is new with every run\n`);
  }
  await stopped;
  await front.close();
  return EXIT_OK;
}

function readCa(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw usageError(`cannot read --hub-ca '${file}': ${(err as Error).message}`);
  }
}

export const frontCommand: Command = { usage, run };
