import type { JsonSchema } from './json-schema.js';
import { SETTING_KEYS } from './setting-keys.js';

function group(): JsonSchema {
  return { type: 'object', properties: {}, required: [], additionalProperties: false };
}

/**
 * The settings as one JSON Schema: the chart's values.schema.json (a test keeps the file equal to
 * this). Every object lists its keys, requires them all (a `--set key=null` would delete one) and
 * admits no other; each value is its kind's schema, described by its help.
 */
export function settingsSchema(): JsonSchema {
  const root = group();
  for (const spec of SETTING_KEYS) {
    const parts = spec.key.split('.');
    const last = parts.pop()!;
    let at = root;
    for (const part of parts) {
      if (at.properties![part] === undefined) {
        at.properties![part] = group();
        at.required!.push(part);
      }
      at = at.properties![part]!;
    }
    at.properties![last] = { description: spec.help, ...spec.kind.schema };
    at.required!.push(last);
  }
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'Shoal settings (the Helm chart\'s values, shoal\'s config file)', ...root };
}
