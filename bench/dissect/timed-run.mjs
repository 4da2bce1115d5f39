// One tool run, timed, as the measure scripts compare them: the same minimal environment for
// every tool (PATH, HOME, a UTF-8 locale: no user settings change a tool's speed), its standard
// output to WORK/NAME.out (read afterwards, never through a pipe the script would have to
// drain), standard error dropped.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

export const TOOL_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', LANG: 'C.UTF-8' };

/** Runs `cmd args`, its output in `work/name.out`; resolves to the wall time in seconds. */
export function timedRun(work, name, cmd, args) {
  const out = path.join(work, `${name}.out`);
  return new Promise((resolve, reject) => {
    const fd = fs.openSync(out, 'w');
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', fd, 'ignore'], env: TOOL_ENV });
    child.on('error', reject);
    child.on('exit', (code) => {
      fs.closeSync(fd);
      if (code !== 0) reject(new Error(`${name} exited ${code}`));
      else resolve((performance.now() - t0) / 1000);
    });
  });
}
