// The demo's traffic generator: a steady, bounded stream of calls to the front. RATE calls per
// second, at most TOTAL calls and DURATION_S seconds, whichever ends first, so a forgotten lab
// never floods anything; `lab down` stops it sooner. About one call in ten is a 4xx, one in
// twenty a 5xx and one in twenty slow, so the feed has errors and latency to show.
import { call } from './cluster-http.mjs';

const FRONT = `http://${process.env.FRONT_HOST}:${process.env.APP_PORT}`;
const RATE = Math.max(0.1, Math.min(Number(process.env.RATE) || 5, 100));
const TOTAL = Math.max(1, Math.min(Number(process.env.TOTAL) || 10_000, 1_000_000));
const DURATION_MS = Math.max(1, Math.min(Number(process.env.DURATION_S) || 3600, 86_400)) * 1000;
const ITEMS = ['book', 'lamp', 'kettle', 'chair', 'pen'];

/** One call, drawn so that the mix above holds on average. */
function nextCall(n) {
  const r = Math.random();
  if (r < 0.4) return ['GET', `/api/users/${1 + (n % 10)}`];
  if (r < 0.55) return ['GET', `/api/profile/${1 + (n % 10)}`];
  if (r < 0.7) return ['POST', '/api/orders', { item: ITEMS[n % ITEMS.length], user: 1 + (n % 10) }];
  if (r < 0.8) return ['GET', `/api/orders/${1 + (n % 20)}`];
  if (r < 0.85) return ['GET', `/api/users/${100 + n}`]; // 404
  if (r < 0.9) return ['GET', '/api/nothing-here']; // 404
  if (r < 0.95) return ['GET', '/api/fail']; // 502 (users' 500 behind it)
  return ['GET', '/api/slow'];
}

const started = Date.now();
const counts = {};
let sent = 0;
let inFlight = 0;
const timer = setInterval(() => {
  if (sent >= TOTAL || Date.now() - started >= DURATION_MS) return finish();
  if (inFlight >= 16) return; // a stalled front never piles up calls here
  const [method, path, body] = nextCall(sent++);
  inFlight++;
  call(method, `${FRONT}${path}`, body).then((r) => {
    inFlight--;
    counts[r.status] = (counts[r.status] ?? 0) + 1;
  });
}, 1000 / RATE);

function finish() {
  clearInterval(timer);
  console.log(JSON.stringify({ sent, counts, seconds: (Date.now() - started) / 1000 }));
  setTimeout(() => process.exit(0), 100);
}

// Every 10 s a line with the counts so far: the log shows the generator is alive.
setInterval(() => console.log(JSON.stringify({ sent, counts })), 10_000).unref();
process.on('SIGTERM', finish);
