import fs from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { defaultSettings, readSettingsYaml, settingsFrom, type Settings } from '@shoal/deploy';
import { isShoalError } from '@shoal/model';
import { usageError } from './usage-error.js';

/**
 * The settings of an installation, for every command that makes or reaches one (`shoal
 * manifests`, `shoal tap` and its companions): the config file's, then `--set`. The file is
 * `~/.shoal/config.yaml` (Kubeshark keeps `~/.kubeshark/config.yaml`), `$SHOAL_CONFIG` instead
 * when set, `--config PATH` before both; `shoal config` writes it. docs/cli.md, "Configuration file".
 */

/** parseArgs options of the commands that take settings: spread them into the command's own. */
export const SETTINGS_OPTIONS = {
  config: { type: 'string' },
  set: { type: 'string', multiple: true },
} as const;

/** What those options give. */
export interface SettingsArgs {
  config?: string | undefined;
  set?: string[] | undefined;
}

export interface ConfigFile {
  path: string;
  /** Named by --config: it must exist. The default place (or $SHOAL_CONFIG) may be empty. */
  named: boolean;
}

/** Where the config file is: --config, else $SHOAL_CONFIG, else ~/.shoal/config.yaml. */
export function configFile(args: SettingsArgs, env: NodeJS.ProcessEnv = process.env): ConfigFile {
  if (args.config !== undefined) {
    if (args.config === '') throw usageError('--config needs a file');
    return { path: args.config, named: true };
  }
  const fromEnv = env['SHOAL_CONFIG'];
  return { path: fromEnv !== undefined && fromEnv !== '' ? fromEnv : join(homedir(), '.shoal', 'config.yaml'), named: false };
}

/** The file's text, or undefined when there is none (an error if it was named by --config). */
export function configText(file: ConfigFile): string | undefined {
  try {
    return fs.readFileSync(file.path, 'utf8');
  } catch (err) {
    // ENOTDIR: a file stands where a folder of the path would be; no config file either.
    const missing = ['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '');
    if (missing && !file.named) return undefined;
    if (missing) throw usageError(`--config ${file.path}: no such file (shoal config --config ${file.path} writes one)`);
    throw usageError(`cannot read the config file ${file.path}: ${(err as Error).message}`);
  }
}

/** The settings a config file's text holds; a mistake in it says how to start again. */
export function settingsOfFile(file: ConfigFile, text: string): Settings {
  try {
    return readSettingsYaml(text, file.path);
  } catch (err) {
    if (isShoalError(err)) throw usageError(`${err.message} (fix the file, or rewrite it with the defaults: shoal config -r${file.named ? ` --config ${file.path}` : ''})`);
    throw err;
  }
}

/** The config file's settings: the defaults without one. */
export function fileSettings(args: SettingsArgs, env: NodeJS.ProcessEnv = process.env): Settings {
  const file = configFile(args, env);
  const text = configText(file);
  return text === undefined ? defaultSettings() : settingsOfFile(file, text);
}

/** The settings in effect: the config file's (the defaults without one), then each --set in turn. */
export function loadSettings(args: SettingsArgs, env: NodeJS.ProcessEnv = process.env): Settings {
  return settingsFrom(args.set ?? [], fileSettings(args, env));
}
