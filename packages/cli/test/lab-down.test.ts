/**
 * `shoal lab down` reads its state directory as untrusted: a directory without a lab journal is
 * refused and left as it was; a journal naming anything a lab of the prefix does not make is
 * refused whole, before anything is stopped or removed; a recorded process that is not the
 * lab's own (a journal edited, a PID taken by another program) is never signalled. The parts
 * that make namespaces need root; they use names under this file's own prefix.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { foreignRecords } from '../dist/lab/lab-down.js';
import { describeRun, shoal } from './helpers/run-shoal.js';
import { stillRunning, waitFor } from './helpers/lab-run.js';

const isRoot = process.getuid?.() === 0;
const prefix = `slk${process.pid % 100_000}`;

const netnsExists = (name: string): boolean => fs.existsSync(`/var/run/netns/${name}`);

/** Field 22 of /proc/PID/stat: the start time the journal records. */
function startTime(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

describe('lab down and its journal', () => {
  let tmp = '';
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), `shoal-${prefix}-`));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("finds the journal records a lab of the prefix cannot have made", () => {
    const own = [
      { kind: 'netns', name: `${prefix}-net` },
      { kind: 'netns', name: `${prefix}-node-2-redis` },
      { kind: 'link', name: `${prefix}0` },
      { kind: 'process', name: 'worker-node-2', pid: 4242, start: '12345', netns: `${prefix}-node-2` },
      { kind: 'process', name: 'dashboard', pid: 4243, start: '12346', netns: null },
      { kind: 'process', name: 'front', pid: 4244, start: '12347', netns: `${prefix}-node-1-front` },
    ] as const;
    assert.deepEqual(foreignRecords(prefix, own), []);
    const foreign = [
      { kind: 'netns', name: 'production' },
      { kind: 'netns', name: `${prefix}x-node-1` },
      { kind: 'link', name: 'eth0' },
      { kind: 'process', name: 'sshd', pid: 4245, start: '1', netns: null },
      { kind: 'process', name: 'hub', pid: 1, start: '1', netns: null },
      { kind: 'process', name: 'hub', pid: 4246, start: '1', netns: 'production' },
      { kind: 'mount', name: '/' },
    ];
    assert.equal(foreignRecords(prefix, [...own, ...foreign] as never).length, foreign.length);
  });

  it('refuses a state directory without a lab journal and leaves it as it was (exit 1)', async () => {
    const dir = path.join(tmp, 'not-a-lab');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'keep me\n');
    const r = await shoal('lab', 'down', '--prefix', prefix, '--state-dir', dir);
    assert.equal(r.code, 1, describeRun(r));
    assert.match(r.stderr, /holds no lab journal \(state\.jsonl\).*nothing was stopped or removed/);
    assert.equal(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8'), 'keep me\n');
  });

  it('refuses a journal naming what the lab does not make, before stopping or removing anything (exit 1)', { skip: isRoot ? false : 'needs root for network namespaces' }, async () => {
    const own = `${prefix}-node-1`;
    const foreign = `${prefix}x-node-1`;
    const dir = path.join(tmp, 'edited');
    fs.mkdirSync(dir);
    execFileSync('ip', ['netns', 'add', own]);
    execFileSync('ip', ['netns', 'add', foreign]);
    const sleeper = spawn('ip', ['netns', 'exec', own, 'sleep', '120'], { stdio: 'ignore' });
    try {
      await waitFor('sleep to run in the node namespace', () => (fs.readlinkSync(`/proc/${sleeper.pid}/exe`).endsWith('/sleep') ? true : undefined), 10_000);
      const proc = { pid: sleeper.pid!, start: startTime(sleeper.pid!) };
      const journal = [
        { kind: 'netns', name: own },
        { kind: 'process', name: 'worker-node-1', ...proc, netns: own },
        { kind: 'netns', name: foreign },
      ];
      fs.writeFileSync(path.join(dir, 'state.jsonl'), journal.map((r) => JSON.stringify(r)).join('\n') + '\n');
      const r = await shoal('lab', 'down', '--prefix', prefix, '--state-dir', dir);
      assert.equal(r.code, 1, describeRun(r));
      assert.match(r.stderr, new RegExp(`names what a lab with the prefix '${prefix}' does not make \\(netns "${foreign}"\\)`));
      assert.ok(netnsExists(own) && netnsExists(foreign), 'no namespace removed');
      assert.ok(stillRunning(proc), 'no process stopped');
      assert.ok(fs.existsSync(path.join(dir, 'state.jsonl')));
    } finally {
      sleeper.kill('SIGKILL');
      for (const name of [own, foreign]) if (netnsExists(name)) execFileSync('ip', ['netns', 'del', name]);
    }
  });

  it('never signals a recorded process that is not the lab\'s own, and removes the rest', { skip: isRoot ? false : 'needs root for network namespaces' }, async () => {
    const own = `${prefix}-node-1`;
    const dir = path.join(tmp, 'reused-pid');
    fs.mkdirSync(dir);
    execFileSync('ip', ['netns', 'add', own]);
    // A program on the host that the journal calls the lab's hub: not `bin/shoal`, so not the hub.
    const stranger = spawn('sleep', ['120'], { stdio: 'ignore' });
    try {
      const proc = { pid: stranger.pid!, start: startTime(stranger.pid!) };
      const journal = [
        { kind: 'netns', name: own },
        { kind: 'process', name: 'hub', ...proc, netns: null },
      ];
      fs.writeFileSync(path.join(dir, 'state.jsonl'), journal.map((r) => JSON.stringify(r)).join('\n') + '\n');
      const r = await shoal('lab', 'down', '--prefix', prefix, '--state-dir', dir);
      assert.equal(r.code, 0, describeRun(r));
      assert.match(r.stdout, /0 processes stopped, 1 namespaces and 0 links removed/);
      assert.equal(netnsExists(own), false);
      assert.ok(stillRunning(proc), 'the stranger runs on');
      assert.equal(fs.existsSync(dir), false);
    } finally {
      stranger.kill('SIGKILL');
      if (netnsExists(own)) execFileSync('ip', ['netns', 'del', own]);
    }
  });
});
