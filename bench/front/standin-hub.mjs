// A stand-in for `shoal hub`, for bench/front only: it speaks the hub's `/ws`, `/entries`,
// `/entries/:id` and `/status` (docs/hub.md) from recorded entries, and sends exactly as many
// entries as the benchmark asks for, when it asks. The benchmark measures the page; with a real
// hub, workers and captured traffic the rate would depend on them and on two shared cores.
//
// What it simplifies, and why that does not change what the page does:
// - filters: it understands `method == "X"` (and the empty filter); the page only sees which
//   entries arrive, not how the hub chose them;
// - history (`/entries`): made up on demand, `limit` entries matching the filter before `before`;
// - `since` on the WebSocket: no replay; entries are live from the connection (or filter change).
// Like the hub, it sends a client that asks for batches (`?batch=1`, or `"batch": true` in a
// subscription) the entries of one tick (one `emit`) as one `{"entries": [...]}` message, and
// the others entry by entry.
import http from 'node:http';
import { WebSocketServer } from 'ws';

const METHODS = ['GET', 'POST', 'GET', 'PUT', 'GET', 'DELETE'];
const NAMESPACES = ['shop', 'payments', 'identity'];
const WORKLOADS = ['frontend', 'cart', 'checkout', 'catalog', 'orders', 'auth', 'search', 'ledger'];
const NODES = ['node-a', 'node-b'];

/** `method == "POST"` → 'POST'; '' → undefined (everything); anything else matches nothing. */
function methodOf(filter) {
  if (filter.trim() === '') return undefined;
  const m = /^\s*method\s*==\s*"([A-Z]+)"\s*$/.exec(filter);
  return m ? m[1] : null;
}

function matches(entry, filter) {
  const method = methodOf(filter);
  return method === undefined || entry.summary.method === method;
}

function endpoint(template, i, salt) {
  const w = WORKLOADS[(i * 7 + salt) % WORKLOADS.length];
  const ns = NAMESPACES[(i + salt) % NAMESPACES.length];
  const pod = `${w}-7c9d${(i % 97).toString(16)}f-${(i % 13).toString(36)}x${salt}`;
  return { ...template, ip: `10.244.${salt}.${(i % 250) + 2}`, namespace: ns, pod, service: w, name: pod, node: NODES[i % 2] };
}

export class StandinHub {
  /**
   * @param {object[]} templates recorded entries (shoal dissect --format ndjson)
   * @param {{batches?: boolean}} options batches: false answers as a hub without batches would (entry by entry, whatever the page asks)
   */
  constructor(templates, { batches = true } = {}) {
    this.batches = batches;
    if (templates.length === 0) throw new Error('no recorded entries');
    this.templates = templates;
    this.seq = 0;
    this.sent = 0;
    this.clients = new Set();
    this.server = http.createServer((req, res) => this.route(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url, 'http://hub');
      if (url.pathname !== '/ws') return socket.destroy();
      const batch = this.batches && ['1', 'true'].includes(url.searchParams.get('batch') ?? '');
      this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws, url.searchParams.get('q') ?? '', batch));
    });
  }

  listen() {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${this.server.address().port}`)));
  }

  /** Entry number `i`: a recorded entry with its own id, time, method and pods. */
  entry(i, timestamp) {
    const t = this.templates[i % this.templates.length];
    const node = NODES[i % 2];
    return {
      ...t,
      id: `${node}/bench/${i}`,
      stream: `${node}/bench/tcp/${Math.floor(i / 4)}`,
      timestamp,
      node: { ...t.node, name: node },
      src: endpoint(t.src, i, 1),
      dst: endpoint(t.dst, i, 2),
      summary: { ...t.summary, method: METHODS[i % METHODS.length] },
    };
  }

  /** Sends `n` new live entries to every client whose filter they match: one tick of the hub's merge. */
  emit(n) {
    const now = Date.now();
    const batches = new Map([...this.clients].filter((c) => c.batch).map((c) => [c, []]));
    for (let k = 0; k < n; k++) {
      const e = this.entry(this.seq++, now + k / n);
      let text;
      for (const c of this.clients) {
        if (!matches(e, c.filter)) continue;
        text ??= JSON.stringify(e);
        if (c.batch) batches.get(c).push(text);
        else c.ws.send(text);
        c.sent++;
      }
    }
    for (const [c, texts] of batches) if (texts.length > 0) c.ws.send(`{"entries":[${texts.join(',')}]}`);
    this.sent += n;
  }

  connected(ws, filter, batch) {
    const client = { ws, filter, batch, sent: 0 };
    this.clients.add(client);
    ws.send(JSON.stringify({ ready: { filter, replayed: 0 } }));
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      client.filter = m.filter ?? '';
      if (typeof m.batch === 'boolean') client.batch = this.batches && m.batch;
      client.sent = 0;
      ws.send(JSON.stringify({ ready: { filter: client.filter, replayed: 0 } }));
    });
    ws.on('close', () => this.clients.delete(client));
  }

  route(req, res) {
    const url = new URL(req.url, 'http://hub');
    const json = (status, body) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (url.pathname === '/status') return json(200, this.status());
    if (url.pathname === '/entries') return json(200, this.history(url.searchParams));
    if (url.pathname.startsWith('/entries/')) {
      const id = decodeURIComponent(url.pathname.slice('/entries/'.length));
      const i = Number(id.split('/')[2]);
      if (!Number.isInteger(i)) return json(404, { error: { code: 'HUB_ERR_NOT_FOUND', message: `no entry ${id}` } });
      return json(200, { ...this.entry(i, Date.now()), id });
    }
    json(404, { error: { code: 'HUB_ERR_NOT_FOUND', message: `no route ${url.pathname}` } });
  }

  /** `limit` made-up entries matching `q`, newest first, 0.5 ms apart before `before`. */
  history(params) {
    const filter = params.get('q') ?? '';
    const limit = Math.min(1000, Number(params.get('limit') ?? 100));
    const before = Number(params.get('before') ?? Date.now());
    const method = methodOf(filter);
    if (method === null) return { entries: [], next: null };
    const entries = [];
    // Only the matching entries are made: the page is measured here, not the stand-in's filtering.
    for (; entries.length < limit; this.seq++) {
      const i = 1_000_000_000 + this.seq;
      if (method === undefined || METHODS[i % METHODS.length] === method) entries.push(this.entry(i, before - 0.5 * (entries.length + 1)));
    }
    return { entries, next: entries.at(-1).timestamp };
  }

  status() {
    const now = Date.now();
    const workers = NODES.map((name) => ({
      name,
      url: `http://127.0.0.1:0/${name}`,
      up: true,
      downSince: null,
      lastError: null,
      lastSeen: now,
      capturing: true,
      capture: { requested: 'best', backends: ['af_packet'] },
      packets: { received: this.sent * 8, dropped: 0 },
      store: { bytes: this.sent * 700, entries: this.sent / 2 },
      run: 'bench',
    }));
    return { workers, up: workers.length, feed: { clients: this.clients.size, queries: [], delivered: this.sent, lost: 0, rejected: 0, late: 0 } };
  }

  close() {
    for (const c of this.clients) c.ws.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
