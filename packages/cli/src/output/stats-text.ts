import type { DissectStats } from '@shoal/dissect';

/** The counters of `--stats`, one per line, aligned; sections for entries and shed data. */
export function statsText(stats: DissectStats): string {
  const json = stats.toJSON();
  const lines: string[] = ['stats:'];
  for (const [key, value] of Object.entries(json)) {
    if (typeof value === 'object' && value !== null) {
      const map = Object.entries(value as Record<string, number>);
      lines.push(`  ${key}:${map.length === 0 ? ' none' : ''}`);
      for (const [k, v] of map) lines.push(`    ${k.padEnd(24)} ${v}`);
    } else lines.push(`  ${key.padEnd(26)} ${String(value)}`);
  }
  return lines.join('\n') + '\n';
}
