/**
 * Coded errors. Callers narrow on `code`, never on message text or class identity
 * (a second copy of this package must still be recognised). Every code is listed
 * in docs/errors.md with what the user should do.
 */

export const ErrorCodes = {
  /** The capture file does not exist or cannot be opened. */
  CAP_ERR_OPEN: 'CAP_ERR_OPEN',
  /** The file's first bytes are not a pcap or pcapng magic number. */
  CAP_ERR_NOT_A_CAPTURE: 'CAP_ERR_NOT_A_CAPTURE',
  /** A structure inside the capture file is inconsistent (bad block length, absurd record size). */
  CAP_ERR_CORRUPT: 'CAP_ERR_CORRUPT',
  /** The capture file ends in the middle of a record. */
  CAP_ERR_TRUNCATED: 'CAP_ERR_TRUNCATED',
  /** A link type this build cannot decode; its packets are counted and skipped. */
  CAP_ERR_LINKTYPE: 'CAP_ERR_LINKTYPE',
  /** Live capture: the interface does not exist in that namespace, is down, or went away. */
  CAP_ERR_INTERFACE: 'CAP_ERR_INTERFACE',
  /** Live capture: the BPF filter does not compile (libpcap's message says why). */
  CAP_ERR_FILTER: 'CAP_ERR_FILTER',
  /** Live capture: missing CAP_NET_RAW / CAP_NET_ADMIN (or CAP_SYS_ADMIN to enter a namespace). */
  CAP_ERR_PERMISSION: 'CAP_ERR_PERMISSION',
  /** Live capture: the network namespace path is missing or not a network namespace. */
  CAP_ERR_NETNS: 'CAP_ERR_NETNS',
  /** Live capture: the forced backend cannot run here (addon not built, kernel support missing). */
  CAP_ERR_BACKEND_UNAVAILABLE: 'CAP_ERR_BACKEND_UNAVAILABLE',
  /** Live capture: an option the wrapper, the kernel or libpcap refuses. */
  CAP_ERR_LIVE_OPTIONS: 'CAP_ERR_LIVE_OPTIONS',

  /** A message ended before its declared length. */
  DIS_ERR_TRUNCATED: 'DIS_ERR_TRUNCATED',
  /** Bytes that do not follow the protocol grammar. */
  DIS_ERR_SYNTAX: 'DIS_ERR_SYNTAX',
  /** A header block or line longer than the dissector's limit. */
  DIS_ERR_TOO_LARGE: 'DIS_ERR_TOO_LARGE',
  /** Bytes were missing from the stream (a reassembly gap) inside this message. */
  DIS_ERR_GAP: 'DIS_ERR_GAP',
  /** A request whose response never arrived before the timeout or the end of the stream. */
  DIS_ERR_NO_RESPONSE: 'DIS_ERR_NO_RESPONSE',
  /** A response with no request before it. */
  DIS_ERR_NO_REQUEST: 'DIS_ERR_NO_REQUEST',
  /** A body whose Content-Encoding could not be decoded; the raw body is kept. */
  DIS_ERR_DECODE: 'DIS_ERR_DECODE',

  /** A filter that is not a well-formed expression (unbalanced brackets, `=` for `==`). */
  FLT_ERR_SYNTAX: 'FLT_ERR_SYNTAX',
  /** A filter naming a variable, field or function the language does not have. */
  FLT_ERR_UNKNOWN: 'FLT_ERR_UNKNOWN',
  /** A well-formed but ill-typed filter, or one whose result is not a bool. */
  FLT_ERR_TYPE: 'FLT_ERR_TYPE',
  /** A regular expression given to `matches()` that RE2 refuses (syntax, backreference, lookaround). */
  FLT_ERR_REGEX: 'FLT_ERR_REGEX',
  /** A filter over the size limits (text length, nesting depth, number of terms). */
  FLT_ERR_TOO_COMPLEX: 'FLT_ERR_TOO_COMPLEX',
  /** Evaluation failed on one entry: counted, never thrown; the entry does not match. */
  FLT_ERR_EVAL: 'FLT_ERR_EVAL',

  /** Worker API: no bearer token, or the wrong one (HTTP 401). */
  WRK_ERR_UNAUTHORIZED: 'WRK_ERR_UNAUTHORIZED',
  /** Worker API: no such route or entry (never seen, or evicted) (HTTP 404). */
  WRK_ERR_NOT_FOUND: 'WRK_ERR_NOT_FOUND',
  /** Worker API: the route does not take this HTTP method (HTTP 405). */
  WRK_ERR_METHOD: 'WRK_ERR_METHOD',
  /** Worker API: a malformed request: bad JSON, bad parameter (HTTP 400). */
  WRK_ERR_BAD_REQUEST: 'WRK_ERR_BAD_REQUEST',
  /** Worker API: a request body over the size limit (HTTP 413). */
  WRK_ERR_TOO_LARGE: 'WRK_ERR_TOO_LARGE',
  /** Worker API: the worker failed on its side (HTTP 500); its log says more. */
  WRK_ERR_INTERNAL: 'WRK_ERR_INTERNAL',
  /** Worker API: a browser page of another origin (HTTP 403): WebSocket upgrades and changes. */
  WRK_ERR_ORIGIN: 'WRK_ERR_ORIGIN',
  /**
   * Worker API: a versioned PATCH /resolution whose base is not the version of the worker's
   * table (HTTP 409; the error carries the worker's `version`): send the whole table (PUT).
   */
  WRK_ERR_VERSION: 'WRK_ERR_VERSION',

  /** Hub API: no bearer token, or the wrong one (HTTP 401). */
  HUB_ERR_UNAUTHORIZED: 'HUB_ERR_UNAUTHORIZED',
  /** Hub API: no such route, worker or entry (HTTP 404). */
  HUB_ERR_NOT_FOUND: 'HUB_ERR_NOT_FOUND',
  /** Hub API: the route does not take this HTTP method (HTTP 405). */
  HUB_ERR_METHOD: 'HUB_ERR_METHOD',
  /** Hub API: a malformed request: bad JSON, bad parameter (HTTP 400). */
  HUB_ERR_BAD_REQUEST: 'HUB_ERR_BAD_REQUEST',
  /** Hub API: a request body over the size limit (HTTP 413). */
  HUB_ERR_TOO_LARGE: 'HUB_ERR_TOO_LARGE',
  /** Hub API: the worker that holds the answer is down or failed (HTTP 502); /status says why. */
  HUB_ERR_WORKER: 'HUB_ERR_WORKER',
  /** Hub API: the hub failed on its side (HTTP 500); its log says more. */
  HUB_ERR_INTERNAL: 'HUB_ERR_INTERNAL',
  /** Hub API: a browser page of another origin (HTTP 403): WebSocket upgrades and changes. */
  HUB_ERR_ORIGIN: 'HUB_ERR_ORIGIN',
  /** Hub API: a signed-in user who is not an admin asked for what only admins may do (HTTP 403): PUT /targets. */
  HUB_ERR_FORBIDDEN: 'HUB_ERR_FORBIDDEN',
  /**
   * The hub's saved state (the target selection in `--state-dir`) cannot be read, is damaged,
   * or cannot be written: the hub does not start, or PUT /targets keeps the previous selection.
   */
  HUB_ERR_STATE: 'HUB_ERR_STATE',
  /** Hub API: as many /stats and /servicemap walks as `--max-walks` are running (HTTP 503, Retry-After). */
  HUB_ERR_TOO_MANY_WALKS: 'HUB_ERR_TOO_MANY_WALKS',
  /** Hub /ws: a replay (`since`) past the hub's or the client's bound on replays at once. */
  HUB_ERR_REPLAY_LIMIT: 'HUB_ERR_REPLAY_LIMIT',
  /** Hub /ws: more subscriptions on one socket within a second than the hub takes. */
  HUB_ERR_RESUBSCRIBE_RATE: 'HUB_ERR_RESUBSCRIBE_RATE',

  /** Front server (`shoal front`): the hub behind `/api` cannot be reached (HTTP 502). */
  FRONT_ERR_HUB: 'FRONT_ERR_HUB',
  /** Front server: no such file (HTTP 404). */
  FRONT_ERR_NOT_FOUND: 'FRONT_ERR_NOT_FOUND',
  /** Front server: the dashboard's files take GET and HEAD only (HTTP 405). */
  FRONT_ERR_METHOD: 'FRONT_ERR_METHOD',
  /** Front server: a dashboard file could not be read (HTTP 500). */
  FRONT_ERR_FILE: 'FRONT_ERR_FILE',
  /** Front server: the front failed on its side (HTTP 500). */
  FRONT_ERR_INTERNAL: 'FRONT_ERR_INTERNAL',
  /** Front server: `/api/*` or the WebSocket without a valid session (HTTP 401): sign in first. */
  FRONT_ERR_UNAUTHENTICATED: 'FRONT_ERR_UNAUTHENTICATED',
  /** Front server: the sign-in token is wrong (HTTP 401). */
  FRONT_ERR_SIGN_IN: 'FRONT_ERR_SIGN_IN',
  /** Front server: too many failed sign-ins from this address; wait (HTTP 429, Retry-After). */
  FRONT_ERR_SIGN_IN_LIMITED: 'FRONT_ERR_SIGN_IN_LIMITED',
  /** Front server: as many sessions as `--max-sessions` are live (HTTP 503). */
  FRONT_ERR_SESSIONS_FULL: 'FRONT_ERR_SESSIONS_FULL',
  /** Front server: a malformed sign-in request (HTTP 400). */
  FRONT_ERR_BAD_REQUEST: 'FRONT_ERR_BAD_REQUEST',
  /** Front server: a request from a page of another origin (HTTP 403). */
  FRONT_ERR_ORIGIN: 'FRONT_ERR_ORIGIN',
  /** Front server: a `Host` that is not one of the front's names, e.g. DNS rebinding (HTTP 421). */
  FRONT_ERR_HOST: 'FRONT_ERR_HOST',
  /** Front server (`--auth oidc`): the session has expired and could not be refreshed (HTTP 401): sign in again. */
  FRONT_ERR_SESSION_EXPIRED: 'FRONT_ERR_SESSION_EXPIRED',
  /** Front server (`--auth oidc`): the signed-in user matches no role of `--roles-file` (HTTP 403 page): nothing is shown. */
  FRONT_ERR_NO_ROLE: 'FRONT_ERR_NO_ROLE',
  /** Front server (`--auth oidc`): the OpenID provider cannot be discovered or reached (HTTP 503 page); the front retries. */
  FRONT_ERR_PROVIDER: 'FRONT_ERR_PROVIDER',
  /** Front server (`--auth oidc`): the provider's answer has a state this browser did not start, or no sign-in was started (HTTP 400 page). */
  FRONT_ERR_OIDC_STATE: 'FRONT_ERR_OIDC_STATE',
  /** Front server (`--auth oidc`): the ID token was issued for another client (its `aud`), so it is refused (HTTP 401 page). */
  FRONT_ERR_OIDC_AUDIENCE: 'FRONT_ERR_OIDC_AUDIENCE',
  /** Front server (`--auth oidc`): the provider refused the sign-in or answered something invalid (HTTP 401 page, the reason in it). */
  FRONT_ERR_OIDC: 'FRONT_ERR_OIDC',

  /** A command-line usage error: unknown flag, bad value. */
  CLI_ERR_USAGE: 'CLI_ERR_USAGE',
  /** The hub or worker named on the command line cannot be reached. */
  CLI_ERR_CONNECT: 'CLI_ERR_CONNECT',
  /** The hub or worker refused the request; its own error code is the cause's `code`. */
  CLI_ERR_SERVER: 'CLI_ERR_SERVER',
  /** A command cannot write its output files (`shoal manifests -o DIR`). */
  CLI_ERR_OUTPUT: 'CLI_ERR_OUTPUT',
  /** No kubeconfig (none given, $KUBECONFIG unset, no ~/.kube/config), an unreadable one, or an unknown context. */
  CLI_ERR_KUBECONFIG: 'CLI_ERR_KUBECONFIG',
  /** The cluster's API server cannot be reached at the kubeconfig's address. */
  CLI_ERR_CLUSTER_UNREACHABLE: 'CLI_ERR_CLUSTER_UNREACHABLE',
  /** The API server does not accept the kubeconfig's credentials (HTTP 401). */
  CLI_ERR_CLUSTER_AUTH: 'CLI_ERR_CLUSTER_AUTH',
  /** RBAC forbids the caller a verb on a resource (HTTP 403, or a SelfSubjectAccessReview said no). */
  CLI_ERR_FORBIDDEN: 'CLI_ERR_FORBIDDEN',
  /** A namespace or object the command needs does not exist (HTTP 404), e.g. no installation to proxy. */
  CLI_ERR_NOT_FOUND: 'CLI_ERR_NOT_FOUND',
  /** The API server refused or failed a request for another reason (409, 422, 500…); its words follow. */
  CLI_ERR_CLUSTER: 'CLI_ERR_CLUSTER',
  /**
   * Shoal's pods did not become ready (an image that cannot be pulled, no node with room, a crash
   * loop, a timeout), or its dashboard does not answer through the API server.
   */
  CLI_ERR_ROLLOUT: 'CLI_ERR_ROLLOUT',
  /** The local dashboard proxy cannot listen on its address and port (`--proxy-host`, `--proxy-front-port`). */
  CLI_ERR_PROXY: 'CLI_ERR_PROXY',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class ShoalError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'ShoalError';
  }
}

/** True for any Shoal error, even one thrown by another copy of this package. */
export function isShoalError(err: unknown): err is ShoalError {
  if (!(err instanceof Error)) return false;
  const code: unknown = (err as Error & { code?: unknown }).code;
  return typeof code === 'string' && code in ErrorCodes;
}
