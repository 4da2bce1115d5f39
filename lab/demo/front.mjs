// The demo's HTTP front-end: each page calls the services behind it by their cluster names, so
// one request to the front makes more requests between pods, in five protocols.
//   GET  /api/users/:id    → users over HTTP/1.1 keep-alive (404 past the table)
//   GET  /api/profile/:id  → users + orders
//   POST /api/orders       → orders (→ Redis, → payments over HTTP/2)
//   GET  /api/orders/:id   → orders
//   GET  /api/items/:sku   → catalog over gRPC, unary GetItem (NOT_FOUND → 404)
//   GET  /api/items?category=  → catalog, server-streaming ListItems
//   GET  /api/reviews/:sku → reviews over GraphQL (query ItemReviews)
//   POST /api/reviews      → reviews (mutation AddReview; bad stars → a GraphQL error, 422)
//   POST /api/login        → auth over HTTPS (201 with a token; 401 for an unknown user)
//   GET  /api/slow         → users with a delay
//   GET  /api/fail         → users' 500, answered as 502
import fs from 'node:fs';
import https from 'node:https';
import grpc from '@grpc/grpc-js';
import { call, readJson, reply, serve } from './cluster-http.mjs';
import { shopProto } from './shop-proto.mjs';

const USERS = `http://${process.env.USERS_HOST}:${process.env.APP_PORT}`;
const ORDERS = `http://${process.env.ORDERS_HOST}:${process.env.APP_PORT}`;
const REVIEWS = `http://${process.env.REVIEWS_HOST}:${process.env.APP_PORT}/graphql`;
const AUTH = `https://${process.env.AUTH_HOST}:${process.env.AUTH_PORT}`;
// node:https (Node's own OpenSSL) trusting only the certificate `lab up` made for auth, so the
// name `auth` is checked against it as any HTTPS client checks a server's.
const authAgent = new https.Agent({ keepAlive: true, maxSockets: 2, ca: fs.readFileSync(process.env.AUTH_CA) });
// One channel (one HTTP/2 connection); no service-config TXT look-up (the lab's DNS has none).
const catalog = new (shopProto().Catalog)(`${process.env.CATALOG_HOST}:${process.env.APP_PORT}`, grpc.credentials.createInsecure(), { 'grpc.service_config_disable_resolution': 1 });
const deadline = () => Date.now() + 3000;

/** gRPC status → the HTTP status the front answers with. */
const httpStatusOf = (code) => (code === grpc.status.NOT_FOUND ? 404 : code === grpc.status.INVALID_ARGUMENT ? 400 : 502);

function getItem(sku) {
  return new Promise((resolve) => catalog.getItem({ sku }, { deadline: deadline() }, (err, item) => resolve(err ? { status: httpStatusOf(err.code), body: { error: err.details } } : { status: 200, body: item })));
}

function listItems(category) {
  return new Promise((resolve) => {
    const items = [];
    const stream = catalog.listItems({ category, limit: 10 }, { deadline: deadline() });
    stream.on('data', (item) => items.push(item));
    stream.on('error', (err) => resolve({ status: httpStatusOf(err.code), body: { error: err.details } }));
    stream.on('end', () => resolve({ status: 200, body: items }));
  });
}

const ITEM_REVIEWS = 'query ItemReviews($sku: String!) { rating(sku: $sku) reviews(sku: $sku, limit: 3) { stars text } }';
const ADD_REVIEW = 'mutation AddReview($sku: String!, $stars: Int!, $text: String!) { addReview(sku: $sku, stars: $stars, text: $text) { id } }';

/** A GraphQL call; its errors make a 422 (a bad request the server understood), no answer a 502. */
async function graphql(operationName, query, variables) {
  const r = await call('POST', REVIEWS, { operationName, query, variables });
  if (r.status !== 200) return { status: 502, body: { error: 'reviews failed', upstream: r.body } };
  return r.body.errors?.length > 0 ? { status: 422, body: { errors: r.body.errors.map((e) => e.message) } } : { status: 200, body: r.body.data };
}

serve(async (req, res) => {
  const url = new URL(req.url, 'http://front');
  const answer = (r) => reply(res, r.status === 0 ? 502 : r.status, r.body);
  let m;
  if (req.method === 'GET' && (m = /^\/api\/users\/(\d+)$/.exec(url.pathname))) return answer(await call('GET', `${USERS}/users/${m[1]}`));
  if (req.method === 'GET' && (m = /^\/api\/profile\/(\d+)$/.exec(url.pathname))) {
    const [user, order] = await Promise.all([call('GET', `${USERS}/users/${m[1]}`), call('GET', `${ORDERS}/orders/${m[1]}`)]);
    return reply(res, user.status === 200 ? 200 : user.status || 502, { user: user.body, lastOrder: order.status === 200 ? order.body : null });
  }
  if (req.method === 'POST' && url.pathname === '/api/orders') return answer(await call('POST', `${ORDERS}/orders`, (await readJson(req)) ?? {}));
  if (req.method === 'GET' && (m = /^\/api\/orders\/(\d+)$/.exec(url.pathname))) return answer(await call('GET', `${ORDERS}/orders/${m[1]}`));
  if (req.method === 'GET' && (m = /^\/api\/items\/([\w-]+)$/.exec(url.pathname))) return answer(await getItem(m[1]));
  if (req.method === 'GET' && url.pathname === '/api/items') return answer(await listItems(url.searchParams.get('category') ?? ''));
  if (req.method === 'GET' && (m = /^\/api\/reviews\/([\w-]+)$/.exec(url.pathname))) return answer(await graphql('ItemReviews', ITEM_REVIEWS, { sku: m[1] }));
  if (req.method === 'POST' && url.pathname === '/api/reviews') {
    const body = (await readJson(req)) ?? {};
    return answer(await graphql('AddReview', ADD_REVIEW, { sku: String(body.sku ?? ''), stars: Number(body.stars ?? 0), text: String(body.text ?? '') }));
  }
  if (req.method === 'POST' && url.pathname === '/api/login') {
    const user = ((await readJson(req)) ?? {}).user;
    return answer(await call('POST', `${AUTH}/v1/tokens`, { user }, { agent: authAgent }));
  }
  if (url.pathname === '/api/slow') {
    const r = await call('GET', `${USERS}/users/1?delay=${300 + Math.floor(Math.random() * 500)}`);
    return reply(res, r.status || 502, r.body);
  }
  if (url.pathname === '/api/fail') {
    const r = await call('GET', `${USERS}/fail`);
    return reply(res, r.status >= 500 || r.status === 0 ? 502 : r.status, { error: 'upstream failed', upstream: r.body });
  }
  if (url.pathname === '/healthz') return reply(res, 200, { ok: true });
  reply(res, 404, { error: 'not found', path: url.pathname });
});
