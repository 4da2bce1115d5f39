/**
 * The dashboard's sign-in, as the front server (`shoal front`) serves it and the page calls it
 * (docs/front.md#sign-in). The routes sit outside `/api/`, which belongs to the hub.
 */

/** `GET`: who the page is signed in as (FrontSessionState). */
export const FRONT_SESSION_PATH = '/auth/session';
/** `POST` `{"token": "…"}` (SignInRequest): a session cookie and 204, or a coded error. */
export const FRONT_SIGN_IN_PATH = '/auth/sign-in';
/** `POST`: ends the session and clears its cookie (204). */
export const FRONT_SIGN_OUT_PATH = '/auth/sign-out';
/**
 * The query parameter of the sign-in link that `shoal local`, `view` and `lab up` print: a page
 * loaded with it is signed in and redirected to the same URL without it.
 */
export const SIGN_IN_TOKEN_PARAM = 'token';
/** Set (to an error code) on that redirect when the link's token was refused, for the form to say why. */
export const SIGN_IN_FAILED_PARAM = 'sign-in-failed';

/**
 * With `--auth oidc`: `GET` starts a sign-in at the OpenID provider (a redirect there), or
 * answers an HTML page saying why it cannot (the provider is unreachable).
 */
export const FRONT_OIDC_SIGN_IN_PATH = '/auth/oidc/sign-in';
/** With `--auth oidc`: where the provider sends the browser back (the client's redirect_uri). */
export const FRONT_OIDC_CALLBACK_PATH = '/auth/oidc/callback';
/** With `--auth oidc`: the HTML page a page goes to when its session has expired. */
export const FRONT_SESSION_EXPIRED_PATH = '/auth/expired';
/** With `--auth oidc`: the HTML page after signing out (the provider's post_logout_redirect_uri). */
export const FRONT_SIGNED_OUT_PATH = '/auth/signed-out';

/** How the front signs its users in: a token, an OpenID provider, or not at all (`--auth none`). */
export type SignInMethod = 'token' | 'oidc' | 'none';

export interface SignInRequest {
  token: string;
}

/** The answer of `GET /auth/session`. */
export interface FrontSessionState {
  method: SignInMethod;
  /** True with a valid session, and always with method `none`. */
  signedIn: boolean;
  /** Epoch ms when the session ends; absent when not signed in or with method `none`. */
  expires?: number;
  /** With method `oidc` and a session: who is signed in (the provider's subject and a name to show). */
  user?: { subject: string; name?: string };
  /** With method `oidc`: the page's session cookie names a session that has expired (sign in again). */
  expired?: boolean;
  /**
   * Signed in, with `shoal view`: the time span of the file's entries (epoch ms of the oldest and
   * a second past the newest). The map and the statistics open on it when the URL names no time
   * range, instead of the last 15 minutes, where a file's traffic rarely lies.
   */
  span?: { from: number; to: number };
}

/**
 * The answer of `POST /auth/sign-out` with method `oidc` (200): where the page goes next, the
 * provider's end-session endpoint (RP-initiated logout) or FRONT_SIGNED_OUT_PATH. The other
 * methods answer 204.
 */
export interface SignOutAnswer {
  location: string;
}
