import { ResumeState, type Entry } from '@shoal/model';
import type { Command } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';
import { parseSince } from '../observe/duration.js';
import { history, serverCode, stream, type Endpoint } from '../observe/hub-client.js';
import { StreamFollower } from '../observe/stream-follower.js';
import { BufferedWriter } from '../output/buffered-writer.js';
import type { EntryFormatter } from '../output/entry-formatter.js';
import { formatterFor } from '../output/formatter-choice.js';
import { usageError } from '../usage-error.js';
import { tokenOption } from '../token-option.js';
import { DEFAULT_HUB, hubOption } from '../hub-option.js';
import { parseCommandLine } from '../command-line.js';

const DEFAULT_LAST = 20;
/** While streaming, what was printed reaches the terminal at least this often. */
const LIVE_FLUSH_MS = 100;

const usage = `Usage: shoal observe [options]

Prints entries from a hub (or from one worker: both speak the same API), as shoal dissect
prints them, with pod and service names. Without --follow it prints the newest stored entries
and exits; with --follow it goes on with live ones until Ctrl-C, reconnecting if the stream drops.

Options:
  --hub URL                hub or worker address (default $SHOAL_HUB, else ${DEFAULT_HUB})
  --token-file FILE        bearer token for the hub or worker (default $SHOAL_TOKEN, else none)
  -q, --query FILTER       CEL filter (docs/filter.md), e.g. 'http && status_code >= 500'
  --since DURATION         entries from this long ago on (90s, 5m, 1h30m, 2d), epoch ms or ISO time
  --last N                 the newest N stored entries (default ${DEFAULT_LAST} unless --since is given)
  -o, --output FORMAT      table | ndjson | json (default: table on a terminal, else ndjson)
  -f, --follow             then stream live entries until Ctrl-C

Exit codes: 0 done or stopped by Ctrl-C; 1 the hub cannot be reached or refused the request;
2 bad command line or filter.
`;

/** A filter the server refused is the user's mistake: exit 2, like any bad argument. */
function asUsage(err: unknown): never {
  if (serverCode(err)?.startsWith('FLT_ERR') === true) throw usageError(`bad filter: ${(err as Error).message}`);
  throw err;
}

async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandLine({
    args: argv,
    options: {
      hub: { type: 'string' },
      'token-file': { type: 'string' },
      query: { type: 'string', short: 'q' },
      since: { type: 'string' },
      last: { type: 'string' },
      output: { type: 'string', short: 'o' },
      follow: { type: 'boolean', short: 'f', default: false },
    },
  });
  const { values } = parsed;
  const base = hubOption(values.hub);
  const to: Endpoint = { base, token: tokenOption(values['token-file']) };
  const query = values.query ?? '';
  const since = values.since === undefined ? null : parseSince(values.since, Date.now());
  if (values.last !== undefined && !/^[1-9][0-9]*$/.test(values.last)) throw usageError(`--last needs a whole number ≥ 1, got '${values.last}'`);
  const last = values.last !== undefined ? Number(values.last) : since === null ? DEFAULT_LAST : null;

  const formatter = formatterFor(values.output ?? (process.stdout.isTTY ? 'table' : 'ndjson'), '--output', process.stdout.isTTY === true);
  const out = new BufferedWriter(process.stdout);
  const printer = new Printer(formatter, out, since);
  formatter.begin(out);
  try {
    if (last !== null) {
      const found = await history(to, query, last).catch(asUsage);
      for (const e of found) if (since === null || e.timestamp >= since) printer.print(e);
      await out.flush();
    }
    // --since without --last: the stream's replay prints the stored ones, then (with --follow) live ones.
    if (values.follow || last === null) await follow(to, query, last === null && since !== null ? since : printer.resumeSince(Date.now()), printer, values.follow);
  } finally {
    formatter.end(out);
    await out.flush();
  }
  return EXIT_OK;
}

/**
 * Prints each entry once, and says where a stream opened again starts: by the feeds' one rule
 * (model's wire/feed.ts, the hub's and the dashboard's too), from the response timeout before
 * the newest entry printed, since an entry is emitted when its response ends and one that
 * started earlier may still come after a later one; the ids already printed are skipped.
 */
class Printer {
  private readonly resume: ResumeState;

  constructor(
    private readonly formatter: EntryFormatter,
    private readonly out: BufferedWriter,
    since: number | null,
  ) {
    this.resume = new ResumeState(since ?? undefined);
  }

  /** The `since` of a stream opened after the last one was lost (or ended) at `lostAt`. */
  resumeSince(lostAt: number): number {
    return this.resume.resumeSince(lostAt);
  }

  print(e: Entry): void {
    if (this.resume.deliver(e.id, e.timestamp)) this.formatter.entry(e, this.out);
  }

  flush(): Promise<void> {
    return this.out.flush();
  }
}

/** Streams from `since` until Ctrl-C (or, without `live`, the end of the replay): stream-follower.ts. */
async function follow(to: Endpoint, query: string, since: number, printer: Printer, live: boolean): Promise<void> {
  const follower = new StreamFollower(printer, {
    open: (from, on) => stream(to, query, from, on),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: Date.now,
    warn: (line) => process.stderr.write(`shoal observe: ${line}\n`),
  }, live, to.base);
  const stop = (): void => follower.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const flusher = setInterval(() => void printer.flush(), LIVE_FLUSH_MS);
  try {
    await follower.run(since).catch(asUsage);
  } finally {
    clearInterval(flusher);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

export const observeCommand: Command = {
  usage,
  run,
};
