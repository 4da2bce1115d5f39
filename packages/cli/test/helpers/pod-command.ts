/**
 * A container of the builder's objects run as a local `shoal` process: its arguments with only
 * what this machine cannot give changed. Each `--flag value` in `replace` gets the new value,
 * the tokens' mount path becomes a directory holding the Secrets' keys as files, every other
 * absolute directory (`--…-dir`) a temporary one; `extra` arguments are added at the end.
 */
import fs from 'node:fs';
import { join } from 'node:path';
import type { V1Container } from '@kubernetes/client-node';

/** Writes each Secret key's value as a file of `dir` (mode 0600), as the pods mount them; returns `dir`. */
export function writeSecretFiles(dir: string, keys: Record<string, string>): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const [key, value] of Object.entries(keys)) fs.writeFileSync(join(dir, key), value, { mode: 0o600 });
  return dir;
}

export function runnable(container: V1Container, secretsDir: string, scratchDir: string, replace: Record<string, string>, extra: string[] = []): string[] {
  const mount = container.volumeMounts!.find((m) => m.name === 'tokens')!.mountPath;
  const given = container.args!;
  return [
    ...given.map((value, i) => {
      const flag = i > 0 && given[i - 1]!.startsWith('--') ? given[i - 1]! : '';
      if (flag in replace) return replace[flag]!;
      if (value.startsWith(`${mount}/`)) return join(secretsDir, value.slice(mount.length + 1));
      if (flag.endsWith('-dir')) return join(scratchDir, flag.slice(2));
      return value;
    }),
    ...extra,
  ];
}
