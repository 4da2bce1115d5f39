import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntryJson } from '../src/domain/entry-row.js';
import { HubStream, type SocketLike } from '../src/domain/hub-stream.js';

class FakeSocket implements SocketLike {
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {}
  send(): void {}
  close(): void {
    this.closed = true;
  }
  deliver(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

const entry = (id: string, timestamp: number) => ({ id, timestamp }) as EntryJson;

function harness() {
  const sockets: FakeSocket[] = [];
  const batches: string[][] = [];
  const flushes: (() => void)[] = [];
  const stream = new HubStream({
    url: 'ws://front/api/ws',
    socket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    schedule: (f) => flushes.push(f),
    listener: { entries: (b) => batches.push(b.map((e) => e.id)), state: () => undefined, gap: () => undefined, filterError: () => undefined },
  });
  const flush = () => flushes.splice(0).forEach((f) => f());
  return { stream, sockets, batches, flush };
}

describe('HubStream', () => {
  it('batches the entries that arrive between two flushes', () => {
    const { stream, sockets, batches, flush } = harness();
    stream.start('');
    sockets[0]!.deliver({ ready: { filter: '', replayed: 0 } });
    sockets[0]!.deliver(entry('a/1', 1));
    sockets[0]!.deliver(entry('a/2', 2));
    flush();
    assert.deepEqual(batches, [['a/1', 'a/2']]);
  });

  it('asks for batches and takes a batch as its entries, in order, copies dropped', () => {
    const { stream, sockets, batches, flush } = harness();
    stream.start('');
    assert.match(sockets[0]!.url, /[?&]batch=1(&|$)/);
    sockets[0]!.deliver({ ready: { filter: '', replayed: 0 } });
    sockets[0]!.deliver({ entries: [entry('a/1', 1), entry('b/1', 2)] });
    // A hub that sends entry by entry is understood as well, and an entry seen already is not shown twice.
    sockets[0]!.deliver(entry('a/2', 3));
    sockets[0]!.deliver({ entries: [entry('a/2', 3), entry('b/2', 4)] });
    flush();
    assert.deepEqual(batches, [['a/1', 'b/1', 'a/2', 'b/2']]);
  });

  it('opens a new query on a new socket and ignores what the old one still delivers', () => {
    const { stream, sockets, batches, flush } = harness();
    stream.start('');
    const old = sockets[0]!;
    old.deliver({ ready: { filter: '', replayed: 0 } });
    old.deliver(entry('a/1', 1));
    stream.start('method == "POST"', 1000);
    assert.equal(sockets.length, 2);
    assert.ok(old.closed);
    assert.match(sockets[1]!.url, /q=method\+%3D%3D\+%22POST%22&since=1000$/);
    // Entries of the old query were on their way: neither the unflushed one nor these show.
    old.deliver(entry('a/2', 2));
    old.onclose?.({ code: 1000, reason: 'reconnecting' });
    sockets[1]!.deliver(entry('a/9', 1001));
    flush();
    assert.deepEqual(batches, [['a/9']]);
    assert.equal(sockets.length, 2, 'the old socket closing does not reconnect');
  });
});
