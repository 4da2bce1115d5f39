/**
 * A size as people read it, in binary units: `512 B`, `1.5 KiB`, `3.2 MiB`. One rule for the
 * dashboard and the CLI's lines, so both print the same size alike. No Node-only import.
 */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}
