/**
 * The `shoal` entry point: help, version, unknown commands, help and docs/cli.md agreeing on
 * the options, and output into a pipe that closes early.
 */

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fixture, parseStats } from './helpers/fixtures.js';
import { describeRun, REPO_ROOT, shoal, spawnShoal, type ShoalRun } from './helpers/run-shoal.js';

const docs = fs.readFileSync(path.join(REPO_ROOT, 'docs/cli.md'), 'utf8');

/** The markdown section starting at `heading` (a whole line), up to the next heading of any level. */
function section(markdown: string, heading: string): string {
  const all = markdown.split('\n');
  const start = all.indexOf(heading);
  assert.ok(start >= 0, `docs/cli.md has the heading '${heading}'`);
  const end = all.findIndex((line, i) => i > start && /^#+ /.test(line));
  return all.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** First cells of a section's table rows (without the header and separator rows). */
function firstCells(markdown: string): string[] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .slice(1)
    .map((line) => line.split(/(?<!\\)\|/)[1]!.trim());
}

/** Option names in the dissect table of docs/cli.md, e.g. `--format`. */
function documentedOptions(): string[] {
  return firstCells(section(docs, '## `shoal dissect FILE`')).map((cell) => {
    const m = /^`(--[a-z][a-z-]*)/.exec(cell);
    assert.ok(m !== null, `an option name in '${cell}'`);
    return m[1]!;
  });
}

/** Option names at the start of the lines of `--help` output. */
function helpOptions(help: string): string[] {
  return [...help.matchAll(/^ {2}(--[a-z][a-z-]*)/gm)].map((m) => m[1]!);
}

describe('shoal: help and version', () => {
  for (const args of [['--help'], ['-h'], ['help'], []]) {
    it(`shoal ${args.join(' ') || '(no arguments)'} shows help listing dissect`, async () => {
      const r = await shoal(...args);
      assert.equal(r.code, 0, describeRun(r));
      assert.equal(r.stderr, '');
      assert.match(r.stdout, /^Usage: shoal <command>/m);
      assert.match(r.stdout, /^ {2}dissect\s+\S/m);
    });
  }

  it('shoal --version prints the version of @shoal/cli', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'packages/cli/package.json'), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V']) {
      const r = await shoal(flag);
      assert.equal(r.code, 0, describeRun(r));
      assert.match(r.stdout, /^shoal \d+\.\d+\.\d+\S*\n$/);
      assert.equal(r.stdout, `shoal ${pkg.version}\n`);
    }
  });

  it('an unknown command: exit 2, CLI_ERR_USAGE, nothing on stdout', async () => {
    const r = await shoal('dissekt', fixture('keep-alive.pcap'));
    assert.equal(r.code, 2, describeRun(r));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^shoal: unknown command 'dissekt' \(CLI_ERR_USAGE\)/);
  });

  for (const args of [['--help'], ['-h'], [fixture('keep-alive.pcap'), '--format', 'json', '--help']]) {
    it(`shoal dissect ${args.join(' ')} shows its usage, not entries`, async () => {
      const r = await shoal('dissect', ...args);
      assert.equal(r.code, 0, describeRun(r));
      assert.equal(r.stderr, '');
      assert.match(r.stdout, /^Usage: shoal dissect FILE/);
    });
  }
});

describe('shoal dissect --help and docs/cli.md agree', () => {
  it('every option of the docs table is in --help, and every option of --help is documented', async () => {
    const documented = documentedOptions();
    assert.ok(documented.length >= 7, `options found in docs/cli.md: ${documented.join(' ')}`);
    const r = await shoal('dissect', '--help');
    const helped = helpOptions(r.stdout);
    for (const option of documented) assert.ok(helped.includes(option), `${option} (docs/cli.md) is missing from --help`);
    for (const option of helped) assert.ok(documented.includes(option), `${option} (--help) is missing from docs/cli.md`);
  });

  it('the --protocol names and --format values are the same in both', async () => {
    const r = await shoal('dissect', '--help');
    const table = section(docs, '## `shoal dissect FILE`');
    const protocolRow = table.split('\n').find((line) => line.startsWith('| `--protocol'))!;
    const documented = [...protocolRow.matchAll(/`([a-z0-9]+)`/g)].map((m) => m[1]!).sort();
    const helpLine = r.stdout.split('\n').find((line) => line.startsWith('  --protocol'))!;
    const helped = /\(([^)]*)\)/.exec(helpLine)![1]!.split(/,\s*/).sort();
    assert.deepEqual(helped, documented);
    assert.match(r.stdout, /--format ndjson\|json\|table/);
    assert.ok(table.includes('`--format ndjson\\|json\\|table`'));
  });

  it('the --stats counters documented are the ones printed', async () => {
    const documented = firstCells(section(docs, '### `--stats`')).flatMap((cell) =>
      [...cell.matchAll(/`([A-Za-z0-9]+)`/g)].map((m) => m[1]!),
    );
    const r = await shoal('dissect', fixture('keep-alive.pcap'), '--stats');
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(Object.keys(parseStats(r.stderr)).sort(), [...documented].sort());
  });

  it('the exit codes in --help are the documented ones', async () => {
    const r = await shoal('dissect', '--help');
    assert.match(r.stdout, /Exit codes: 0 done; 1 .*; 2 bad command line/s);
    assert.match(docs, /Exit codes: `0` done; `1` .*`2` bad command line \(`CLI_ERR_USAGE`\)/s);
  });
});

/** Runs shoal, reads its stdout until the first chunk arrives, then closes the pipe. */
function runAndCloseAfterFirstData(args: string[]): Promise<ShoalRun & { received: number }> {
  return new Promise((resolve, reject) => {
    const child = spawnShoal(args);
    let stderr = '';
    let received = 0;
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout!.once('data', (d: Buffer) => {
      received = d.length;
      child.stdout!.destroy();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: '', stderr, received }));
  });
}

describe('shoal dissect into a pipe that closes early', () => {
  // With the whole body kept, large-body.pcap gives about 1.3 MB of output: far more than a pipe
  // holds, so the CLI is still writing when the reader goes away.
  const LARGE = [fixture('large-body.pcap'), '--body-cap', '100000000'];

  for (const format of ['ndjson', 'json']) {
    it(`--format ${format}: ends quietly (exit 0, no internal error)`, async () => {
      const r = await runAndCloseAfterFirstData(['dissect', ...LARGE, '--format', format]);
      assert.ok(r.received > 0, 'some output arrived before the pipe was closed');
      assert.doesNotMatch(r.stderr, /internal error/);
      assert.doesNotMatch(r.stderr, /EPIPE|\n\s+at /);
      assert.equal(r.signal, null, describeRun(r));
      assert.equal(r.code, 0, describeRun(r));
      assert.equal(r.stderr, '');
    });
  }

  it('--stats are still written to stderr after stdout closed', async () => {
    const r = await runAndCloseAfterFirstData(['dissect', ...LARGE, '--stats']);
    assert.doesNotMatch(r.stderr, /internal error/);
    assert.equal(r.code, 0, describeRun(r));
    assert.equal(typeof parseStats(r.stderr)['packets'], 'number');
  });
});
