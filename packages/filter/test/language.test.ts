/** Operators, functions and macros on real entries, and what evaluation touches. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import { compileFilter } from '@shoal/filter';
import * as E from './entries.js';

const R = E.resolvedPost(); // POST /api/orders -> 201, resolved, request body {"item":"book"}
const N = E.notFound(); // GET /missing -> 404
const U = E.udpFlow();

const yes = (filter: string, e: Entry = R): void => {
  const f = compileFilter(filter);
  assert.equal(f.matches(e), true, filter);
  assert.equal(f.errorCount, 0, `${filter}: ${f.lastError?.error.message ?? ''}`);
};
const no = (filter: string, e: Entry = R): void => {
  const f = compileFilter(filter);
  assert.equal(f.matches(e), false, filter);
  assert.equal(f.errorCount, 0, `${filter}: ${f.lastError?.error.message ?? ''}`);
};

describe('language', () => {
  it('logic, comparison, arithmetic, ternary', () => {
    yes('http && !tcp || false');
    yes('status_code / 100 == 2 && status_code % 100 == 1 && -status_code < 0');
    yes('(status_code >= 400 ? "error" : "ok") == "ok"');
    no('(status_code >= 400 ? "error" : "ok") == "ok"', N);
    yes('method + " " + path == "POST /api/orders"');
    yes('response.status == 201 && request.bodySize > 10 && request.bodySize < 15.5');
  });

  it('in over lists and maps', () => {
    yes('method in ["POST", "PUT"] && "content-type" in request.headers');
    no('"cookie" in request.headers');
    yes('"shop" in namespaces && !("kube-system" in namespaces)');
  });

  it('macros over lists and maps', () => {
    yes('namespaces.all(n, n != "kube-system") && pods.exists_one(p, p.startsWith("ledger-"))');
    yes('request.headers.exists(k, k.startsWith("content-"))');
    yes('request.headers.all(k, k == k.lowerAscii())');
    yes('pods.map(p, p.split("-")[0]) == ["frontend", "ledger"]');
    yes('pods.filter(p, p.startsWith("cart-")).size() == 0');
    yes('cel.bind(h, request.headers, "host" in h && h.host.endsWith(":40291"))');
  });

  it('string functions; matches() searches, it is not anchored', () => {
    yes('path.contains("orders") && path.startsWith("/api") && path.endsWith("orders")');
    yes('path.matches("ord") && path.matches(r"^/api/\\w+$") && !path.matches("^ord")');
    yes('summary.size() == size(summary) && method.lowerAscii() == "post" && path.substring(1, 4) == "api"');
    yes('path.split("/") == ["", "api", "orders"] && ["a", "b"].join("-") == "a-b"');
    yes('int(response.headers["content-length"]) == 13 && string(status_code) == "201"');
  });

  it('timestamps and durations', () => {
    yes('timestamp.getFullYear() == 2026 && timestamp.getMonth() == 0 && timestamp.getMinutes() == 30', U);
    yes('timestamp - timestamp("2026-01-15T09:00:00Z") == duration("30m250ms")', U);
    // now() must tell an entry seen just now from one of January 2026: the same filter, both ways.
    const recent = 'timestamp > now() - duration("1h") && timestamp <= now()';
    yes(recent, { ...U, timestamp: Date.now() });
    no(recent, U);
    yes('timestamp.getHours("Asia/Tokyo") == 18', U);
  });

  it('regexes are RE2: inline flags work', () => {
    yes('path.matches("(?i)API")');
    yes('path.lowerAscii().matches("api")');
  });

  it('compiles once and evaluates many entries with one reused activation', () => {
    const f = compileFilter('src.pod.name < dst.pod.name && dst.pod.namespace != src.pod.namespace');
    const entries = [R, N, U, R, E.tcpFlow(), R];
    assert.deepEqual(entries.map((e) => f.matches(e)), [true, false, false, true, false, true]);
    assert.equal(f.errorCount, 0);
  });

  it('reads only the entry fields the filter references', () => {
    const touched = new Set<string>();
    const spy = new Proxy(R, {
      get(target, key, receiver) {
        touched.add(String(key));
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const f = compileFilter('method == "POST" && dst.port == 8080');
    assert.deepEqual(f.variables, ['dst.port', 'method']);
    assert.equal(f.matches(spy), true);
    assert.deepEqual([...touched].sort(), ['dst', 'summary']);
  });
});
