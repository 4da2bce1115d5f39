import { compileRegex } from '@shoal/filter';
import { quantityValue } from './quantity.js';

/**
 * The kinds of value a setting takes, each read from its `--set key=value` text: typed (a port
 * is a number, a flag is true or false), checked as the Kubernetes API would check the field it
 * becomes, so a mistake is reported with the key before anything is built or applied.
 */
export interface SettingKind<T> {
  /** What a value looks like, for help texts and error messages. */
  form: string;
  /** The value of `text`; throws an Error saying what is wrong. */
  parse(text: string): T;
  /** `value` as `--set` text (defaults in help and docs). */
  show(value: T): string;
}

/** RFC 1123 label (Kubernetes namespace names): lower-case letters, digits and '-', 63 at most. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain (Secret names, host names): labels joined by dots, 253 at most. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function dnsLabel(text: string, what: string, max = 63): string {
  if (text.length > max || !DNS_LABEL.test(text)) throw new Error(`${what} must be lower-case letters, digits and '-', starting and ending with a letter or digit, ${max} at most, got '${text}'`);
  return text;
}

function dnsSubdomain(text: string, what: string): string {
  if (text.length > 253 || !DNS_SUBDOMAIN.test(text)) throw new Error(`${what} must be a DNS name (lower-case letters, digits, '-' and '.'), got '${text}'`);
  return text;
}

const identity = (v: string): string => v;

export function text(form: string, check: (text: string) => string = identity): SettingKind<string> {
  return { form, parse: check, show: identity };
}

export const nonEmpty = (form: string): SettingKind<string> =>
  text(form, (t) => {
    if (t === '') throw new Error(`it must not be empty (${form})`);
    return t;
  });

export const boolean: SettingKind<boolean> = {
  form: 'true | false',
  parse(t) {
    if (t === 'true') return true;
    if (t === 'false') return false;
    throw new Error(`it must be true or false, got '${t}'`);
  },
  show: String,
};

export const port: SettingKind<number> = {
  form: 'a port, 1-65535',
  parse(t) {
    const n = /^\d{1,5}$/.test(t) ? Number(t) : NaN;
    if (!(n >= 1 && n <= 65535)) throw new Error(`it must be a port number from 1 to 65535, got '${t}'`);
    return n;
  },
  show: String,
};

export function oneOf<T extends string>(values: readonly T[], hint = ''): SettingKind<T> {
  return {
    form: values.join(' | '),
    parse(t) {
      if (values.includes(t as T)) return t as T;
      throw new Error(`it must be one of ${values.join(', ')}, got '${t}'${hint}`);
    },
    show: identity,
  };
}

/** `a,b,c` (Helm's `{a,b,c}` too); empty text is the empty list. Each item is checked by `item`. */
export function list(form: string, item: (text: string) => string): SettingKind<string[]> {
  return {
    form: `${form}, comma-separated`,
    parse(t) {
      const inner = t.startsWith('{') && t.endsWith('}') ? t.slice(1, -1) : t;
      const items = inner.split(',').map((s) => s.trim()).filter((s) => s !== '');
      return [...new Set(items.map(item))];
    },
    show: (v) => v.join(','),
  };
}

export const namespaceName = (t: string): string => dnsLabel(t, 'a namespace name');
const releaseName = (t: string): string => dnsLabel(t, 'the release name', RELEASE_NAME_MAX);
export const secretName = (t: string): string => dnsSubdomain(t, 'a Secret name');
export const hostName = (t: string): string => (t === '' ? t : dnsSubdomain(t, 'the host'));

/**
 * Object names are the release name and a suffix of up to 15 characters (`-worker-metrics`);
 * Service names are RFC 1035 labels of 63 at most, so 48 is left for the release name, which
 * starts with a letter.
 */
export const RELEASE_NAME_MAX = 48;

export const releaseNameKind = text('a name, letters first, 48 at most', (t) => {
  releaseName(t);
  if (!/^[a-z]/.test(t)) throw new Error(`the release name must start with a letter, got '${t}'`);
  return t;
});

/** IPv4 or IPv6 CIDR as NetworkPolicy's ipBlock takes it (`10.0.0.0/24`, `fd00::/64`). */
export function cidr(t: string): string {
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(t);
  const v4 = m !== null && /^\d{1,3}(\.\d{1,3}){3}$/.test(m[1]!) && m[1]!.split('.').every((o) => Number(o) <= 255);
  const v6 = m !== null && m[1]!.includes(':');
  const bits = m === null ? NaN : Number(m[2]);
  if (!((v4 && bits <= 32) || (v6 && bits <= 128))) throw new Error(`'${t}' is not a CIDR such as 10.0.0.0/24 or fd00::/64`);
  return t;
}

export const podRegex = text('an RE2 regular expression', (t) => {
  const compiled = compileRegex(t);
  if (!compiled.ok) throw new Error(`'${t}' is not an RE2 regular expression: ${compiled.problem.reason} (at character ${compiled.problem.offset + 1})`);
  return t;
});

/** A memory or storage size: whole bytes, at least `min` bytes; empty means unset when `optional`. */
export function bytes(optional: boolean, min = 1): SettingKind<string> {
  return text(`a size such as 500Mi or 2Gi${optional ? ', or empty for none' : ''}`, (t) => {
    if (optional && t === '') return t;
    const value = quantityValue(t);
    if (value === undefined || t.endsWith('m')) throw new Error(`it must be a size such as 500Mi, 2Gi or 1000000 (bytes), got '${t}'`);
    if (value < min) throw new Error(`it must be at least ${min} bytes, got '${t}'`);
    return t;
  });
}

export const cpu: SettingKind<string> = text('CPU such as 50m or 2, or empty for none', (t) => {
  if (t !== '' && (quantityValue(t) === undefined || quantityValue(t) === 0)) throw new Error(`it must be CPU cores such as 50m, 0.5 or 2 (or empty for none), got '${t}'`);
  return t;
});

/** A JSON value checked by `check` (json-shapes.ts), as Helm's `--set-json`. */
export function json<T>(form: string, check: (value: unknown, at: string) => T): SettingKind<T> {
  return {
    form: `JSON: ${form}`,
    parse(t) {
      let value: unknown;
      try {
        value = JSON.parse(t);
      } catch (err) {
        throw new Error(`it must be JSON (${form}): ${(err as Error).message}`);
      }
      return check(value, '');
    },
    show: (v) => JSON.stringify(v),
  };
}
