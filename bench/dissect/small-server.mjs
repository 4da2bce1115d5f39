#!/usr/bin/env node
// bench/dissect/small-server.mjs: the server of run.sh's node-small capture. Answers
// bounded.lua's "small" mix with the statuses nginx gives it (404 for /missing, 405 for a POST,
// 304 with If-Modified-Since, else 200), each with a body of a few bytes: a keep-alive API of
// small JSON answers, where headers and per-transaction work are nearly all a dissector does.
//
//   node small-server.mjs HOST PORT     (prints "listening" once it accepts connections)

import http from 'node:http';

const [host, port] = process.argv.slice(2);
if (host === undefined || !/^\d+$/.test(port ?? '')) {
  console.error('usage: small-server.mjs HOST PORT');
  process.exit(2);
}

const json = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

const server = http.createServer((req, res) => {
  if (req.method === 'POST') {
    // Read the body first, so the connection stays usable for the next request.
    req.resume();
    req.on('end', () => json(res, 405, '{"error":"method not allowed"}'));
    return;
  }
  if (req.url?.startsWith('/missing')) return json(res, 404, '{"error":"not found"}');
  if (req.headers['if-modified-since'] !== undefined) {
    res.writeHead(304);
    res.end();
    return;
  }
  json(res, 200, '{"ok":true}');
});
// wrk keeps every connection for the whole load: no idle or per-socket limits.
server.keepAliveTimeout = 300_000;
server.maxRequestsPerSocket = 0;
server.listen(Number(port), host, () => console.log('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
