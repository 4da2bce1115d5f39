// shop.proto loaded for @grpc/grpc-js: the catalog serves it, the front calls it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

/** The `shop` package: `shopProto().Catalog` is the service's client constructor. */
export function shopProto() {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'shop.proto');
  return grpc.loadPackageDefinition(protoLoader.loadSync(file, { longs: Number, defaults: true })).shop;
}
