import fs from 'node:fs';
import path from 'node:path';
import { defaultSettings, settingsFrom, settingsYaml } from '@shoal/deploy';
import { ShoalError } from '@shoal/model';
import type { Command } from '../command.js';
import { parseCommandLine } from '../command-line.js';
import { EXIT_OK } from '../exit-codes.js';
import { configFile, configText, settingsOfFile, SETTINGS_OPTIONS } from '../load-settings.js';
import { usageError } from '../usage-error.js';

const usage = `Usage: shoal config [-r] [--config PATH] [--set key=value]...

Shoal's settings file, ~/.shoal/config.yaml: every key of --set with its default and what it
is for, nested as the Helm chart's values.yaml (it serves as helm install -f). shoal manifests
and shoal tap read it, then apply their --set. Without the file they use the defaults.

Prints the settings in effect: the file's, then --set. When there is no file yet, writes one
first: the defaults, then --set. The file is read as Helm reads values (YAML 1.1); it may hold
some keys only. Bad YAML, an unknown key or a value its key does not take is refused, naming the
file, the line and the key.

Options:
  -r, --regenerate   rewrite the file: the defaults, then --set (comments and edits are lost)
  --config PATH      this file instead (default: $SHOAL_CONFIG if set, else ~/.shoal/config.yaml)
  --set KEY=VALUE    change a setting (repeatable; a later one wins): only what is printed,
                     unless the file is written; docs/cli.md says what each key takes

Exit codes: 0 printed (and written); 1 the file cannot be written; 2 bad command line, a bad
setting, or a bad file.
`;

function write(file: string, text: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, text);
  } catch (err) {
    throw new ShoalError('CLI_ERR_OUTPUT', `cannot write the config file ${file}: ${(err as Error).message}`, { cause: err });
  }
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args: argv,
    allowPositionals: true,
    options: { ...SETTINGS_OPTIONS, regenerate: { type: 'boolean', short: 'r' } },
  });
  if (positionals.length > 0) throw usageError(`takes no arguments, got '${positionals[0]}' (settings go in --set key=value)`);
  const file = configFile(values);
  const text = values.regenerate === true ? undefined : configText({ ...file, named: false });
  const base = text === undefined ? defaultSettings() : settingsOfFile(file, text);
  const out = settingsYaml(settingsFrom(values.set ?? [], base));
  if (text === undefined) {
    write(file.path, out);
    process.stderr.write(`shoal config: ${values.regenerate === true ? 'rewrote' : 'wrote'} ${file.path}\n`);
  }
  process.stdout.write(out);
  return EXIT_OK;
}

export const configCommand: Command = { usage, run };
