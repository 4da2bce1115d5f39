// What every demo service shares. Names are looked up the way a pod's are: the lab gives each
// pod a resolv.conf naming its DNS server (dnsmasq in the `dns` pod) with Kubernetes' search
// domains, so `users` becomes users.demo.svc.cluster.local and every new connection makes real
// DNS queries on the wire. One keep-alive agent per process, so calls between services reuse
// HTTP/1.1 connections; an HTTPS call brings its own agent (the certificate it trusts).
import http from 'node:http';
import https from 'node:https';

export const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

/**
 * One HTTP call with a JSON body (or none); resolves { status, body } and never rejects, so a
 * failing dependency becomes a 502 at the caller instead of a crash. An `https:` URL goes through
 * node:https with `options.agent` (an https.Agent).
 */
export function call(method, url, body, { timeoutMs = 5000, agent: via = agent } = {}) {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = (url.startsWith('https:') ? https : http).request(url, {
      method,
      agent: via,
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
    req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on('error', (err) => {
      // In the pod's log: why a call became a 502 (the generator's pace bounds how many).
      console.error(`${method} ${url}: ${err.message}`);
      resolve({ status: 0, body: { error: err.message } });
    });
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

/**
 * Listens on HOST:PORT from the environment and stops on SIGTERM (the lab's `down`); over HTTPS
 * when given `tls` ({ key, cert }: node:https's options).
 */
export function serve(handler, tls) {
  const listener = (req, res) => {
    Promise.resolve(handler(req, res)).catch((err) => reply(res, 500, { error: String(err) }));
  };
  const options = { keepAliveTimeout: 30_000, ...tls };
  const server = tls === undefined ? http.createServer(options, listener) : https.createServer(options, listener);
  server.listen(Number(process.env.PORT), process.env.HOST, () => console.log(`listening on ${process.env.HOST}:${process.env.PORT}`));
  process.on('SIGTERM', () => process.exit(0));
  return server;
}
