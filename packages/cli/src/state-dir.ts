import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * Where a command keeps state between runs: $XDG_STATE_HOME/shoal/NAME, else
 * ~/.local/state/shoal/NAME (the XDG Base Directory specification's default; it says a
 * relative $XDG_STATE_HOME is to be ignored).
 */
export function stateDir(name: string): string {
  const base = process.env['XDG_STATE_HOME'];
  return join(base !== undefined && isAbsolute(base) ? base : join(homedir(), '.local', 'state'), 'shoal', name);
}
