/**
 * `lab down` after `lab up` was killed with SIGKILL half-way: no namespace, link or process of
 * the lab may remain. The kill comes once the state file shows namespaces and running
 * processes (the workers, the first pods) while `up` still waits for the rest. Needs root,
 * dnsmasq and redis-server; skipped otherwise.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { describeRun, shoal, spawnShoal } from './helpers/run-shoal.js';
import { labUnavailable, leftovers, recordedProcesses, stillRunning, testLab, waitFor, type TestLab } from './helpers/lab-run.js';

const skip = labUnavailable();

describe('shoal lab down after up was killed', { skip: skip ?? false, timeout: 180_000 }, () => {
  let lab: TestLab | undefined;

  after(async () => {
    if (lab !== undefined) await shoal('lab', 'down', ...lab.where);
  });

  it('kill -9 of up mid-way, then down leaves no namespace, link or process', async () => {
    lab = await testLab('c', [160, 220]);
    const up = spawnShoal(['lab', 'up', '--nodes', '2', ...lab.where, '--subnet-base', String(lab.base), '--hub-port', String(lab.hubPort), '--front-port', String(lab.frontPort), '--rate', '5', '--total', '100', '--duration', '60']);
    let output = '';
    up.stdout!.on('data', (d: Buffer) => (output += d));
    up.stderr!.on('data', (d: Buffer) => (output += d));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => up.on('exit', (code, signal) => resolve(signal ?? code)));
    const journal = path.join(lab.stateDir, 'state.jsonl');
    const stateDir = lab.stateDir;
    // Workers and the DNS pod started: up is waiting for the pods that follow.
    await waitFor(`three running processes in ${journal}`, () => (recordedProcesses(stateDir).filter(stillRunning).length >= 3 ? true : undefined), 60_000);
    up.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL', `up ended before the kill:\n${output}`);

    const procs = recordedProcesses(lab.stateDir);
    assert.ok(procs.some(stillRunning), 'processes up started outlive it');
    assert.notDeepEqual(leftovers(lab.prefix), []);
    assert.ok(fs.existsSync(journal));

    // A process up had started but not yet recorded when it died: down finds it by its namespace.
    const unrecorded = spawn('ip', ['netns', 'exec', `${lab.prefix}-node-1`, 'sleep', '120'], { stdio: 'ignore' });
    const unrecordedExit = new Promise<unknown>((resolve) => unrecorded.on('exit', (code, signal) => resolve(signal ?? code)));
    await waitFor('sleep to run in the node namespace', () => (fs.readlinkSync(`/proc/${unrecorded.pid}/exe`).endsWith('/sleep') ? true : undefined), 10_000);

    const status = await shoal('lab', 'status', ...lab.where);
    assert.match(status.stdout, /incomplete/, describeRun(status));

    const down = await shoal('lab', 'down', ...lab.where);
    assert.equal(down.code, 0, describeRun(down));
    assert.deepEqual(leftovers(lab.prefix), []);
    assert.deepEqual(
      procs.filter(stillRunning).map((p) => p.name),
      [],
    );
    assert.equal(fs.existsSync(lab.stateDir), false);
    assert.equal(await unrecordedExit, 'SIGTERM');
  });
});
