// The `payments` service over HTTP/2 without TLS, prior knowledge (node:http2, RFC 9113 §3.3):
// the orders service charges each order here on one long-lived connection, a stream per call.
//   POST /charges   {order, user, amount}: 201 {id, order, amount}, or 402 when declined (user
//                   7's card); the answer ends with a `server-timing` trailer (RFC 9113 §8.1:
//                   a header block after the body). Every third order of 40.00 or more goes
//                   to a fraud review of 2 s: the caller gives up first and resets the
//                   stream (RST_STREAM CANCEL, §6.4), which the dashboard shows.
//   GET  /charges/:id  200 or 404
import http2 from 'node:http2';

const charges = new Map();
let next = 1;

const server = http2.createServer();
server.on('stream', (stream, headers) => {
  const started = process.hrtime.bigint();
  const url = new URL(headers[':path'] ?? '/', 'http://payments');
  const answer = (status, value) => {
    if (stream.destroyed || stream.closed) return;
    const text = JSON.stringify(value);
    stream.respond({ ':status': status, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'server-timing': `app;dur=${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(2)}` }));
    stream.end(text);
  };
  let body = '';
  stream.setEncoding('utf8');
  stream.on('data', (d) => (body += d));
  stream.on('error', () => {}); // a stream the client reset
  stream.on('end', () => {
    const m = /^\/charges\/(\d+)$/.exec(url.pathname);
    if (headers[':method'] === 'GET' && m) {
      const charge = charges.get(Number(m[1]));
      return charge === undefined ? answer(404, { error: 'no such charge' }) : answer(200, charge);
    }
    if (headers[':method'] !== 'POST' || url.pathname !== '/charges') return answer(404, { error: 'not found' });
    let req;
    try {
      req = JSON.parse(body);
    } catch {
      return answer(400, { error: 'a charge is {"order": number, "user": number, "amount": number}' });
    }
    const charge = () => {
      if (req.user === 7) return answer(402, { error: 'card declined', order: req.order });
      const c = { id: next++, order: req.order, amount: req.amount };
      charges.set(c.id, c);
      // Only the latest charges are kept: the demo runs for hours.
      charges.delete(c.id - 1000);
      answer(201, c);
    };
    if (req.amount >= 4000 && req.order % 3 === 0) setTimeout(charge, 2000);
    else charge();
  });
});
server.on('sessionError', (err) => console.error(`payments: ${err.message}`));
server.listen(Number(process.env.PORT), process.env.HOST, () => console.log(`listening on ${process.env.HOST}:${process.env.PORT}`));
process.on('SIGTERM', () => process.exit(0));
