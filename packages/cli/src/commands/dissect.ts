import { CaptureFileReader } from '@shoal/capture';
import type { Entry } from '@shoal/model';
import { DEFAULT_ENGINE_OPTIONS, DissectEngine, defaultRegistry } from '@shoal/dissect';
import type { Command } from '../command.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import { BufferedWriter } from '../output/buffered-writer.js';
import { formatterFor } from '../output/formatter-choice.js';
import { statsText } from '../output/stats-text.js';
import { ProgressLine } from '../output/progress-line.js';
import { usageError } from '../usage-error.js';
import { parseCommandLine } from '../command-line.js';

/** Most threads `--threads` may ask for: past the cores there is nothing to gain. */
const MAX_THREADS = 16;

const usage = `Usage: shoal dissect FILE [options]

Turns a capture file (pcap or pcapng) into request/response entries.

Options:
  --format ndjson|json|table   output format (default: table on a terminal, else ndjson)
  --protocol NAME              only entries of this protocol (${[...defaultRegistry().entryNames, 'tcp', 'udp'].join(', ')})
  --limit N                    stop after N entries
  --stats                      print the counters (packets, flows, gaps, shed bytes by reason,
                               malformed) to stderr at the end
  --body-cap BYTES             keep bodies up to this size, mark the rest truncated (default ${DEFAULT_ENGINE_OPTIONS.bodyCapBytes})
  --response-timeout MS        emit a request without response after this long (capture clock,
                               default ${DEFAULT_ENGINE_OPTIONS.responseTimeoutMs})
  --progress                   show progress on stderr (default: on when stderr is a terminal)
  --threads N                  dissect with N threads, each reading the file and following its
                               share of the flows (table and ndjson; the output is the same
                               whatever N; default 1: each thread decodes every packet, so it
                               pays only with cores to spare)

Exit codes: 0 done; 1 the file is missing, not a capture or damaged (entries read before the
damage are still printed); 2 bad command line.
`;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 0) throw usageError(`--${name} needs a whole number ≥ 0, got '${value}'`);
  return n;
}

async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandLine({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      protocol: { type: 'string' },
      limit: { type: 'string' },
      stats: { type: 'boolean', default: false },
      'body-cap': { type: 'string' },
      'response-timeout': { type: 'string' },
      progress: { type: 'boolean' },
      threads: { type: 'string' },
    },
  });
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw usageError('needs exactly one capture FILE');
  const file = positionals[0]!;
  const format = values.format ?? (process.stdout.isTTY ? 'table' : 'ndjson');
  const formatter = formatterFor(format, '--format');
  const registry = defaultRegistry();
  const protocol = values.protocol;
  if (protocol !== undefined && !['tcp', 'udp', ...registry.entryNames].includes(protocol)) {
    throw usageError(`unknown --protocol '${protocol}'; known: ${[...registry.entryNames, 'tcp', 'udp'].join(', ')}`);
  }
  const limit = positiveInt('limit', values.limit, Infinity);
  const threadsAsked = values.threads === undefined ? undefined : positiveInt('threads', values.threads, 1);
  if (threadsAsked !== undefined && (threadsAsked < 1 || threadsAsked > MAX_THREADS)) throw usageError(`--threads must be between 1 and ${MAX_THREADS}, got '${values.threads}'`);
  if (threadsAsked !== undefined && threadsAsked > 1 && format !== 'table' && format !== 'ndjson') throw usageError('--threads above 1 needs --format table or ndjson');
  const options = {
    ...DEFAULT_ENGINE_OPTIONS,
    registry,
    detail: formatter.detail,
    bodyCapBytes: positiveInt('body-cap', values['body-cap'], DEFAULT_ENGINE_OPTIONS.bodyCapBytes),
    responseTimeoutMs: positiveInt('response-timeout', values['response-timeout'], DEFAULT_ENGINE_OPTIONS.responseTimeoutMs),
  };

  const reader = CaptureFileReader.open(file);
  const threads = threadsAsked ?? 1;
  const out = new BufferedWriter(process.stdout);
  if (threads > 1) {
    reader.close();
    const progress = new ProgressLine(values.progress ?? process.stderr.isTTY === true, reader.fileSize);
    formatter.begin(out);
    const run = { file, threads, format: format as 'table' | 'ndjson', protocol, limit, bodyCapBytes: options.bodyCapBytes, responseTimeoutMs: options.responseTimeoutMs, worker: options.worker };
    // Loaded only here: threads (worker_threads and its module) cost a single-threaded run's start-up.
    const { dissectSharded } = await import('../dissect/sharded-dissect.js');
    const { stats, warnings } = await dissectSharded(run, out, progress).finally(() => progress.done());
    formatter.end(out);
    await out.flush();
    if (values.stats) process.stderr.write(statsText(stats));
    for (const w of warnings) process.stderr.write(`shoal dissect: ${w.message} (${w.code})\n`);
    return warnings.length > 0 ? EXIT_FAILURE : EXIT_OK;
  }
  let printed = 0;
  const engine = new DissectEngine(options, (entry: Entry) => {
    if (printed >= limit || (protocol !== undefined && entry.protocol.name !== protocol)) return;
    printed++;
    formatter.entry(entry, out);
  });
  const progress = new ProgressLine(values.progress ?? process.stderr.isTTY === true, reader.fileSize);
  formatter.begin(out);
  try {
    while (printed < limit && !out.closed && reader.readChunk(engine)) {
      progress.update(reader.bytesConsumed);
      if (out.wantsFlush) await out.flush();
    }
    if (printed < limit && !out.closed) engine.finish();
  } finally {
    reader.close();
    progress.done();
  }
  formatter.end(out);
  await out.flush();
  if (values.stats) process.stderr.write(statsText(engine.stats));
  for (const w of reader.warnings) process.stderr.write(`shoal dissect: ${w.message} (${w.code})\n`);
  return reader.warnings.length > 0 ? EXIT_FAILURE : EXIT_OK;
}

export const dissectCommand: Command = {
  usage,
  run,
};
