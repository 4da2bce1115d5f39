import type { V1IngressTLS, V1NodeSelectorRequirement, V1NodeSelectorTerm, V1Toleration } from '@kubernetes/client-node';

/**
 * Checks of the settings given as JSON (`--set 'tap.tolerations.workers=[…]'`, as Helm's
 * `--set-json`): the shapes of the Kubernetes API fields they become (core/v1 Toleration,
 * NodeSelectorTerm; networking/v1 IngressTLS), so a mistake is named at `--set` rather than by
 * the API server. Each check throws an Error whose message says where (`[0].operator`) and what.
 */
type Check<T> = (value: unknown, at: string) => T;

function fail(at: string, wanted: string, value: unknown): never {
  throw new Error(`${at === '' ? 'the value' : at} must be ${wanted}, got ${JSON.stringify(value)}`);
}

const text: Check<string> = (v, at) => (typeof v === 'string' ? v : fail(at, 'a string', v));

function oneOf<T extends string>(...values: T[]): Check<T> {
  return (v, at) => (values.includes(v as T) ? (v as T) : fail(at, `one of ${values.join(', ')}`, v));
}

const wholeNumber: Check<number> = (v, at) => (Number.isSafeInteger(v) ? (v as number) : fail(at, 'a whole number', v));

function listOf<T>(item: Check<T>): Check<T[]> {
  return (v, at) => (Array.isArray(v) ? v.map((x, i) => item(x, `${at}[${i}]`)) : fail(at, 'a JSON array', v));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An object with only the named fields, each optional unless listed in `required`. */
function fields<T extends object>(checks: { [K in keyof T]-?: Check<T[K]> }, required: (keyof T)[] = []): Check<T> {
  return (v, at) => {
    if (!isRecord(v)) fail(at, 'a JSON object', v);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) {
      const check = (checks as Record<string, Check<unknown>>)[key];
      if (check === undefined) throw new Error(`${at}.${key} is not a field here; the fields are ${Object.keys(checks).join(', ')}`);
      out[key] = check(v[key], `${at}.${key}`);
    }
    for (const key of required) if (!(key in v)) throw new Error(`${at}.${String(key)} is missing`);
    return out as T;
  };
}

function mapOf<T>(value: Check<T>): Check<Record<string, T>> {
  return (v, at) => {
    if (!isRecord(v)) fail(at, 'a JSON object', v);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value(x, `${at}.${k}`)]));
  };
}

export const tolerations: Check<V1Toleration[]> = listOf(
  fields<V1Toleration>({
    key: text,
    operator: oneOf('Exists', 'Equal'),
    value: text,
    effect: oneOf('NoSchedule', 'PreferNoSchedule', 'NoExecute'),
    tolerationSeconds: wholeNumber,
  }),
);

const requirement = fields<V1NodeSelectorRequirement>(
  { key: text, operator: oneOf('In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'), values: listOf(text) },
  ['key', 'operator'],
);

export const nodeSelectorTerms: Check<V1NodeSelectorTerm[]> = listOf(
  fields<V1NodeSelectorTerm>({ matchExpressions: listOf(requirement), matchFields: listOf(requirement) }),
);

export const ingressTls: Check<V1IngressTLS[]> = listOf(fields<V1IngressTLS>({ hosts: listOf(text), secretName: text }));

export const annotations: Check<Record<string, string>> = mapOf(text);
