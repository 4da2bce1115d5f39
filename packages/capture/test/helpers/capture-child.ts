/**
 * Runs a script in a child Node process that has `openLiveCapture` in scope: for what a test
 * cannot do to its own process (exit with captures open, be killed with -9). Bounded: the child
 * is killed after 15 s and the promise rejects.
 */

import { spawn } from 'node:child_process';

export interface ChildRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** `killAfter`: SIGKILL the child as soon as its stdout contains this text. */
export function runCaptureChild(body: string, opts: { killAfter?: string } = {}): Promise<ChildRun> {
  const script = `
    const { openLiveCapture } = await import(${JSON.stringify(import.meta.resolve('@shoal/capture'))});
    ${body}
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (opts.killAfter !== undefined && stdout.includes(opts.killAfter)) child.kill('SIGKILL');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child still running after 15 s: ${stderr}`));
    }, 15_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
