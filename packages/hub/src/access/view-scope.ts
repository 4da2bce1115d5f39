import { celString, compileFilter, type CompiledFilter } from '@shoal/filter';
import type { Entry } from '@shoal/model';
import { scopeAllows, type NamespaceScope } from '@shoal/model/http';

/**
 * The CEL condition of a list of namespaces (docs/security.md, "Who sees what"): an entry is
 * visible when its source or its destination is in one of them. A side the worker could not name
 * has the namespace "" (docs/filter.md), which no scope holds. An empty list sees nothing.
 */
export function scopeCondition(namespaces: readonly string[]): string {
  // Sorted: users of the same namespaces, in whatever order their roles listed them, share a live query.
  const names = [...new Set(namespaces.filter((n) => n !== ''))].sort();
  if (names.length === 0) return 'false';
  const list = `[${names.map(celString).join(', ')}]`;
  return `src.namespace in ${list} || dst.namespace in ${list}`;
}

/**
 * What one caller of the hub may see: every namespace (the hub's token, an admin's assertion with
 * "*"), or the namespaces its identity names. One mechanism for every route: the scope becomes a
 * CEL condition, joined with the caller's own filter wherever the hub asks the workers (the live
 * feed and its replays, history, stats, service map, PCAP), and the hub checks each entry it
 * receives against the joined filter again (group-intake.ts, history-merge.ts), or against the
 * condition alone (an entry fetched by id).
 */
export class ViewScope {
  static readonly ALL = new ViewScope('*');

  /** The CEL condition; undefined when every namespace is in scope. */
  readonly condition: string | undefined;
  private compiled: CompiledFilter | undefined;

  constructor(readonly namespaces: NamespaceScope) {
    this.condition = namespaces === '*' ? undefined : scopeCondition(namespaces);
  }

  get all(): boolean {
    return this.condition === undefined;
  }

  /**
   * `filter` (a caller's CEL text, already compiled on its own, so it is one whole expression)
   * narrowed to the scope. The newline ends a `//` comment the filter may end with, which would
   * otherwise swallow the closing parenthesis; the parentheses keep the filter's `||` from
   * reaching past the `&&`.
   */
  narrow(filter: string): string {
    if (this.condition === undefined) return filter;
    if (filter.trim() === '') return this.condition;
    return `(${filter}\n) && (${this.condition})`;
  }

  /** True when `entry` (as its worker named it) is visible in this scope. */
  sees(entry: Entry): boolean {
    if (this.condition === undefined) return true;
    this.compiled ??= compileFilter(this.condition);
    return this.compiled.matches(entry);
  }

  /** True when a pod or anything else of `namespace` is in scope. */
  seesNamespace(namespace: string | undefined): boolean {
    return scopeAllows(this.namespaces, namespace);
  }

  /** True when the pod `namespace/name` (as /status names pods) is in scope. */
  seesPod(ref: string): boolean {
    const slash = ref.indexOf('/');
    return this.seesNamespace(slash < 0 ? undefined : ref.slice(0, slash));
  }
}
