import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntryJson } from '../src/domain/entry-row.js';
import { HubStream, type SocketLike } from '../src/domain/hub-stream.js';

/** A socket the test speaks for: `hub(m)` delivers a message as the hub would. */
class FakeSocket implements SocketLike {
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  readonly sent: string[] = [];
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {}
  hub(m: unknown): void {
    this.onmessage?.({ data: JSON.stringify(m) });
  }
}

const entry = (id: string, timestamp: number): EntryJson => ({ id, timestamp }) as unknown as EntryJson;

describe('HubStream, changing the query on the open socket', () => {
  it("drops the old query's entries still on their way until the new query's ready", () => {
    const socket = new FakeSocket();
    const got: string[] = [];
    const stream = new HubStream({
      url: 'ws://hub/ws',
      socket: () => socket,
      schedule: (flush) => flush(),
      listener: { entries: (b) => got.push(...b.map((e) => e.id)), state: () => undefined, gap: () => undefined, filterError: () => undefined },
    });
    stream.start('');
    socket.hub(entry('a', 1)); // a fresh socket's entries count at once, before its ready
    socket.hub({ ready: { filter: '', replayed: 0 } });
    stream.setFilter('http');
    stream.setFilter('dns');
    socket.hub(entry('old-1', 2)); // still the first query
    socket.hub({ ready: { filter: 'http', replayed: 0 } });
    socket.hub(entry('http-1', 3)); // the intermediate query: already replaced
    socket.hub({ ready: { filter: 'dns', replayed: 0 } });
    socket.hub(entry('dns-1', 4));
    assert.deepEqual(got, ['a', 'dns-1']);
    assert.deepEqual(
      socket.sent.map((m) => JSON.parse(m).filter),
      ['http', 'dns'],
    );
  });
});
