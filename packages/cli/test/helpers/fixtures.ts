/**
 * The HTTP/1 fixture captures of @shoal/dissect and their reviewed goldens
 * (packages/dissect/test/fixtures/http1/X.pcap with X.expected.json: warnings, stats, entries).
 */

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './run-shoal.js';

/** Relative to the repository root (the CLI's cwd), so file names in messages stay short. */
export const FIXTURES = 'packages/dissect/test/fixtures/http1';

/** Path of fixture `name` (e.g. 'keep-alive.pcap') relative to the repository root. */
export const fixture = (name: string): string => path.join(FIXTURES, name);

/** The same file as an absolute path, for reading it from the test process. */
export const fixtureAbs = (name: string): string => path.join(REPO_ROOT, FIXTURES, name);

/** An Entry as JSON: only the fields these tests look at are typed. */
export interface EntryJson {
  id: string;
  protocol: { name: string; abbr: string };
  src: { ip: string; port: number };
  dst: { ip: string; port: number };
  summary: { text: string };
  request: MessageJson | null;
  response: MessageJson | null;
  [key: string]: unknown;
}

export interface MessageJson {
  bodySize: number;
  body?: string;
  bodyEncoding?: string;
  contentEncoding?: string;
  truncated?: boolean;
  [key: string]: unknown;
}

export type StatsJson = Record<string, number | Record<string, number>>;

export interface Golden {
  warnings: unknown[];
  stats: StatsJson;
  entries: EntryJson[];
}

/** `X.expected.json` of capture `X.pcap` / `X.pcapng`. */
export function golden(capture: string): Golden {
  const file = fixtureAbs(capture.replace(/\.(pcap|pcapng)$/, '.expected.json'));
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Golden;
}

/**
 * Goldens keep bodies over 2048 characters as a prefix, the length and a hash (see
 * packages/dissect/test/golden.test.ts); this applies the same shortening to CLI output.
 */
const BODY_SHOWN = 2048;

function abbreviate(msg: MessageJson | null): void {
  const body = msg?.body;
  if (msg === null || typeof body !== 'string' || body.length <= BODY_SHOWN) return;
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  msg.body = `${body.slice(0, BODY_SHOWN)}… [${body.length} characters in all, sha256 ${hash}]`;
}

export function asGolden(entries: EntryJson[]): EntryJson[] {
  const copy = structuredClone(entries);
  for (const e of copy) {
    abbreviate(e.request);
    abbreviate(e.response);
  }
  return copy;
}

/** ndjson output: one JSON Entry per line, every line non-empty. */
export function parseNdjson(stdout: string): EntryJson[] {
  if (stdout === '') return [];
  if (!stdout.endsWith('\n')) throw new Error('ndjson output does not end with a newline');
  return stdout
    .slice(0, -1)
    .split('\n')
    .map((line, i) => {
      if (line.trim() === '') throw new Error(`ndjson line ${i + 1} is empty`);
      return JSON.parse(line) as EntryJson;
    });
}

export const summaries = (entries: EntryJson[]): string[] => entries.map((e) => e.summary.text);

/**
 * The `--stats` block on stderr ("stats:", then `  key   value` lines and `  key:` sections of
 * `    name   value` lines, or `  key: none`) as an object shaped like DissectStats.toJSON().
 */
export function parseStats(stderr: string): StatsJson {
  const all = stderr.split('\n');
  const start = all.indexOf('stats:');
  if (start < 0) throw new Error(`no 'stats:' line on stderr:\n${stderr}`);
  const stats: StatsJson = {};
  let section: Record<string, number> | null = null;
  for (const line of all.slice(start + 1)) {
    let m: RegExpMatchArray | null;
    if ((m = /^ {4}(\S+)\s+(-?\d+)$/.exec(line)) !== null && section !== null) {
      section[m[1]!] = Number(m[2]);
    } else if ((m = /^ {2}(\S+):( none)?$/.exec(line)) !== null) {
      section = {};
      stats[m[1]!] = section;
    } else if ((m = /^ {2}(\S+)\s+(-?\d+)$/.exec(line)) !== null) {
      section = null;
      stats[m[1]!] = Number(m[2]);
    } else break;
  }
  return stats;
}
