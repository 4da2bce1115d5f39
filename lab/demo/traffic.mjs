// The demo's traffic generator: a steady, bounded stream of calls to the front (limits.mjs:
// RATE calls per second, at most TOTAL calls and DURATION_S seconds). The mix reaches every
// service behind the front: users (HTTP/1.1), orders (→ Redis, → payments over HTTP/2),
// catalog (gRPC, unary and streaming), reviews (GraphQL), auth (HTTPS). About one call in nine
// is a 4xx (unknown users, items and paths, a declined card, a review GraphQL refuses, a login
// auth refuses), one in twenty-five a 502 (a 500 behind it) and one in thirty slow, so the feed
// has errors and latency to show.
import { CATEGORIES, SKUS } from './catalog-data.mjs';
import { call } from './cluster-http.mjs';
import { limitsFromEnv } from './limits.mjs';

const FRONT = `http://${process.env.FRONT_HOST}:${process.env.APP_PORT}`;
const { rate, total, durationMs } = limitsFromEnv();

/** The calls, each with its share; drawn at random so that the shares hold on average. */
const MIX = [
  [0.24, (n) => ['GET', `/api/users/${1 + (n % 10)}`]],
  [0.1, (n) => ['GET', `/api/profile/${1 + (n % 10)}`]],
  [0.12, (n) => ['POST', '/api/orders', { item: SKUS[n % SKUS.length], user: 1 + (n % 10) }]],
  [0.08, (n) => ['GET', `/api/orders/${1 + (n % 20)}`]],
  [0.08, (n) => ['GET', `/api/items/${SKUS[n % SKUS.length]}`]],
  [0.02, () => ['GET', '/api/items/unicorn']], // gRPC NOT_FOUND → 404
  [0.05, (n) => ['GET', `/api/items?category=${CATEGORIES[n % CATEGORIES.length]}`]],
  [0.08, (n) => ['GET', `/api/reviews/${SKUS[n % SKUS.length]}`]],
  [0.03, (n) => ['POST', '/api/reviews', { sku: SKUS[n % SKUS.length], stars: n % 7, text: 'demo review' }]], // 0 and 6 stars: a GraphQL error → 422
  [0.04, (n) => ['GET', `/api/users/${100 + n}`]], // 404
  [0.03, () => ['GET', '/api/nothing-here']], // 404
  [0.04, () => ['GET', '/api/fail']], // 502 (users' 500 behind it)
  [0.03, () => ['GET', '/api/slow']],
  [0.06, (n) => ['POST', '/api/login', { user: 1 + (n % 12) }]], // users 11 and 12 are unknown: 401
];

function nextCall(n) {
  let r = Math.random();
  for (const [share, make] of MIX) {
    if (r < share) return make(n);
    r -= share;
  }
  return MIX[0][1](n);
}

const started = Date.now();
const counts = {};
let sent = 0;
let inFlight = 0;
const timer = setInterval(() => {
  if (sent >= total || Date.now() - started >= durationMs) return finish();
  if (inFlight >= 16) return; // a stalled front never piles up calls here
  const [method, path, body] = nextCall(sent++);
  inFlight++;
  call(method, `${FRONT}${path}`, body).then((r) => {
    inFlight--;
    counts[r.status] = (counts[r.status] ?? 0) + 1;
  });
}, 1000 / rate);

function finish() {
  clearInterval(timer);
  console.log(JSON.stringify({ sent, counts, seconds: (Date.now() - started) / 1000 }));
  setTimeout(() => process.exit(0), 100);
}

// Every 10 s a line with the counts so far: the log shows the generator is alive.
setInterval(() => console.log(JSON.stringify({ sent, counts })), 10_000).unref();
process.on('SIGTERM', finish);
