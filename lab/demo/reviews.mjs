// The `reviews` GraphQL endpoint: the `graphql` reference implementation executing a small
// schema behind POST /graphql (GraphQL over HTTP: a JSON body {query, operationName,
// variables}, a {data, errors} answer with status 200). The front asks for an item's reviews
// and rating and adds reviews; a review of 0 or 6 stars, or of an unknown SKU, gets an error
// in the answer (with data null), as GraphQL servers report them.
import { buildSchema, graphql } from 'graphql';
import { SKUS } from './catalog-data.mjs';
import { readJson, reply, serve } from './cluster-http.mjs';

const schema = buildSchema(`
  type Review { id: ID!, sku: String!, stars: Int!, text: String! }
  type Query { reviews(sku: String!, limit: Int): [Review!]!, rating(sku: String!): Float }
  type Mutation { addReview(sku: String!, stars: Int!, text: String!): Review! }
`);

/** The latest reviews per SKU (at most KEPT each: the demo runs for hours). */
const KEPT = 20;
const reviews = new Map(SKUS.map((sku) => [sku, [{ id: `${sku}-1`, sku, stars: 4, text: 'as described' }]]));
let next = 2;

const knownSku = (sku) => {
  if (!reviews.has(sku)) throw new Error(`no item with SKU "${sku}"`);
  return reviews.get(sku);
};
const root = {
  reviews: ({ sku, limit }) => knownSku(sku).slice(-(limit ?? KEPT)).reverse(),
  rating: ({ sku }) => {
    const list = knownSku(sku);
    return Math.round((list.reduce((s, r) => s + r.stars, 0) / list.length) * 10) / 10;
  },
  addReview: ({ sku, stars, text }) => {
    const list = knownSku(sku);
    if (stars < 1 || stars > 5) throw new Error(`stars must be 1 to 5, got ${stars}`);
    const review = { id: `${sku}-${next++}`, sku, stars, text };
    list.push(review);
    if (list.length > KEPT) list.shift();
    return review;
  },
};

serve(async (req, res) => {
  const url = new URL(req.url, 'http://reviews');
  if (url.pathname === '/healthz') return reply(res, 200, { ok: true });
  if (req.method !== 'POST' || url.pathname !== '/graphql') return reply(res, 404, { error: 'not found: POST /graphql' });
  const body = await readJson(req);
  if (body === null || typeof body.query !== 'string') return reply(res, 400, { errors: [{ message: 'a GraphQL request is {"query": string, "variables"?: object}' }] });
  reply(res, 200, await graphql({ schema, source: body.query, rootValue: root, operationName: body.operationName, variableValues: body.variables }));
});
