import { isShoalError, type Entry } from '@shoal/model';
import type { Command } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';
import { parseSince } from '../observe/duration.js';
import { history, serverCode, stream, type Endpoint, type FeedMessage } from '../observe/hub-client.js';
import { BufferedWriter } from '../output/buffered-writer.js';
import type { EntryFormatter } from '../output/entry-formatter.js';
import { formatterFor } from '../output/formatter-choice.js';
import { usageError } from '../usage-error.js';
import { tokenOption } from '../token-option.js';
import { DEFAULT_HUB, hubOption } from '../hub-option.js';
import { parseCommandLine } from '../command-line.js';

const DEFAULT_LAST = 20;
/** Reconnection after the stream dropped (a hub restart): doubling from 0.5 s up to 10 s. */
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 10_000;
/**
 * How far before the newest printed entry a resumed stream starts: an entry is emitted when its
 * response ends, up to the response timeout (30 s by default) after its first byte.
 */
const REPLAY_MARGIN_MS = 60_000;
/** Ids remembered to skip what a resumed stream sends again. */
const SEEN_IDS = 100_000;
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
  const printer = new Printer(formatter, out);
  formatter.begin(out);
  try {
    if (last !== null) {
      const found = await history(to, query, last).catch(asUsage);
      for (const e of found) if (since === null || e.timestamp >= since) printer.print(e);
      await out.flush();
    }
    // --since without --last: the stream's replay prints the stored ones, then (with --follow) live ones.
    if (values.follow || last === null) await follow(to, query, last === null ? since : printer.resumeFrom, printer, values.follow);
  } finally {
    formatter.end(out);
    await out.flush();
  }
  return EXIT_OK;
}

/**
 * Prints each entry once. A stream opened again replays from a little before the newest entry
 * printed: entries are emitted when their response ends, so one that started earlier may still
 * come after a later one; the ids already printed are skipped.
 */
class Printer {
  newest: number | null = null;
  private readonly seen = new Set<string>();

  constructor(
    private readonly formatter: EntryFormatter,
    private readonly out: BufferedWriter,
  ) {}

  /** Where a replay must start so that nothing emitted since the newest printed is missed. */
  get resumeFrom(): number | null {
    return this.newest === null ? null : this.newest - REPLAY_MARGIN_MS;
  }

  print(e: Entry): void {
    if (this.seen.has(e.id)) return;
    this.seen.add(e.id);
    // A Set iterates in insertion order: the first key is the oldest remembered.
    if (this.seen.size > SEEN_IDS) this.seen.delete(this.seen.values().next().value as string);
    if (this.newest === null || e.timestamp > this.newest) this.newest = e.timestamp;
    this.formatter.entry(e, this.out);
  }

  flush(): Promise<void> {
    return this.out.flush();
  }
}

/**
 * Streams from `since` (null: live only). Without `live`, stops once the replay is done. With
 * it, runs until Ctrl-C; a dropped stream is opened again, from the last entry printed.
 */
async function follow(to: Endpoint, query: string, since: number | null, printer: Printer, live: boolean): Promise<void> {
  let retryMs = RETRY_FIRST_MS;
  let stopping = false;
  let current: ReturnType<typeof stream> | null = null;
  const stop = (): void => {
    stopping = true;
    current?.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const flusher = setInterval(() => void printer.flush(), LIVE_FLUSH_MS);
  try {
    // Once a stream has opened, the hub exists: refused connections later mean it is restarting.
    let reached = false;
    // Again from a little before the newest printed, but never from before the `since` asked
    // for: the margin would bring back stored entries older than that.
    const resumeAt = (): number | null => {
      const resume = printer.resumeFrom;
      return resume === null ? since : since === null ? resume : Math.max(resume, since);
    };
    for (let from = since; !stopping; from = resumeAt()) {
      const on = (m: FeedMessage): void => {
        if (m.kind === 'open') reached = true;
        else if (m.kind === 'entry') printer.print(m.entry);
        else if (m.kind === 'lost') process.stderr.write(`shoal observe: ${m.count} entries skipped: the terminal read too slowly\n`);
        else if (m.kind === 'ready') {
          retryMs = RETRY_FIRST_MS;
          if (!live) stop();
        }
      };
      current = stream(to, query, from, on);
      try {
        await current.done;
      } catch (err) {
        // A refusal (bad filter, wrong token) will not get better by retrying; an unreachable hub
        // is retried only once a stream from it has opened (it is restarting), even if that
        // stream dropped before its `ready` (during a long replay).
        if (!reached || !isShoalError(err) || err.code !== 'CLI_ERR_CONNECT') asUsage(err);
      }
      if (stopping) break;
      process.stderr.write(`shoal observe: the stream from ${to.base} dropped; reconnecting in ${retryMs / 1000}s\n`);
      await new Promise((resolve) => setTimeout(resolve, retryMs));
      retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
    }
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
