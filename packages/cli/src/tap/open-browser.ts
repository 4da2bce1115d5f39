import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Opens a link in the user's browser with the desktop's opener (xdg-open on Linux and the BSDs,
 * open on macOS), found on PATH; never fails: without one, or when it fails, the caller has
 * printed the link anyway. Returns the opener used, or undefined.
 */
const OPENERS: Record<string, string> = { darwin: 'open' };

function onPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function openBrowser(link: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const command = OPENERS[process.platform] ?? 'xdg-open';
  const found = onPath(command, env);
  if (found === undefined) return undefined;
  try {
    const child = spawn(found, [link], { detached: true, stdio: 'ignore', env });
    child.on('error', () => undefined);
    child.unref();
    return command;
  } catch {
    return undefined;
  }
}
