import type { TracerState, TracerStatus } from '@shoal/model';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { CaptureSet } from './capture/capture-set.js';
import type { Pipeline } from './pipeline.js';
import type { EntryStore } from './store/entry-store.js';

export const METRIC_PREFIX = 'shoal_worker_';

interface Sources {
  pipeline: Pipeline;
  captures: CaptureSet;
  store: EntryStore;
  targets: () => number;
  tracer: () => TracerStatus;
}

const TRACER_STATES: readonly TracerState[] = ['off', 'on', 'unavailable'];

/**
 * A counter fed from a running total kept elsewhere (capture, engine and store counters):
 * each scrape adds what the total grew by, so it stays a true Prometheus counter.
 */
function mirroredCounter(registry: Registry, name: string, help: string, read: () => number): void {
  let last = 0;
  new Counter({
    name: METRIC_PREFIX + name,
    help,
    registers: [registry],
    collect() {
      const now = read();
      if (now > last) this.inc(now - last);
      last = Math.max(last, now);
    },
  });
}

/** The same for a labelled family read as a Map (label value → total). */
function mirroredFamily(registry: Registry, name: string, help: string, label: string, read: () => ReadonlyMap<string, number>): void {
  const last = new Map<string, number>();
  new Counter({
    name: METRIC_PREFIX + name,
    help,
    labelNames: [label],
    registers: [registry],
    collect() {
      for (const [value, now] of read()) {
        const before = last.get(value) ?? 0;
        if (now > before) this.inc({ [label]: value }, now - before);
        last.set(value, Math.max(before, now));
      }
    },
  });
}

function gauge(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({
    name: METRIC_PREFIX + name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

/** The TLS tracer's: its state, what it hooked, what it read and lost, per pod too. */
function tracerMetrics(r: Registry, tracer: () => TracerStatus): void {
  new Gauge({
    name: `${METRIC_PREFIX}tls_tracer_state`,
    help: 'The TLS tracer: 1 for its state (off: not asked for; on; unavailable: see /health for why).',
    labelNames: ['state'],
    registers: [r],
    collect() {
      const state = tracer().state;
      for (const s of TRACER_STATES) this.set({ state: s }, s === state ? 1 : 0);
    },
  });
  const counters = () => tracer().counters;
  gauge(r, 'tls_files_hooked', 'OpenSSL files (libssl, binaries with OpenSSL inside) the TLS tracer has uprobes on.', () => tracer().files.filter((f) => f.error === undefined).length);
  gauge(r, 'tls_files_failed', 'OpenSSL files of traced processes the TLS tracer could not hook (see /stats for why).', () => tracer().files.filter((f) => f.error !== undefined).length);
  gauge(r, 'tls_processes_hooked', "Processes of the targeted pods that map a hooked OpenSSL file.", () => tracer().pods.reduce((n, p) => n + p.processes.filter((proc) => proc.libraries.length > 0).length, 0));
  mirroredCounter(r, 'tls_calls_total', 'SSL_read/SSL_write calls of traced processes that moved bytes.', () => counters().calls);
  mirroredCounter(r, 'tls_chunks_total', 'Plaintext records the TLS tracer read from the kernel.', () => counters().chunks);
  mirroredCounter(r, 'tls_bytes_total', 'Plaintext bytes the TLS tracer read from the kernel.', () => counters().bytes);
  mirroredCounter(r, 'tls_lost_chunks_total', "Plaintext records lost: the tracer's kernel ring buffer was full.", () => counters().lostChunks);
  mirroredCounter(r, 'tls_lost_bytes_total', 'Plaintext bytes lost (full ring, unreadable buffer, a connection never bound to its socket).', () => counters().lostBytes);
  mirroredCounter(r, 'tls_connections_total', 'TLS connections the tracer decrypted.', () => counters().connections);
  mirroredCounter(r, 'tls_duplicate_bytes_total', 'Plaintext bytes of the second traced end of a connection, left out.', () => counters().duplicateBytes);
  mirroredCounter(r, 'tls_encrypted_entries_hidden_total', 'Encrypted-stream entries of the packet capture left out: the tracer showed the connection decrypted.', () => counters().encryptedEntriesHidden);
  mirroredCounter(r, 'tls_errors_total', "Exceptions caught in the TLS tracer's own work; see the log.", () => counters().errors);
  mirroredFamily(r, 'tls_pod_bytes_total', 'Plaintext bytes the TLS tracer read, by targeted pod (namespace/name).', 'pod', () => new Map(tracer().pods.map((p) => [p.pod, p.bytes])));
}

/** The worker's /metrics: every name documented in docs/api.md. A registry per worker. */
export function workerMetrics(s: Sources): Registry {
  const r = new Registry();
  const engine = () => s.pipeline.engine?.stats;
  mirroredCounter(r, 'received_packets_total', 'Packets the kernel passed through the capture filters (all captures).', () => s.captures.totals().received);
  mirroredCounter(r, 'dropped_packets_total', 'Packets the kernel or interface dropped for lack of buffer space.', () => s.captures.totals().dropped);
  gauge(r, 'queued_packets', 'Packets captured and waiting for the pipeline (hand-over and capture spool).', () => s.captures.totals().queued);
  mirroredCounter(r, 'discarded_packets_total', 'Packets captured and never handed to the pipeline: still queued when their capture closed (target changes).', () => s.captures.totals().discarded);
  mirroredCounter(r, 'duplicate_packets_total', 'Packets dropped as copies of one already seen (capture on any, overlapping captures).', () => s.pipeline.dedup.duplicates);
  mirroredCounter(r, 'dissected_packets_total', 'Packets handed to the dissection engine.', () => engine()?.packets ?? 0);
  mirroredFamily(r, 'shed_bytes_total', 'Bytes the engine shed, by reason (retransmission, budgets, snap length, ...).', 'reason', () => engine()?.shedBytes ?? new Map());
  mirroredFamily(r, 'entries_total', 'Entries produced, by protocol.', 'protocol', () => engine()?.entriesByProtocol ?? new Map());
  mirroredCounter(r, 'gaps_total', 'Holes in TCP streams (lost bytes) reported to dissectors.', () => engine()?.gaps ?? 0);
  gauge(r, 'live_streams', 'Streams with a packet within the TCP idle timeout.', () => s.pipeline.liveStreams);
  gauge(r, 'store_bytes', 'Bytes the store uses on disk (buffered appends included).', () => s.store.stats().bytes);
  gauge(r, 'store_entries', 'Entries held by the store.', () => s.store.stats().entries);
  mirroredCounter(r, 'store_evicted_entries_total', 'Entries evicted to stay within the storage limit.', () => s.store.stats().evictedEntries);
  mirroredCounter(r, 'store_evicted_segments_total', 'Store segments evicted to stay within the storage limit.', () => s.store.stats().evictedSegments);
  gauge(r, 'feed_clients', 'WebSocket subscribers connected to /ws.', () => s.pipeline.feed.clients.size);
  mirroredCounter(r, 'feed_lost_entries_total', 'Entries skipped for /ws subscribers that read too slowly.', () => s.pipeline.feed.totals.lost);
  // Push-down: the subscribers' filters run here, so what they filter out never leaves the node.
  mirroredCounter(r, 'feed_entries_evaluated_total', 'Entries a /ws subscriber\'s filter was evaluated on (replayed and live, summed over subscribers).', () => s.pipeline.feed.totals.evaluated);
  mirroredCounter(r, 'feed_entries_filtered_total', 'Entries not sent to a /ws subscriber because its filter did not match them.', () => s.pipeline.feed.totals.filtered);
  mirroredCounter(r, 'feed_entries_sent_total', 'Entries sent to /ws subscribers (replayed and live).', () => s.pipeline.feed.totals.sent);
  mirroredCounter(r, 'pipeline_errors_total', 'Exceptions caught in the pipeline (packet, clock, store flush); see the log.', () => s.pipeline.errors);
  gauge(r, 'targets', 'Targets (pods) the worker captures for.', s.targets);
  gauge(r, 'captures', 'Captures planned for the targets (open or failing).', () => s.captures.size);
  gauge(r, 'captures_failing', 'Planned captures that could not open or stopped.', () => s.captures.status().filter((c) => !c.open).length);
  tracerMetrics(r, s.tracer);
  // Process memory, CPU, event loop lag, heap: prom-client's standard set under our prefix.
  collectDefaultMetrics({ register: r, prefix: METRIC_PREFIX });
  return r;
}
