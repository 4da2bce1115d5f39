import type { NamesLogger } from '../../dist/names/index.js';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string;
}

/** A NamesLogger that keeps what it is told, so tests can check that a failure was reported. */
export function recordingLogger(): NamesLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (obj: object, msg: string) => {
    lines.push({ level, obj: obj as Record<string, unknown>, msg });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}
