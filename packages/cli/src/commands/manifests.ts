import fs from 'node:fs';
import path from 'node:path';
import { buildObjects, newClusterTokens, objectsYaml, objectYaml, SETTING_KEYS, SHOAL_VERSION, defaultSettings, settingValue } from '@shoal/deploy';
import { ShoalError } from '@shoal/model';
import type { Command } from '../command.js';
import { parseCommandLine } from '../command-line.js';
import { EXIT_OK } from '../exit-codes.js';
import { loadSettings, SETTINGS_OPTIONS } from '../load-settings.js';
import { usageError } from '../usage-error.js';

/** Every key and its default, for the help (docs/cli.md says what each takes and means). */
function keyLines(): string {
  const defaults = defaultSettings();
  const width = Math.max(...SETTING_KEYS.map((s) => s.key.length));
  return SETTING_KEYS.map((s) => {
    const shown = s.kind.show(settingValue(defaults, s.key));
    return `  ${s.key.padEnd(width)}  ${shown === '' ? '""' : shown}`;
  }).join('\n');
}

const usage = `Usage: shoal manifests [-o DIR] [--config PATH] [--set key=value]...

Prints the Kubernetes objects of a Shoal installation, the ones shoal tap applies, as YAML:
service accounts and their rights, the settings and tokens, the hub, the front, the workers, the
network policies and metrics Services (docs/kubernetes.md says what each is and why).

The two Secrets get new random tokens on every run (the workers' and the hub's API tokens, and
the dashboard's sign-in token): keep the output private, and apply it once; an installation
keeps its tokens when upgraded.

The settings are the config file's (~/.shoal/config.yaml, which shoal config writes; the
defaults without one), then --set.

Options:
  -o, --output-dir DIR  write one file per object into DIR, named in install order
                        (01-hub-service-account.yaml, …); DIR must be new or empty.
                        Default: one multi-document YAML stream on stdout
  --config PATH         the config file (default: $SHOAL_CONFIG if set, else
                        ~/.shoal/config.yaml); named here, it must exist
  --set KEY=VALUE       change a setting (repeatable; a later one wins): lists are a,b,c,
                        JSON values as Helm's --set-json; docs/cli.md says what each takes

Settings and their defaults (Kubeshark's Helm value names):
${keyLines()}

Exit codes: 0 written; 1 DIR cannot be written; 2 bad command line, setting or config file.
`;

function writeFiles(dir: string, files: { file: string; text: string }[]): void {
  let present: string[];
  try {
    present = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  } catch (err) {
    throw new ShoalError('CLI_ERR_OUTPUT', `cannot read --output-dir '${dir}': ${(err as Error).message}`, { cause: err });
  }
  // A file left from another set of settings (an Ingress since turned off) would be applied too.
  if (present.length > 0) throw usageError(`--output-dir '${dir}' is not empty: give a new or empty directory`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    for (const f of files) fs.writeFileSync(path.join(dir, f.file), f.text, { mode: 0o600 });
  } catch (err) {
    throw new ShoalError('CLI_ERR_OUTPUT', `cannot write into --output-dir '${dir}': ${(err as Error).message}`, { cause: err });
  }
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args: argv,
    allowPositionals: true,
    options: {
      ...SETTINGS_OPTIONS,
      'output-dir': { type: 'string', short: 'o' },
    },
  });
  if (positionals.length > 0) throw usageError(`takes no arguments, got '${positionals[0]}' (settings go in --set key=value)`);
  const dir = values['output-dir'];
  if (dir === '') throw usageError('--output-dir needs a directory');
  const settings = loadSettings(values);
  const objects = buildObjects({ settings, tokens: newClusterTokens(), version: SHOAL_VERSION });
  if (dir === undefined) {
    process.stdout.write(objectsYaml(objects));
    return EXIT_OK;
  }
  writeFiles(dir, objects.map((o) => ({ file: o.file, text: objectYaml(o) })));
  process.stderr.write(`shoal manifests: ${objects.length} objects written to ${dir} (the Secrets hold new tokens: keep them private)\n`);
  return EXIT_OK;
}

export const manifestsCommand: Command = { usage, run };
