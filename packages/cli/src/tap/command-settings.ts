import { applySet, type Settings } from '@shoal/deploy';
import { fileSettings, SETTINGS_OPTIONS, type SettingsArgs } from '../load-settings.js';
import { ShoalError } from '@shoal/model';
import { usageError } from '../usage-error.js';

/** A flag that sets a setting: `-r REGISTRY` sets `tap.docker.registry`. */
export interface FlagSetting {
  flag: string;
  key: string;
  value: string;
}

export interface CommandSettings {
  settings: Settings;
  /** The keys this command line set, by `--set` or a flag. */
  given: Set<string>;
}

/**
 * The settings of a `shoal tap`, `proxy` or `clean` run, assembled in this one function: the
 * config file's (`shoal config`; the defaults without one), then each `--set key=value` in
 * order, then the flags, which win over `--set`. A flag's bad value is named by the flag
 * (`--proxy-front-port abc: …`). `given` is what the command line set, not the file.
 */
export function commandSettings(args: SettingsArgs, flags: readonly FlagSetting[]): CommandSettings {
  const settings = fileSettings(args);
  const given = new Set<string>();
  for (const assignment of args.set ?? []) {
    applySet(settings, assignment);
    given.add(assignment.slice(0, assignment.indexOf('=')));
  }
  for (const f of flags) {
    try {
      applySet(settings, `${f.key}=${f.value}`);
    } catch (err) {
      const prefix = `--set ${f.key}: `;
      const message = (err as ShoalError).message;
      throw usageError(`${f.flag} ${f.value === '' ? "''" : f.value}: ${message.startsWith(prefix) ? message.slice(prefix.length) : message}`);
    }
    given.add(f.key);
  }
  return { settings, given };
}

/**
 * The parseArgs options of every command that reaches an installation (tap, proxy, clean,
 * pcapdump, logs, version): `-s NS`, `--config`, `--set`.
 */
export const RELEASE_OPTIONS = {
  'release-namespace': { type: 'string', short: 's' },
  ...SETTINGS_OPTIONS,
} as const;

/** `-s NS`, as `tap`, `proxy` and `clean` take it. */
export function releaseFlagSettings(values: { 'release-namespace'?: string | undefined }): FlagSetting[] {
  return flagSetting('--release-namespace', 'tap.release.namespace', values['release-namespace']);
}

/**
 * `--proxy-front-port` and `--proxy-host`, as `tap` and `proxy` take them. A port of 0 (a free
 * one, for tests) is no setting: dashboard-session.ts's `listenOf` reads it.
 */
export function proxyFlagSettings(values: { 'proxy-front-port'?: string | undefined; 'proxy-host'?: string | undefined }): FlagSetting[] {
  const port = values['proxy-front-port'];
  return [...flagSetting('--proxy-front-port', 'tap.proxy.front.port', port === '0' ? undefined : port), ...flagSetting('--proxy-host', 'tap.proxy.host', values['proxy-host'])];
}

/** A flag's setting when the flag was given. */
export function flagSetting(flag: string, key: string, value: string | string[] | boolean | undefined): FlagSetting[] {
  if (value === undefined || value === false) return [];
  return [{ flag, key, value: value === true ? 'true' : Array.isArray(value) ? value.join(',') : value }];
}
