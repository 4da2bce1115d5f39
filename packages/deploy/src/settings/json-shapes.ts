import type { V1IngressTLS, V1NodeSelectorRequirement, V1NodeSelectorTerm, V1Toleration } from '@kubernetes/client-node';
import type { JsonSchema } from './json-schema.js';
import type { Role } from './settings.js';

/**
 * Checks of the settings given as JSON (`--set 'tap.tolerations.workers=[…]'`, as Helm's
 * `--set-json`, or a list in the config file): the shapes of the Kubernetes API fields they
 * become (core/v1 Toleration, NodeSelectorTerm; networking/v1 IngressTLS), so a mistake is named
 * at `--set` rather than by the API server. Each shape checks a value, throwing an Error whose
 * message says where (`[0].operator`) and what, and says the same as a JSON Schema (the chart's
 * values.schema.json), so the CLI and Helm refuse the same values.
 */
export interface Shape<T> {
  check(value: unknown, at: string): T;
  schema: JsonSchema;
}

function fail(at: string, wanted: string, value: unknown): never {
  throw new Error(`${at === '' ? 'the value' : at} must be ${wanted}, got ${JSON.stringify(value)}`);
}

const text: Shape<string> = {
  check: (v, at) => (typeof v === 'string' ? v : fail(at, 'a string', v)),
  schema: { type: 'string' },
};

/** A string matching `pattern` (anchored), described as `wanted` in errors. */
function matching(pattern: string, wanted: string): Shape<string> {
  const re = new RegExp(pattern);
  return {
    check: (v, at) => (typeof v === 'string' && re.test(v) ? v : fail(at, wanted, v)),
    schema: { type: 'string', pattern },
  };
}

const flag: Shape<boolean> = {
  check: (v, at) => (typeof v === 'boolean' ? v : fail(at, 'true or false', v)),
  schema: { type: 'boolean' },
};

function oneOf<T extends string>(...values: T[]): Shape<T> {
  return {
    check: (v, at) => (values.includes(v as T) ? (v as T) : fail(at, `one of ${values.join(', ')}`, v)),
    schema: { type: 'string', enum: values },
  };
}

const wholeNumber: Shape<number> = {
  check: (v, at) => (Number.isSafeInteger(v) ? (v as number) : fail(at, 'a whole number', v)),
  schema: { type: 'integer' },
};

function listOf<T>(item: Shape<T>): Shape<T[]> {
  return {
    check: (v, at) => (Array.isArray(v) ? v.map((x, i) => item.check(x, `${at}[${i}]`)) : fail(at, 'a JSON array', v)),
    schema: { type: 'array', items: item.schema },
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An object with only the named fields, each optional unless listed in `required`. */
function fields<T extends object>(shapes: { [K in keyof T]-?: Shape<T[K]> }, required: (keyof T & string)[] = []): Shape<T> {
  const byName = shapes as Record<string, Shape<unknown>>;
  return {
    check(v, at) {
      if (!isRecord(v)) fail(at, 'a JSON object', v);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) {
        const shape = byName[key];
        if (shape === undefined) throw new Error(`${at}.${key} is not a field here; the fields are ${Object.keys(byName).join(', ')}`);
        out[key] = shape.check(v[key], `${at}.${key}`);
      }
      for (const key of required) if (!(key in v)) throw new Error(`${at}.${key} is missing`);
      return out as T;
    },
    schema: {
      type: 'object',
      properties: Object.fromEntries(Object.entries(byName).map(([k, s]) => [k, s.schema])),
      ...(required.length > 0 ? { required: [...required] } : {}),
      additionalProperties: false,
    },
  };
}

function mapOf<T>(value: Shape<T>): Shape<Record<string, T>> {
  return {
    check(v, at) {
      if (!isRecord(v)) fail(at, 'a JSON object', v);
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value.check(x, `${at}.${k}`)]));
    },
    schema: { type: 'object', additionalProperties: value.schema },
  };
}

export const tolerations: Shape<V1Toleration[]> = listOf(
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

export const nodeSelectorTerms: Shape<V1NodeSelectorTerm[]> = listOf(
  fields<V1NodeSelectorTerm>({ matchExpressions: listOf(requirement), matchFields: listOf(requirement) }),
);

export const ingressTls: Shape<V1IngressTLS[]> = listOf(fields<V1IngressTLS>({ hosts: listOf(text), secretName: text }));

export const annotations: Shape<Record<string, string>> = mapOf(text);

/** A namespace name (RFC 1123 label of 63 at most, as setting-kinds.ts's) or `*` for every namespace. */
const namespaceOrAll = matching('^(\\*|[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)$', 'a namespace name or "*"');

/** `tap.auth.roles`: the front's roles file (settings.ts Role). A role names itself and its namespaces. */
export const roles: Shape<Role[]> = listOf(
  fields<Role>(
    { name: matching('^.+$', 'a name (for the logs)'), groups: listOf(text), users: listOf(text), namespaces: listOf(namespaceOrAll), admin: flag },
    ['name', 'namespaces'],
  ),
);
