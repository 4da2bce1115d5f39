import { badRequest } from './status.js';
import type { KubeObject } from './object-store.js';

/**
 * Label and field selectors as list and watch take them ("Labels and Selectors"): labels by
 * equality (`a=b`, `a==b`, `a!=b`), by set (`a in (x,y)`, `a notin (x)`) and by existence (`a`,
 * `!a`); fields by equality on dotted paths (`metadata.name=x`, `involvedObject.name=x`).
 * Requirements are joined by commas and must all hold.
 */
export type Selector = (object: KubeObject) => boolean;

/** Splits on commas outside parentheses. */
function requirements(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((r) => r.trim()).filter((r) => r !== '');
}

function labelRequirement(text: string): (labels: Record<string, string>) => boolean {
  const set = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(text);
  if (set !== null) {
    const [, key, op, list] = set as unknown as [string, string, string, string];
    const values = new Set(list.split(',').map((v) => v.trim()).filter((v) => v !== ''));
    return op === 'in' ? (l) => l[key] !== undefined && values.has(l[key]!) : (l) => l[key] === undefined || !values.has(l[key]!);
  }
  const equality = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(text);
  if (equality !== null) {
    const [, key, op, value] = equality as unknown as [string, string, string, string];
    return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  const exists = /^(!?)([\w./-]+)$/.exec(text);
  if (exists !== null) {
    const [, not, key] = exists as unknown as [string, string, string];
    return not === '!' ? (l) => l[key] === undefined : (l) => l[key] !== undefined;
  }
  throw badRequest(`unable to parse requirement: found '${text}', expected: in, notin, =, ==, !=, gt, lt`);
}

export function labelSelector(text: string | undefined): Selector {
  if (text === undefined || text === '') return () => true;
  const checks = requirements(text).map(labelRequirement);
  return (o) => {
    const labels = (o.metadata.labels ?? {}) as Record<string, string>;
    return checks.every((c) => c(labels));
  };
}

function field(object: unknown, path: string): string {
  let at: unknown = object;
  for (const part of path.split('.')) at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[part] : undefined;
  return at === undefined || at === null ? '' : String(at);
}

export function fieldSelector(text: string | undefined): Selector {
  if (text === undefined || text === '') return () => true;
  const checks = requirements(text).map((r) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(r);
    if (m === null) throw badRequest(`invalid selector: '${r}'; can't understand '${r}'`);
    const [, path, op, value] = m as unknown as [string, string, string, string];
    return op === '!=' ? (o: KubeObject) => field(o, path) !== value : (o: KubeObject) => field(o, path) === value;
  });
  return (o) => checks.every((c) => c(o));
}

/** A workload's `spec.selector` (matchLabels and matchExpressions) as a selector of pods. */
export function workloadSelector(selector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined): Selector {
  const parts = [
    ...Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(selector?.matchExpressions ?? []).map((e) => (e.operator === 'Exists' ? e.key : e.operator === 'DoesNotExist' ? `!${e.key}` : `${e.key} ${e.operator.toLowerCase()} (${(e.values ?? []).join(',')})`)),
  ];
  // An empty selector selects nothing for workloads (a Service without one has no endpoints).
  return parts.length === 0 ? () => false : labelSelector(parts.join(','));
}
