// The `catalog` gRPC service (@grpc/grpc-js, shop.proto, HTTP/2 without TLS): GetItem answers
// one item, or NOT_FOUND for a SKU it does not hold (the error status the dashboard shows);
// ListItems streams the items of a category, one message each. The front calls it by its
// service name, so each new channel makes DNS queries too.
import grpc from '@grpc/grpc-js';
import { ITEMS } from './catalog-data.mjs';
import { shopProto } from './shop-proto.mjs';

const server = new grpc.Server();
server.addService(shopProto().Catalog.service, {
  getItem(call, callback) {
    const item = ITEMS.find((i) => i.sku === call.request.sku);
    if (item === undefined) return callback({ code: grpc.status.NOT_FOUND, details: `no item with SKU "${call.request.sku}"` });
    callback(null, item);
  },
  listItems(call) {
    const items = ITEMS.filter((i) => call.request.category === '' || i.category === call.request.category);
    for (const item of items.slice(0, call.request.limit || items.length)) call.write(item);
    call.end();
  },
});

server.bindAsync(`${process.env.HOST}:${process.env.PORT}`, grpc.ServerCredentials.createInsecure(), (err) => {
  if (err) {
    console.error(`catalog: ${err.message}`);
    process.exit(1);
  }
  console.log(`listening on ${process.env.HOST}:${process.env.PORT}`);
});
process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
