// What every demo service shares: names looked up through the lab's DNS server (dnsmasq in the
// `dns` pod, given by LAB_DNS) rather than /etc/hosts, so each new connection makes a real DNS
// query on the wire; and one keep-alive agent, so calls between services reuse HTTP/1.1
// connections as a service mesh-free cluster's clients do.
import dns from 'node:dns';
import http from 'node:http';

const resolver = new dns.Resolver({ timeout: 2000, tries: 2 });
if (process.env.LAB_DNS) resolver.setServers([process.env.LAB_DNS]);

/** net.connect's `lookup`, answered by the lab's DNS server (IPv4 only: the lab has no IPv6). */
function lookup(hostname, options, callback) {
  const done = typeof options === 'function' ? options : callback;
  const all = typeof options === 'object' && options !== null && options.all === true;
  resolver.resolve4(hostname, (err, addresses) => {
    if (err) return done(err);
    if (all) return done(null, addresses.map((address) => ({ address, family: 4 })));
    done(null, addresses[0], 4);
  });
}

export const agent = new http.Agent({ keepAlive: true, maxSockets: 4, lookup });

/**
 * One HTTP call with a JSON body (or none); resolves { status, body } and never rejects, so a
 * failing dependency becomes a 502 at the caller instead of a crash.
 */
export function call(method, url, body, timeoutMs = 5000) {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(url, {
      method,
      agent,
      lookup,
      timeout: timeoutMs,
      headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let parsed = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ status: 0, body: { error: err.message } }));
    req.end(payload);
  });
}

/** Sends `value` as JSON with `status`. */
export function reply(res, status, value) {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Reads a request's body as JSON (null when empty or not JSON). */
export function readJson(req) {
  return new Promise((resolve) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      try {
        resolve(text === '' ? null : JSON.parse(text));
      } catch {
        resolve(null);
      }
    });
  });
}

/** Listens on HOST:PORT from the environment and stops on SIGTERM (the lab's `down`). */
export function serve(handler) {
  const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    Promise.resolve(handler(req, res)).catch((err) => reply(res, 500, { error: String(err) }));
  });
  server.listen(Number(process.env.PORT), process.env.HOST, () => console.log(`listening on ${process.env.HOST}:${process.env.PORT}`));
  process.on('SIGTERM', () => process.exit(0));
  return server;
}
