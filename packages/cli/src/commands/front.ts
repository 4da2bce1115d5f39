import fs from 'node:fs';
import type { Command } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';
import { dashboardDir } from '../front/dashboard-files.js';
import { parseOrigin } from '../front/front-names.js';
import { sessionKey } from '../front/cookie-seal.js';
import { frontOidcOption } from '../front/front-oidc-option.js';
import { DEFAULT_GROUPS_CLAIM, DEFAULT_MAX_SESSIONS, DEFAULT_OIDC_SCOPES, DEFAULT_SESSION_HOURS, startFront } from '../front/front-server.js';
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

Sign-in (--auth): with token (the default), users sign in with a token and get a session
cookie; without --token-file a fresh token is made for this run and the printed link carries it
(open it once: the browser is signed in and the token leaves the address bar). A token sign-in
is an admin: it sees every namespace. With oidc, users sign in at your OpenID provider and see
only the namespaces their roles give (--roles-file); the hub is told who they are in a signed
assertion (--identity-key-file, the hub's key too), never given the hub token.

Options:
  --port N                 port to listen on (default ${DEFAULTS.port}; 0 picks a free one)
  --host ADDRESS           address to listen on (default ${DEFAULTS.host}; 0.0.0.0 in a pod)
  --hub URL                the hub, http:// or https:// (default $SHOAL_HUB, else ${DEFAULT_HUB})
  --hub-token-file FILE    the hub's client token, added to every request to the hub so the
                           page never holds it (default $SHOAL_TOKEN, else none)
  --hub-ca FILE            PEM certificates to trust for an https hub (instead of Node's CAs)
  --token-file FILE        the sign-in token (default: a fresh one, printed in the link)
  --auth METHOD            token | oidc | none (default token); none serves the hub to anyone
                           who reaches the front, and needs --allow-unauthenticated unless the
                           front listens on loopback only
  --sign-in METHOD         the same as --auth (its older name)
  --allow-unauthenticated  allow --auth none on a non-loopback address (logs a warning)
  --oidc-issuer URL        with --auth oidc: the provider's issuer (https://; http only on
                           loopback), discovered at start (retried with backoff while down)
  --oidc-client-id ID      with --auth oidc: this dashboard's client at the provider; register
                           <public URL>/auth/oidc/callback as its redirect URI and
                           <public URL>/auth/signed-out as its post-logout redirect URI
  --oidc-client-secret-file FILE
                           the client's secret (without it, a public client: PKCE only)
  --oidc-scopes "S …"      scopes to ask for (default "${DEFAULT_OIDC_SCOPES}"; must hold openid)
  --groups-claim NAME      the claim listing the user's groups (default ${DEFAULT_GROUPS_CLAIM})
  --roles-file FILE        with --auth oidc: which groups and users see which namespaces, YAML
                           or JSON (docs/security.md#roles); a user without a role sees nothing
  --identity-key-file FILE with --auth oidc: the key (32+ bytes) the user's identity is signed
                           with for the hub: the same file as the hub's --identity-key-file
  --session-key-file FILE  the key (32+ bytes) session cookies are encrypted with (default a
                           random one per run)
  --public-url URL         where users reach the front through a proxy or Ingress, e.g.
                           https://shoal.example: its name is accepted as Host, https makes
                           the cookie Secure, the printed link and the OIDC redirect URI use
                           it (needed with --auth oidc unless the front listens on loopback)
  --allowed-origin ORIGIN  another origin whose pages may call the front (repeatable)
  --session-hours N        how long a sign-in lasts at most (default ${DEFAULT_SESSION_HOURS}); with oidc it
                           also ends when the ID token expires, unless the provider gave a
                           refresh token
  --max-sessions N         live sessions at most; more sign-ins are refused (default ${DEFAULT_MAX_SESSIONS})
  --log-level LEVEL        fatal | error | warn | info | debug (default info; JSON lines on
                           stdout): sign-ins, sign-outs and refusals at info and warn (audit
                           lines), every request's method, path and status at debug; never a
                           token

Exit codes: 0 stopped by Ctrl-C/SIGTERM; 1 the port is in use or the dashboard is not built;
2 bad command line, including --auth none on a non-loopback address without
--allow-unauthenticated. A hub that is down is no error: the page says so and retries; nor is an
OpenID provider that is down: the sign-in page says so, and discovery is retried.
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
      auth: { type: 'string' },
      'oidc-issuer': { type: 'string' },
      'oidc-client-id': { type: 'string' },
      'oidc-client-secret-file': { type: 'string' },
      'oidc-scopes': { type: 'string' },
      'groups-claim': { type: 'string' },
      'roles-file': { type: 'string' },
      'identity-key-file': { type: 'string' },
      'session-key-file': { type: 'string' },
      'allow-unauthenticated': { type: 'boolean' },
      'public-url': { type: 'string' },
      'allowed-origin': { type: 'string', multiple: true },
      'session-hours': { type: 'string' },
      'max-sessions': { type: 'string' },
      'log-level': { type: 'string' },
    },
  });
  const hubUrl = hubOption(values.hub);
  const hubCa = values['hub-ca'] === undefined ? undefined : readCa(values['hub-ca']);
  const host = values.host ?? DEFAULTS.host;
  if (values.auth !== undefined && values['sign-in'] !== undefined && values.auth !== values['sign-in']) throw usageError(`--sign-in is the older name of --auth: give one of them, not --auth ${values.auth} and --sign-in ${values['sign-in']}`);
  const method = values.auth ?? values['sign-in'] ?? 'token';
  if (method !== 'token' && method !== 'oidc' && method !== 'none') throw usageError(`--auth must be token, oidc or none, got '${method}'`);
  const oidcFlags = { issuer: values['oidc-issuer'], clientId: values['oidc-client-id'], clientSecretFile: values['oidc-client-secret-file'], scopes: values['oidc-scopes'], groupsClaim: values['groups-claim'], rolesFile: values['roles-file'], identityKeyFile: values['identity-key-file'] };
  if (method !== 'oidc') {
    const given = Object.entries({ '--oidc-issuer': oidcFlags.issuer, '--oidc-client-id': oidcFlags.clientId, '--oidc-client-secret-file': oidcFlags.clientSecretFile, '--oidc-scopes': oidcFlags.scopes, '--groups-claim': oidcFlags.groupsClaim, '--roles-file': oidcFlags.rolesFile, '--identity-key-file': oidcFlags.identityKeyFile }).find(([, v]) => v !== undefined);
    if (given !== undefined) throw usageError(`${given[0]} goes with --auth oidc (this front's sign-in is ${method})`);
  }
  // With OIDC the hub is sent identities only: a hub token (flag or $SHOAL_TOKEN) is not used.
  const hubToken = method === 'oidc' ? undefined : tokenOption(values['hub-token-file'], '--hub-token-file');
  if (method === 'oidc' && values['hub-token-file'] !== undefined) throw usageError('--hub-token-file does not go with --auth oidc: the front sends the hub each user\'s signed identity (--identity-key-file), never the hub token');
  const open = values['allow-unauthenticated'] === true;
  if (method !== 'token' && values['token-file'] !== undefined) throw usageError(`--token-file is the sign-in token: it does not go with --auth ${method}`);
  if (open && method !== 'none') throw usageError('--allow-unauthenticated goes with --auth none (with a sign-in, every user needs to sign in)');
  if (method === 'none' && !isLoopbackHost(host) && !open) {
    throw usageError(`--auth none on ${host} would show every captured request, credentials included, to anyone who reaches it: keep the sign-in, listen on 127.0.0.1, or add --allow-unauthenticated`);
  }
  const publicUrl = values['public-url'] === undefined ? undefined : urlOption(values['public-url'], '--public-url');
  if (method === 'oidc' && publicUrl === undefined && !isLoopbackHost(host)) {
    throw usageError(`--auth oidc on ${host} needs --public-url: the provider sends browsers back to <public URL>/auth/oidc/callback, which must be the name users reach the front by`);
  }
  const oidc = method === 'oidc' ? frontOidcOption(oidcFlags) : undefined;
  const key = values['session-key-file'] === undefined ? undefined : readSessionKey(values['session-key-file']);
  const allowedOrigins = allowedOriginsOption(values['allowed-origin']);
  const givenToken = values['token-file'] === undefined ? undefined : tokenFileOption(values['token-file'], '--token-file');
  const signInToken = method === 'token' ? (givenToken ?? newSignInToken()) : undefined;
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
    ...(oidc !== undefined ? { oidc } : {}),
    ...(key !== undefined ? { sessionKey: key } : {}),
    ...(publicUrl !== undefined ? { publicUrl } : {}),
    allowedOrigins,
    sessionTtlMs: sessionHours * 3_600_000,
    maxSessions,
    log,
    dir: dashboardDir(),
  });
  // Behind a public URL, the address it listens on is said too (a port of 0 is chosen now).
  const where = publicUrl !== undefined ? `hub ${hubUrl}; listening on ${host}:${front.port}` : `hub ${hubUrl}`;
  if (oidc !== undefined) {
    process.stdout.write(`shoal front: the dashboard on ${front.url} (${where}); users sign in at ${oidc.issuer.href}\n`);
  } else if (signInToken === undefined) {
    process.stderr.write(`shoal front: warning: no sign-in (--auth none): whoever reaches ${host}:${front.port} sees every captured request through the hub\n`);
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

function readSessionKey(file: string): Buffer {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw usageError(`cannot read --session-key-file '${file}': ${(err as Error).message}`);
  }
  try {
    return sessionKey(text, `--session-key-file '${file}'`);
  } catch (err) {
    throw usageError((err as Error).message);
  }
}

function readCa(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw usageError(`cannot read --hub-ca '${file}': ${(err as Error).message}`);
  }
}

export const frontCommand: Command = { usage, run };
