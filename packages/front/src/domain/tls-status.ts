/**
 * The workers' TLS tracers as the status bar shows them (WorkerState.tls, docs/hub.md): one
 * line over the nodes, and one per worker in the workers' popover. No React.
 */
import { formatBytes, type TracerSummary } from '@shoal/model';
import type { WorkerStatus } from './hub-status.js';

/** One worker's tracer in a few words: `TLS on: 2 processes hooked in 1 pod, 40.0 KiB read`. */
export function tlsLine(tls: TracerSummary): string {
  if (tls.state === 'off') return 'TLS off';
  if (tls.state === 'unavailable') return `TLS unavailable: ${tls.reason ?? 'no reason given'}`;
  const hooked = tls.pods.reduce((n, p) => n + p.hookedProcesses, 0);
  const pods = tls.pods.filter((p) => p.hookedProcesses > 0).length;
  const losing = tls.pods.filter((p) => p.gaps > 0).map((p) => p.pod);
  const lost = tls.counters.lostChunks > 0 ? `, ${tls.counters.lostChunks} chunks lost${losing.length > 0 ? ` (${losing.join(', ')})` : ''}` : '';
  const failed = tls.failedFiles > 0 ? `, ${tls.failedFiles} files not hooked` : '';
  return `TLS on: ${hooked} process${hooked === 1 ? '' : 'es'} hooked in ${pods} pod${pods === 1 ? '' : 's'}, ${formatBytes(tls.counters.bytes)} read${lost}${failed}`;
}

/**
 * Over the up workers that run the tracer (`--tls`): null when none does. `trouble` when one is
 * unavailable or lost plaintext; `title` has each worker's line.
 */
export function tlsOverview(workers: readonly WorkerStatus[]): { text: string; title: string; trouble: boolean } | null {
  const asked = workers.filter((w) => w.up && w.tls !== null && w.tls !== undefined && w.tls.state !== 'off');
  if (asked.length === 0) return null;
  const on = asked.filter((w) => w.tls!.state === 'on');
  const bytes = on.reduce((n, w) => n + w.tls!.counters.bytes, 0);
  const trouble = on.length < asked.length || on.some((w) => w.tls!.counters.lostChunks > 0);
  return {
    text: `TLS: ${on.length}/${asked.length} nodes, ${formatBytes(bytes)} decrypted`,
    title: asked.map((w) => `${w.name}: ${tlsLine(w.tls!)}`).join('\n'),
    trouble,
  };
}
