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

/** How the front signs its users in: a token, or not at all (`--sign-in none`). OIDC comes later. */
export type SignInMethod = 'token' | 'none';

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
}
