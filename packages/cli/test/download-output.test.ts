/**
 * How `shoal pcapdump` and `shoal logs` write: the progress line (a fake clock and fake
 * terminals: redrawn in place on a TTY, a line now and then into a pipe), the file that appears
 * whole or not at all, and the names with the time in them.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AtomicFile, writeFileAtomically } from '../dist/output/atomic-file.js';
import { timestampedName } from '../dist/output/timestamped-name.js';
import { LINE_MS, REDRAW_MS, TransferProgress } from '../dist/output/transfer-progress.js';

/** What a progress line wrote, and a clock the test moves. */
function fakes(isTTY: boolean): { out: { isTTY: boolean; write: (t: string) => void }; written: string[]; clock: { now: number } } {
  const written: string[] = [];
  return { out: { isTTY, write: (t) => void written.push(t) }, written, clock: { now: 1_000_000 } };
}

describe('TransferProgress', () => {
  it('on a terminal redraws one line in place, at most every REDRAW_MS, with the bytes and the average rate, and clears it at the end', () => {
    const { out, written, clock } = fakes(true);
    const p = new TransferProgress(out, 'received', () => clock.now);
    p.add(1024);
    assert.deepEqual(written, [], 'not before REDRAW_MS');
    clock.now += REDRAW_MS;
    p.add(1024 * 1024 - 1024);
    assert.deepEqual(written, [`\r\x1b[Kreceived: 1.0 MiB (${(1 / (REDRAW_MS / 1000)).toFixed(1)} MiB/s)`]);
    clock.now += REDRAW_MS / 2;
    p.add(10);
    assert.equal(written.length, 1, 'within REDRAW_MS: no redraw');
    p.finish();
    assert.equal(written.at(-1), '\r\x1b[K');
  });

  it('into a pipe writes a line of its own every LINE_MS, and nothing to clear', () => {
    const { out, written, clock } = fakes(false);
    const p = new TransferProgress(out, 'received', () => clock.now);
    for (let i = 0; i < 10; i++) {
      clock.now += LINE_MS / 5;
      p.add(4096);
    }
    assert.deepEqual(written, ['received: 20 KiB (4.0 KiB/s)\n', 'received: 40 KiB (4.0 KiB/s)\n']);
    p.finish();
    assert.equal(written.length, 2);
  });
});

describe('AtomicFile', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-atomic-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is invisible under its name until committed, then whole and readable by its owner only', async () => {
    const file = path.join(dir, 'a.pcap');
    const out = AtomicFile.create(file);
    await out.write(Buffer.from('part one,'));
    assert.equal(fs.existsSync(file), false);
    assert.equal(fs.readdirSync(dir).length, 1, 'a hidden .part file meanwhile');
    await out.write(Buffer.from(' part two'));
    await out.commit();
    assert.equal(fs.readFileSync(file, 'utf8'), 'part one, part two');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(fs.readdirSync(dir), ['a.pcap']);
  });

  it('discarded, leaves nothing; a file that exists is replaced only by a whole one', async () => {
    const file = path.join(dir, 'b.zip');
    fs.writeFileSync(file, 'old');
    const out = AtomicFile.create(file);
    await out.write(Buffer.from('half'));
    out.discard();
    assert.equal(fs.readFileSync(file, 'utf8'), 'old');
    await writeFileAtomically(file, Buffer.from('new'));
    assert.equal(fs.readFileSync(file, 'utf8'), 'new');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['a.pcap', 'b.zip']);
  });

  it('a directory that cannot be written: CLI_ERR_OUTPUT naming the file', () => {
    assert.throws(() => AtomicFile.create(path.join(dir, 'missing', 'c.pcap')), (err: Error & { code?: string }) => err.code === 'CLI_ERR_OUTPUT' && err.message.includes('cannot write') && err.message.includes('c.pcap'));
  });
});

describe('timestampedName', () => {
  it('has Kubeshark\'s shape, local time, sorting by time', () => {
    assert.equal(timestampedName('shoal_logs', 'zip', new Date(2026, 4, 1, 9, 3, 7)), 'shoal_logs_2026_05_01__09_03_07.zip');
    assert.equal(timestampedName('shoal', 'pcap', new Date(2026, 11, 31, 23, 59, 59)), 'shoal_2026_12_31__23_59_59.pcap');
  });
});
