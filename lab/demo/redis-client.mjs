// A minimal Redis client over RESP2 (https://redis.io/docs/latest/develop/reference/protocol-spec/):
// commands go out as arrays of bulk strings; replies are read in order from one connection.
// Replies: "+text\r\n", "-error\r\n", ":int\r\n", "$len\r\n<bytes>\r\n" ($-1 is null),
// "*count\r\n" followed by that many replies.
//
// A connection serves for MAX_AGE_MS at most, then QUIT closes it once its replies are in and
// the next command opens another (as pools with a maximum connection lifetime do): each ends as
// a TCP flow the capture reports, and each new one looks the server's name up again.
import net from 'node:net';

const MAX_AGE_MS = 20_000;

/** One connection and the replies it still owes, in order. */
class Connection {
  constructor(host, port) {
    this.openedAt = Date.now();
    this.socket = net.connect(port, host);
    this.buffer = Buffer.alloc(0);
    this.waiting = [];
    this.closed = false;
    this.socket.on('data', (d) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.drain();
    });
    const fail = (err) => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w.reject(err);
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(new Error('redis connection closed')));
  }

  send(args) {
    let out = `*${args.length}\r\n`;
    for (const a of args) out += `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`;
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(out);
    });
  }

  drain() {
    while (this.waiting.length > 0) {
      const parsed = parse(this.buffer, 0);
      if (parsed === null) return; // need more bytes
      this.buffer = this.buffer.subarray(parsed.next);
      const w = this.waiting.shift();
      if (parsed.value instanceof Error) w.reject(parsed.value);
      else w.resolve(parsed.value);
    }
  }
}

export class RedisClient {
  constructor(host, port) {
    this.host = host;
    this.port = port;
    this.connection = null;
  }

  command(...args) {
    const c = this.connection;
    if (c === null || c.closed || Date.now() - c.openedAt > MAX_AGE_MS) {
      // Redis answers QUIT after the replies before it, then closes: none is lost.
      if (c !== null && !c.closed) c.send(['QUIT']).catch(() => {});
      this.connection = new Connection(this.host, this.port);
    }
    return this.connection.send(args);
  }
}

/** One reply at `at`: { value, next } or null when the buffer ends before it does. */
function parse(buf, at) {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return null;
  const type = String.fromCharCode(buf[at]);
  const line = buf.toString('utf8', at + 1, eol);
  const next = eol + 2;
  if (type === '+') return { value: line, next };
  if (type === '-') return { value: new Error(line), next };
  if (type === ':') return { value: Number(line), next };
  if (type === '$') {
    const len = Number(line);
    if (len < 0) return { value: null, next };
    if (buf.length < next + len + 2) return null;
    return { value: buf.toString('utf8', next, next + len), next: next + len + 2 };
  }
  if (type === '*') {
    const count = Number(line);
    const items = [];
    let pos = next;
    for (let i = 0; i < count; i++) {
      const item = parse(buf, pos);
      if (item === null) return null;
      items.push(item.value);
      pos = item.next;
    }
    return { value: count < 0 ? null : items, next: pos };
  }
  return { value: new Error(`unexpected RESP type ${JSON.stringify(type)}`), next: buf.length };
}
