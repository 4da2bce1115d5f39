import { ShoalError } from '@shoal/model';
import type { Settings } from './settings.js';

/**
 * What no single key can say: settings that only make sense together. Throws CLI_ERR_USAGE naming
 * the keys. (Each key's own value was checked when it was set.)
 */
export function checkSettings(settings: Settings): void {
  const { tap } = settings;
  if (tap.ingress.enabled && tap.ingress.host === '') {
    throw new ShoalError('CLI_ERR_USAGE', 'tap.ingress.enabled needs tap.ingress.host: the name users open the dashboard by (the front answers to it alone)');
  }
}
