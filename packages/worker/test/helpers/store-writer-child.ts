/**
 * Child process for the kill -9 test: appends entries and packets to a store, flushing after
 * every batch and then printing how many entries are flushed; it never stops on its own (the
 * test kills it), but gives up after a bounded number of batches.
 */
import { EntryStore } from '../../dist/index.js';
import { sampleEntry } from './sample-entry.js';

const dir = process.argv[2]!;
const store = EntryStore.open(dir, { limitBytes: 1 << 30, segmentBytes: 256 * 1024 });
const packet = Buffer.alloc(120, 0x41);
let n = 0;
for (let batch = 0; batch < 2000; batch++) {
  for (let i = 0; i < 50; i++) {
    n++;
    store.appendEntry(sampleEntry(n));
    store.appendPacket(`w/tcp/${n % 7}`, 1, n, packet, 0, packet.length, packet.length);
  }
  store.flush();
  process.stdout.write(`flushed ${n}\n`);
  // Unflushed appends sit in the buffer when the kill comes: they are allowed to be lost.
  for (let i = 0; i < 10; i++) store.appendEntry(sampleEntry(n + 1 + i));
  await new Promise((resolve) => setTimeout(resolve, 1));
  n += 10;
}
