#!/usr/bin/env node
// bench/dissect/grpc-load.mjs: the gRPC load of bench/dissect/grpc.sh. Makes exactly --calls
// calls to the fixtures' gRPC server (packages/dissect/test/fixtures/servers/grpc-server.mjs,
// @grpc/grpc-js, servers/library.proto) over --channels connections, --in-flight calls at once
// on each (HTTP/2 streams multiplexed), in a fixed mix per 20 calls:
//   16 GetBook (unary, ~120 B answer), 2 GetBook of an unknown ISBN (NOT_FOUND, Trailers-Only),
//   2 ListBooks (server streaming, 2 books)
// Prints `calls=N not_found=M streams=S` and exits 0 when every call gave what it should.
// Bounded: each call has a 10 s deadline.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const { values } = parseArgs({
  options: { target: { type: 'string' }, calls: { type: 'string' }, channels: { type: 'string', default: '4' }, 'in-flight': { type: 'string', default: '8' } },
});
const here = path.dirname(fileURLToPath(import.meta.url));
const proto = grpc.loadPackageDefinition(protoLoader.loadSync(path.join(here, '../../packages/dissect/test/fixtures/servers/library.proto'), { longs: Number }));
const { Library } = proto.shoal.fixture;

const total = Number(values.calls);
const channels = Number(values.channels);
const inFlight = Number(values['in-flight']);
const counts = { calls: 0, notFound: 0, streams: 0 };

function call(client, i) {
  const options = { deadline: Date.now() + 10_000 };
  const k = i % 20;
  if (k < 16) return new Promise((ok, ko) => client.getBook({ isbn: '978-1-000-00001-1' }, options, (err) => (err ? ko(err) : ok())));
  if (k < 18) {
    return new Promise((ok, ko) =>
      client.getBook({ isbn: `missing-${i}` }, options, (err) => {
        if (err?.code !== grpc.status.NOT_FOUND) ko(err ?? new Error('an unknown ISBN was found'));
        counts.notFound++;
        ok();
      }),
    );
  }
  return new Promise((ok, ko) => {
    const s = client.listBooks({ author: 'Ada Shoal', limit: 2 }, options);
    s.on('data', () => undefined);
    s.on('error', ko);
    s.on('end', () => {
      counts.streams++;
      ok();
    });
  });
}

/** One channel's share of the calls, `inFlight` at a time. */
async function channel(index) {
  const client = new Library(values.target, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  let next = index;
  const worker = async () => {
    while (next < total) {
      const i = next;
      next += channels;
      await call(client, i);
      counts.calls++;
    }
  };
  try {
    await Promise.all(Array.from({ length: inFlight }, worker));
  } finally {
    client.close();
  }
}

try {
  await Promise.all(Array.from({ length: channels }, (_, i) => channel(i)));
  console.log(`calls=${counts.calls} not_found=${counts.notFound} streams=${counts.streams}`);
} catch (err) {
  console.error(`grpc-load.mjs: ${err.message}`);
  process.exit(1);
}
