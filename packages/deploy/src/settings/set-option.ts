import { ShoalError } from '@shoal/model';
import { SETTING_KEYS, type SettingSpec } from './setting-keys.js';
import { defaultSettings, type Settings } from './settings.js';

/**
 * `--set key=value` (Helm's and Kubeshark's form): the key is a dotted path of Settings, the value
 * is read by the key's kind. Mistakes are usage errors (CLI_ERR_USAGE, exit 2) that name the key;
 * an unknown key lists the known ones.
 */
function settingError(message: string): ShoalError {
  return new ShoalError('CLI_ERR_USAGE', message);
}

function specOf(key: string): SettingSpec {
  const found = SETTING_KEYS.find((s) => s.key === key);
  if (found === undefined) throw settingError(`--set: unknown key '${key}'; the keys are ${SETTING_KEYS.map((s) => s.key).join(', ')}`);
  return found;
}

/** The object that holds `key`'s last part, and that part. */
function holder(settings: Settings, key: string): [Record<string, unknown>, string] {
  const parts = key.split('.');
  const last = parts.pop()!;
  let at: Record<string, unknown> = settings as unknown as Record<string, unknown>;
  for (const part of parts) at = at[part] as Record<string, unknown>;
  return [at, last];
}

/** The current value of a known key. */
export function settingValue(settings: Settings, key: string): unknown {
  specOf(key);
  const [at, last] = holder(settings, key);
  return at[last];
}

/** Sets a known key to a value its kind has read. */
export function setValue(settings: Settings, key: string, value: unknown): void {
  specOf(key);
  const [at, last] = holder(settings, key);
  at[last] = value;
}

/** Applies one `key=value` to `settings`; throws CLI_ERR_USAGE naming the key when it is wrong. */
export function applySet(settings: Settings, assignment: string): void {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw settingError(`--set takes key=value, e.g. --set tap.regex=front.*, got '${assignment}'`);
  const key = assignment.slice(0, eq);
  const spec = specOf(key);
  let value: unknown;
  try {
    value = spec.kind.parse(assignment.slice(eq + 1));
  } catch (err) {
    throw settingError(`--set ${key}: ${(err as Error).message}`);
  }
  setValue(settings, key, value);
}

/** `base` (the defaults unless given) with every assignment applied in order (a later one wins, as in Helm). */
export function settingsFrom(assignments: readonly string[], base: Settings = defaultSettings()): Settings {
  const settings = structuredClone(base);
  for (const a of assignments) applySet(settings, a);
  return settings;
}
