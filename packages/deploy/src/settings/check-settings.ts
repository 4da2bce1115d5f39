import { ShoalError } from '@shoal/model';
import type { Settings } from './settings.js';

/**
 * What no single key can say: settings that only make sense together. Throws CLI_ERR_USAGE naming
 * the keys. (Each key's own value was checked when it was set.) The chart's `shoal.checks`
 * template says the same with the same words.
 */
export function checkSettings(settings: Settings): void {
  const { tap } = settings;
  if (tap.ingress.enabled && tap.ingress.host === '') {
    throw new ShoalError('CLI_ERR_USAGE', 'tap.ingress.enabled needs tap.ingress.host: the name users open the dashboard by (the front answers to it alone)');
  }
  if (tap.auth.enabled && tap.auth.type === 'oidc') checkOidc(settings);
}

function checkOidc({ tap }: Settings): void {
  const fail = (message: string): never => {
    throw new ShoalError('CLI_ERR_USAGE', message);
  };
  const { oidc } = tap.auth;
  if (oidc.issuer === '') fail('tap.auth.type=oidc needs tap.auth.oidc.issuer: the OpenID provider\'s issuer URL');
  if (oidc.clientId === '') fail('tap.auth.type=oidc needs tap.auth.oidc.clientId: the client ID the provider gave the dashboard');
  if (oidc.clientSecret !== '' && oidc.clientSecretRef.name !== '') fail('tap.auth.oidc.clientSecret and tap.auth.oidc.clientSecretRef.name are both set: give the client secret one way');
  // The provider sends the browser back to the public URL (OpenID Connect Core 1.0 §3.1.2.1, redirect_uri).
  if (tap.publicUrl === '' && !tap.ingress.enabled) fail('tap.auth.type=oidc needs the dashboard\'s public URL, where the provider sends users back after sign-in: set tap.publicUrl, or tap.ingress.enabled and tap.ingress.host');
  if (tap.auth.roles.length === 0) fail('tap.auth.type=oidc needs tap.auth.roles: with no role every user is refused');
}
