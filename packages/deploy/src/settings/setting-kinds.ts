import { compileRegex } from '@shoal/filter';
import type { JsonSchema } from './json-schema.js';
import type { Shape } from './json-shapes.js';
import { quantityValue } from './quantity.js';

/**
 * The kinds of value a setting takes: typed (a port is a number, a flag is true or false),
 * checked as the Kubernetes API would check the field it becomes, so a mistake is reported with
 * the key before anything is built or applied. A value comes as `--set key=value` text or, typed,
 * from a YAML file (the config file, the chart's values); each kind also says what it takes as a
 * JSON Schema, from which the chart's values.schema.json is made, so Helm refuses what the CLI
 * refuses.
 */
export interface SettingKind<T> {
  /** What a value looks like, for help texts and error messages. */
  form: string;
  /** The value of `--set` text; throws an Error saying what is wrong. */
  parse(text: string): T;
  /** The value of a typed value (YAML, JSON); throws an Error saying what is wrong. */
  read(value: unknown): T;
  /** `value` as `--set` text (defaults in help and docs). */
  show(value: T): string;
  /** What `read` accepts, as far as JSON Schema can say it (not: RE2 syntax, sizes' minimums). */
  schema: JsonSchema;
}

/** A check of text, and the same check as a JSON Schema of a string. */
export interface TextRule {
  check(text: string): string;
  schema: JsonSchema;
}

function wrongType(form: string, value: unknown): never {
  throw new Error(`it must be ${form}, got ${JSON.stringify(value)}`);
}

/** A rule that is one pattern (anchored) and a length: the check and the schema are the same regex. */
function patternRule(pattern: string, maxLength: number | undefined, message: (text: string) => string): TextRule {
  const re = new RegExp(pattern);
  return {
    check(t) {
      if ((maxLength !== undefined && t.length > maxLength) || !re.test(t)) throw new Error(message(t));
      return t;
    },
    schema: { pattern, ...(maxLength !== undefined ? { maxLength } : {}) },
  };
}

const ANY_TEXT: TextRule = { check: (t) => t, schema: {} };

/** RFC 1123 label (Kubernetes namespace names): lower-case letters, digits and '-', 63 at most. */
const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
/** RFC 1123 subdomain (Secret names, host names): labels joined by dots, 253 at most. */
const DNS_SUBDOMAIN = `${DNS_LABEL}(\\.${DNS_LABEL})*`;

function dnsLabel(what: string, max = 63): TextRule {
  return patternRule(`^${DNS_LABEL}$`, max, (t) => `${what} must be lower-case letters, digits and '-', starting and ending with a letter or digit, ${max} at most, got '${t}'`);
}

function dnsSubdomain(what: string, optional = false): TextRule {
  return patternRule(optional ? `^(${DNS_SUBDOMAIN})?$` : `^${DNS_SUBDOMAIN}$`, 253, (t) => `${what} must be a DNS name (lower-case letters, digits, '-' and '.'), got '${t}'`);
}

export function text(form: string, rule: TextRule = ANY_TEXT): SettingKind<string> {
  return {
    form,
    parse: (t) => rule.check(t),
    read: (v) => (typeof v === 'string' ? rule.check(v) : wrongType(`a string (${form})`, v)),
    show: (v) => v,
    schema: { type: 'string', ...rule.schema },
  };
}

export const nonEmpty = (form: string): SettingKind<string> =>
  text(form, {
    check(t) {
      if (t === '') throw new Error(`it must not be empty (${form})`);
      return t;
    },
    schema: { minLength: 1 },
  });

export const boolean: SettingKind<boolean> = {
  form: 'true | false',
  parse(t) {
    if (t === 'true') return true;
    if (t === 'false') return false;
    throw new Error(`it must be true or false, got '${t}'`);
  },
  read: (v) => (typeof v === 'boolean' ? v : wrongType('true or false', v)),
  show: String,
  schema: { type: 'boolean' },
};

function portNumber(n: number, shown: string): number {
  if (!(Number.isInteger(n) && n >= 1 && n <= 65535)) throw new Error(`it must be a port number from 1 to 65535, got ${shown}`);
  return n;
}

export const port: SettingKind<number> = {
  form: 'a port, 1-65535',
  parse: (t) => portNumber(/^\d{1,5}$/.test(t) ? Number(t) : NaN, `'${t}'`),
  read: (v) => portNumber(typeof v === 'number' ? v : NaN, JSON.stringify(v)),
  show: String,
  schema: { type: 'integer', minimum: 1, maximum: 65535 },
};

export function oneOf<T extends string>(values: readonly T[], hint = ''): SettingKind<T> {
  const check = (t: unknown, shown: string): T => {
    if (values.includes(t as T)) return t as T;
    throw new Error(`it must be one of ${values.join(', ')}, got ${shown}${hint}`);
  };
  return {
    form: values.join(' | '),
    parse: (t) => check(t, `'${t}'`),
    read: (v) => check(v, JSON.stringify(v)),
    show: (v) => v,
    schema: { type: 'string', enum: values },
  };
}

/**
 * A list of names: `a,b,c` (Helm's `{a,b,c}` too) as text, empty text being the empty list, where
 * a name given twice counts once; a list of strings in a file, where a name given twice is a
 * mistake (as the chart's schema says: Helm keeps both). Each item is checked by `item`.
 */
export function list(form: string, item: TextRule): SettingKind<string[]> {
  return {
    form: `${form}, comma-separated`,
    parse(t) {
      const inner = t.startsWith('{') && t.endsWith('}') ? t.slice(1, -1) : t;
      const items = inner.split(',').map((s) => s.trim()).filter((s) => s !== '');
      return [...new Set(items.map((i) => item.check(i)))];
    },
    read(v) {
      if (!Array.isArray(v) || !v.every((i) => typeof i === 'string')) wrongType(`a list of ${form}`, v);
      const items = (v as string[]).map((i) => item.check(i));
      const twice = items.find((i, n) => items.indexOf(i) !== n);
      if (twice !== undefined) throw new Error(`'${twice}' is listed twice`);
      return items;
    },
    show: (v) => v.join(','),
    schema: { type: 'array', items: { type: 'string', ...item.schema }, uniqueItems: true },
  };
}

export const namespaceName: TextRule = dnsLabel('a namespace name');
export const secretName: TextRule = dnsSubdomain('a Secret name');
export const hostName: TextRule = dnsSubdomain('the host', true);
export const optionalSecretName: TextRule = dnsSubdomain('a Secret name', true);

/** A key of a Secret's data (the API's IsConfigMapKey): letters, digits, '-', '_' and '.'. */
export const secretKey: TextRule = patternRule('^[-._a-zA-Z0-9]+$', 253, (t) => `a Secret's key must be letters, digits, '-', '_' and '.', got '${t}'`);

/** An OAuth scope (RFC 6749 §3.3 scope-token): printable ASCII but space, '"' and '\\'. */
export const scopeToken: TextRule = patternRule('^[!#-\\[\\]-~]+$', undefined, (t) => `'${t}' is not an OAuth scope (printable characters, no space, '"' or '\\')`);

/** An http(s) URL, or empty for none (an OpenID issuer, OpenID Connect Discovery 1.0 §4). */
export const optionalHttpUrl: TextRule = patternRule('^(https?://[^\\s/?#]+(/[^\\s?#]*)?)?$', undefined, (t) => `it must be an http(s) URL such as https://login.example/realms/team, or empty, got '${t}'`);

/** An origin (RFC 6454: scheme, host, port), or empty for none: what the front's --public-url takes. */
export const optionalOrigin: TextRule = patternRule('^(https?://[^\\s/?#@]+)?$', undefined, (t) => `it must be an origin such as https://shoal.example (no path), or empty, got '${t}'`);

/**
 * Object names are the release name and a suffix of up to 15 characters (`-worker-metrics`);
 * Service names are RFC 1035 labels of 63 at most, so 48 is left for the release name, which
 * starts with a letter.
 */
const RELEASE_NAME_MAX = 48;

const releaseLabel = dnsLabel('the release name', RELEASE_NAME_MAX);
export const releaseNameKind = text('a name, letters first, 48 at most', {
  check(t) {
    releaseLabel.check(t);
    if (!/^[a-z]/.test(t)) throw new Error(`the release name must start with a letter, got '${t}'`);
    return t;
  },
  schema: { pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$', maxLength: RELEASE_NAME_MAX },
});

const IPV4_OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
/**
 * IPv4 or IPv6 CIDR as NetworkPolicy's ipBlock takes it (`10.0.0.0/24`, `fd00::/64`): IPv4 octets
 * without leading zeros (Go's parser, the API server's, refuses them); IPv6 loosely (hex digits,
 * colons and dots), its prefix length up to 128.
 */
export const cidr: TextRule = patternRule(
  `^((${IPV4_OCTET}\\.){3}${IPV4_OCTET}/(3[0-2]|[12]?[0-9])|[0-9a-fA-F.]*:[0-9a-fA-F:.]*/(12[0-8]|1[01][0-9]|[1-9]?[0-9]))$`,
  undefined,
  (t) => `'${t}' is not a CIDR such as 10.0.0.0/24 or fd00::/64`,
);

/** Checked with RE2 here; the chart checks it when rendering (Go's regexp is RE2 too). */
export const podRegex = text('an RE2 regular expression', {
  check(t) {
    const compiled = compileRegex(t);
    if (!compiled.ok) throw new Error(`'${t}' is not an RE2 regular expression: ${compiled.problem.reason} (at character ${compiled.problem.offset + 1})`);
    return t;
  },
  schema: {},
});

/** A quantity written with only the suffixes of whole bytes (quantity.ts; no `m`). */
const BYTES = '[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?';
/** A quantity with any suffix (CPU takes `m`). */
const QUANTITY = '[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?';
/** Zero, however written: refused where an amount is set (JSON Schema cannot compare the value). */
const ZERO: JsonSchema = { pattern: '^0+(\\.0+)?[A-Za-z]*$' };

/**
 * A memory or storage size in whole-byte units, not zero; at least `min` bytes when given;
 * empty means unset when `optional`. The schema says all but the minimum: the chart checks
 * tap.storageLimit's when it renders.
 */
export function bytes(optional: boolean, min?: number): SettingKind<string> {
  return text(`a size such as 500Mi or 2Gi${optional ? ', or empty for none' : ''}`, {
    check(t) {
      if (optional && t === '') return t;
      const value = quantityValue(t);
      if (value === undefined || t.endsWith('m')) throw new Error(`it must be a size such as 500Mi, 2Gi or 1000000 (bytes), got '${t}'`);
      if (value === 0) throw new Error(`it must not be zero${optional ? ' (empty for none)' : ''}, got '${t}'`);
      if (min !== undefined && value < min) throw new Error(`it must be at least ${min} bytes, got '${t}'`);
      return t;
    },
    schema: { pattern: optional ? `^(${BYTES})?$` : `^${BYTES}$`, not: ZERO },
  });
}

export const cpu: SettingKind<string> = text('CPU such as 50m or 2, or empty for none', {
  check(t) {
    if (t !== '' && (quantityValue(t) === undefined || quantityValue(t) === 0)) throw new Error(`it must be CPU cores such as 50m, 0.5 or 2 (or empty for none), got '${t}'`);
    return t;
  },
  schema: { pattern: `^(${QUANTITY})?$`, not: ZERO },
});

/** A JSON value of a shape (json-shapes.ts), as Helm's `--set-json`. */
export function json<T>(form: string, shape: Shape<T>): SettingKind<T> {
  return {
    form: `JSON: ${form}`,
    parse(t) {
      let value: unknown;
      try {
        value = JSON.parse(t);
      } catch (err) {
        throw new Error(`it must be JSON (${form}): ${(err as Error).message}`);
      }
      return shape.check(value, '');
    },
    read: (v) => shape.check(v, ''),
    show: (v) => JSON.stringify(v),
    schema: shape.schema,
  };
}

/** The text rule of a path: it starts with '/'. */
export const absolutePath: TextRule = patternRule('^/', undefined, (t) => `a path must start with /, got '${t}'`);
