/**
 * Values the feed has shown, for the filter bar to offer after `variable ==`: namespaces, pods,
 * services, methods and status codes of the rows held. Bounded: only the newest rows are read
 * and each kind keeps its most frequent values, so a 300,000-row feed costs the same as a small one.
 */
import type { EntryRow, Side } from './entry-row.js';

/** Rows read, newest first. */
export const ROWS_READ = 5_000;
/** Values kept per kind, the most frequent. */
export const VALUES_KEPT = 50;

type ValueKind = 'namespace' | 'pod' | 'service' | 'method' | 'status' | 'protocol';

/** Which kind of value each catalog variable compares with. */
const KIND_OF: Record<string, ValueKind> = {
  'src.namespace': 'namespace', 'dst.namespace': 'namespace', 'src.pod.namespace': 'namespace', 'dst.pod.namespace': 'namespace',
  'src.service.namespace': 'namespace', 'dst.service.namespace': 'namespace',
  'src.pod.name': 'pod', 'dst.pod.name': 'pod', 'src.name': 'pod', 'dst.name': 'pod',
  'src.service.name': 'service', 'dst.service.name': 'service',
  method: 'method', status_code: 'status', protocol: 'protocol',
};

export interface SeenValue {
  value: string;
  count: number;
}

export class SeenValues {
  private readonly byKind = new Map<ValueKind, SeenValue[]>();

  /** `rows` newest first; the first ROWS_READ are read. */
  constructor(rows: Iterable<EntryRow>) {
    const counts = new Map<ValueKind, Map<string, number>>();
    const add = (kind: ValueKind, value: string | number | undefined) => {
      if (value === undefined || value === '') return;
      const m = counts.get(kind) ?? new Map<string, number>();
      counts.set(kind, m);
      m.set(String(value), (m.get(String(value)) ?? 0) + 1);
    };
    const addSide = (s: Side) => {
      add('namespace', s.namespace);
      add('pod', s.pod);
      add('service', s.service);
    };
    let read = 0;
    for (const row of rows) {
      if (read++ === ROWS_READ) break;
      addSide(row.src);
      addSide(row.dst);
      add('method', row.method);
      add('status', row.status);
      add('protocol', row.protocol);
    }
    for (const [kind, m] of counts) {
      const list = [...m].map(([value, count]) => ({ value, count }));
      list.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
      this.byKind.set(kind, list.slice(0, VALUES_KEPT));
    }
  }

  /** The values seen for a variable, most frequent first; none for a variable without a value kind. */
  valuesFor(variable: string): readonly SeenValue[] {
    const kind = KIND_OF[variable];
    return kind === undefined ? [] : (this.byKind.get(kind) ?? []);
  }
}
