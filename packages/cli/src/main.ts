import { isShoalError } from '@shoal/model';
import { dissectCommand } from './commands/dissect.js';
import { workerCommand } from './commands/worker.js';
import { EXIT_USAGE, EXIT_FAILURE } from './exit-codes.js';

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Command[] = [dissectCommand, workerCommand];

const VERSION = '0.1.0';

function help(): string {
  const lines = [
    'shoal — API traffic from packets: capture, dissect, view.',
    '',
    'Usage: shoal <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     show help (also: shoal <command> --help)',
    '  -V, --version  print the version',
  ];
  return lines.join('\n') + '\n';
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(help());
    return 0;
  }
  if (name === '-V' || name === '--version' || name === 'version') {
    process.stdout.write(`shoal ${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    process.stderr.write(`shoal: unknown command '${name}' (CLI_ERR_USAGE); see 'shoal --help'\n`);
    return EXIT_USAGE;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    process.stdout.write(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (isShoalError(err)) {
      const hint = err.code === 'CLI_ERR_USAGE' ? `; see 'shoal ${command.name} --help'` : '';
      process.stderr.write(`shoal ${command.name}: ${err.message} (${err.code})${hint}\n`);
      return err.code === 'CLI_ERR_USAGE' ? EXIT_USAGE : EXIT_FAILURE;
    }
    throw err;
  }
}
