/**
 * `--roles-file`: which users see which namespaces (docs/security.md#roles). YAML or JSON (JSON
 * is YAML 1.2):
 *
 *   roles:
 *     - name: shop-devs              # for the audit log
 *       groups: [shop-devs]          # matches a user in any of these groups (the groups claim)
 *       users: [alice@example.test]  # or whose sub, email or preferred_username is one of these
 *       namespaces: [shop]           # or ["*"]
 *       admin: false                 # may change targets and download PCAP of everything
 *
 * A user's scope is the union of the namespaces of every role that matches, admin when any is.
 */
import { parse } from 'yaml';
import type { NamespaceScope } from '@shoal/model/http';

export interface Role {
  name: string;
  groups: readonly string[];
  users: readonly string[];
  namespaces: NamespaceScope;
  admin: boolean;
}

/** Who is signing in, as the provider said. */
export interface Claimant {
  /** sub, email and preferred_username, when given. */
  names: readonly string[];
  groups: readonly string[];
}

export interface Scope {
  namespaces: NamespaceScope;
  admin: boolean;
  /** The names of the roles that matched, for the audit log. */
  roles: string[];
}

function stringList(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error(`${where} must be a list of strings`);
  return value as string[];
}

/** The roles `text` holds; throws a message naming the role and field that is wrong. */
export function parseRoles(text: string, source: string): Role[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new Error(`${source} is neither YAML nor JSON: ${(err as Error).message}`);
  }
  const roles = (doc as { roles?: unknown } | null)?.roles;
  if (!Array.isArray(roles)) throw new Error(`${source} must have a list "roles:" (docs/security.md#roles)`);
  return roles.map((raw: unknown, i) => {
    const where = `${source}: roles[${i}]`;
    if (raw === null || typeof raw !== 'object') throw new Error(`${where} must be a map`);
    const r = raw as Record<string, unknown>;
    const name = typeof r['name'] === 'string' ? r['name'] : `roles[${i}]`;
    const groups = stringList(r['groups'], `${where}.groups`);
    const users = stringList(r['users'], `${where}.users`);
    if (groups.length === 0 && users.length === 0) throw new Error(`${where} (${name}) names no groups and no users: it would match nobody`);
    const namespaces = stringList(r['namespaces'], `${where}.namespaces`);
    if (namespaces.length === 0) throw new Error(`${where} (${name}) has no namespaces: give a list, or ["*"] for every namespace`);
    if (r['admin'] !== undefined && typeof r['admin'] !== 'boolean') throw new Error(`${where}.admin must be true or false`);
    return { name, groups, users, namespaces: namespaces.includes('*') ? '*' : namespaces, admin: r['admin'] === true };
  });
}

/** The scope of a user: every matching role's namespaces together; undefined when none matches. */
export function scopeOf(roles: readonly Role[], who: Claimant): Scope | undefined {
  const matching = roles.filter((role) => role.groups.some((g) => who.groups.includes(g)) || role.users.some((u) => who.names.includes(u)));
  if (matching.length === 0) return undefined;
  const namespaces = matching.some((role) => role.namespaces === '*') ? '*' : [...new Set(matching.flatMap((role) => role.namespaces as readonly string[]))];
  return { namespaces, admin: matching.some((role) => role.admin), roles: matching.map((role) => role.name) };
}
