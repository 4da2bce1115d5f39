/**
 * GraphQL over HTTP/1 and HTTP/2, a layer of those dissectors, not a dissector of its own: an
 * HTTP transaction whose request is a GraphQL request (a POST whose JSON body's `query` is an
 * executable GraphQL document, or a GET with `query=`) becomes a `graphql` entry. Pairing is
 * HTTP's: one request, one response.
 *
 * Files: document.ts (a document's operations, from its tokens), request.ts (where HTTP carries
 * the request and the response's `errors`), shape.ts (the entry; its header comment says how).
 */

export { mayCarryGraphql } from './request.js';
export { graphqlTransaction } from './shape.js';
