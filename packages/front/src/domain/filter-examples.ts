/** The filter bar's cheat-sheet: one example per common need, each a valid filter (a test compiles them). */
export interface FilterExample {
  filter: string;
  meaning: string;
}

export const FILTER_EXAMPLES: readonly FilterExample[] = [
  { filter: 'http && status_code >= 500', meaning: 'server errors' },
  { filter: 'status_code >= 400 && status_code < 500', meaning: 'client errors' },
  { filter: 'method == "POST" && path.startsWith("/api/")', meaning: 'POSTs to the API' },
  { filter: 'dst.namespace == "shop" && src.namespace != "shop"', meaning: 'traffic entering a namespace' },
  { filter: 'src.pod.name.startsWith("cart-")', meaning: 'requests from pods of a workload' },
  { filter: '"payments" in namespaces', meaning: 'either side in a namespace' },
  { filter: 'elapsed_time > 250000', meaning: 'slower than 250 ms (microseconds)' },
  { filter: '"authorization" in request.headers', meaning: 'requests carrying a header' },
  { filter: 'response.headers["content-type"].startsWith("application/json")', meaning: 'JSON responses' },
  { filter: 'path.matches(r"^/api/v[0-9]+/")', meaning: 'a regular expression on the path' },
  { filter: 'timestamp > now() - duration("5m")', meaning: 'the last five minutes' },
  { filter: 'http and not (method == "GET" or method == "HEAD")', meaning: 'KFL1 spelling: and, or, not' },
  { filter: 'malformed', meaning: 'exchanges the dissector could not read whole' },
];
