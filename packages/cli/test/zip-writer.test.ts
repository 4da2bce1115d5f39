/**
 * The CLI's zip writer (output/zip-writer.ts), read back by Debian's Info-ZIP `unzip`, which
 * checks every file's CRC (`-t`), gives the contents (`-p`) and the central directory's details
 * (`-Z`, zipinfo): deflated and stored files, an empty one, a UTF-8 name, the modification time
 * and the owner-only mode.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dosDateTime, ZipWriter } from '../dist/output/zip-writer.js';

let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-zip-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const unzipMissing = spawnSync('unzip', ['-v'], { stdio: 'ignore' }).error !== undefined ? 'unzip is not installed (make deps)' : false;

function unzip(args: string[]): string {
  return execFileSync('unzip', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
}

describe('ZipWriter', { skip: unzipMissing }, () => {
  const at = new Date(2026, 4, 1, 14, 3, 8);
  const files: Record<string, Buffer> = {
    'default.shoal-hub-7d9c-x2x4b.hub.log': Buffer.from('{"level":30,"msg":"listening"}\n'.repeat(2000)),
    'random.bin': randomBytes(70_000),
    'empty.log': Buffer.alloc(0),
    'nœud-é.txt': Buffer.from('ünïcode\n'),
  };
  let file: string;

  before(() => {
    const writer = new ZipWriter();
    for (const [name, data] of Object.entries(files)) writer.add(name, data, at);
    file = path.join(dir, 'test.zip');
    fs.writeFileSync(file, writer.finish());
  });

  it('unzip -t finds every file whole (CRC-32 and sizes)', () => {
    const out = unzip(['-t', file]);
    assert.match(out, /No errors detected in compressed data/);
    for (const name of Object.keys(files)) assert.match(out, new RegExp(`testing: ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+OK`));
  });

  it('unzip -p gives back each file\'s bytes', () => {
    for (const [name, data] of Object.entries(files)) {
      const back = execFileSync('unzip', ['-p', file, name], { maxBuffer: 64 << 20 });
      assert.ok(back.equals(data), name);
    }
  });

  it('deflates what shrinks, stores what does not; the time and the owner-only mode are in the directory', () => {
    const info = unzip(['-Z', '-l', '-T', file]);
    const line = (name: string) => info.split('\n').find((l) => l.endsWith(` ${name}`)) ?? assert.fail(`${name} in:\n${info}`);
    assert.match(line('default.shoal-hub-7d9c-x2x4b.hub.log'), /^-rw------- .* defN /);
    assert.match(line('random.bin'), /^-rw------- .* stor /);
    // -T: yyyymmdd.hhmmss; MS-DOS time has two-second steps.
    assert.match(line('empty.log'), / 20260501\.140308 empty\.log$/);
    // zipinfo -l: mode, version, system, size, type, compressed size, method, time, name.
    const [, , , size, , compressed] = line('default.shoal-hub-7d9c-x2x4b.hub.log').split(/\s+/);
    assert.ok(Number(compressed) < Number(size) / 10, `the repeated log line compresses: ${compressed} of ${size} bytes`);
  });

  it('MS-DOS dates count years from 1980, months from 1, seconds by two', () => {
    assert.deepEqual(dosDateTime(new Date(1980, 0, 1, 0, 0, 0)), { time: 0, date: (1 << 5) | 1 });
    assert.deepEqual(dosDateTime(new Date(2026, 11, 31, 23, 59, 59)), { time: (23 << 11) | (59 << 5) | 29, date: (46 << 9) | (12 << 5) | 31 });
  });
});
