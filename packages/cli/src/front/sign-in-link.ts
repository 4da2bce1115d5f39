import { SIGN_IN_TOKEN_PARAM } from '@shoal/model';

/** The link that signs a browser in with `token` and then shows the dashboard at `base`. */
export function signInLink(base: string, token: string): string {
  return `${base}/?${SIGN_IN_TOKEN_PARAM}=${encodeURIComponent(token)}`;
}
