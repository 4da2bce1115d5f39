/**
 * The TLS stream dissector: each direction's records (records.ts), the hellos and the TLS 1.2
 * certificate read from them (hello.ts, x509.ts), and one transaction per connection (shape.ts).
 *
 * Roles come from the messages, not the directions: a ClientHello is the client's wherever it
 * came from. The entry is emitted once: when the connection ends (both directions ended, or the
 * stream closes), or when the response timeout has passed since the ServerHello (or since the
 * ClientHello, when no answer came), so a long-lived connection still shows up. What the
 * connection carries after that is neither shown nor counted: it makes no further entries.
 */

import type { Direction, DissectorSession, StreamDissector } from '../../dissector.js';
import { parseClientHello, parseServerHello, type ClientHello, type ServerHello } from './hello.js';
import { RecordReader, type HandshakeMessage } from './records.js';
import { alertName, VERSION_TLS13 } from './registries.js';
import { chosenVersion, makeTransaction, type Handshake, type Side } from './shape.js';
import { firstCertificate } from './x509.js';

const CLIENT_HELLO = 1;
const SERVER_HELLO = 2;
const CERTIFICATE = 11;
const LEVELS: Record<number, string> = { 1: 'warning', 2: 'fatal' };

export class TlsStream implements StreamDissector {
  private readonly handshake: Handshake;
  private readonly readers: [RecordReader, RecordReader];
  private readonly ended: [boolean, boolean] = [false, false];
  private done = false;

  constructor(private readonly session: DissectorSession) {
    this.readers = [this.reader(0), this.reader(1)];
    this.handshake = {
      client: side<ClientHello>(this.readers[session.clientDirection]),
      server: side<ServerHello>(this.readers[1 - session.clientDirection]!),
      helloRetry: false,
      certificate: null,
      lastTs: 0,
    };
  }

  // ---- StreamDissector: nothing escapes these -----------------------------------------------

  data(direction: Direction, chunk: Buffer, timestampMs: number): void {
    if (this.done || chunk.length === 0) return;
    this.guard(() => {
      this.handshake.lastTs = timestampMs;
      this.readers[direction].push(chunk, timestampMs);
      this.noteLost(direction);
    });
  }

  gap(direction: Direction, length: number, timestampMs: number): void {
    if (this.done) return;
    this.guard(() => {
      this.handshake.lastTs = timestampMs;
      this.readers[direction].gap(length, timestampMs);
      this.noteLost(direction);
    });
  }

  end(direction: Direction, timestampMs: number): void {
    if (this.done) return;
    this.guard(() => {
      this.readers[direction].end(timestampMs);
      this.ended[direction] = true;
      if (this.ended[0] && this.ended[1]) this.emit();
    });
  }

  tick(timestampMs: number): void {
    if (this.done) return;
    const { client, server } = this.handshake;
    const since = server.hello !== null ? server.endTs : client.hello !== null ? client.endTs : null;
    if (since !== null && timestampMs - since > this.session.options.responseTimeoutMs) this.guard(() => this.emit());
  }

  close(timestampMs: number): void {
    if (this.done) return;
    this.guard(() => {
      for (const r of this.readers) r.end(timestampMs);
    });
    this.guard(() => this.emit());
    this.done = true;
  }

  // ---- the handshake ---------------------------------------------------------------------------

  private reader(direction: Direction): RecordReader {
    return new RecordReader({
      handshake: (m) => this.message(m),
      alert: (level, description, ts) => {
        const s = this.sideOf(direction);
        s.alerts.push({ level: LEVELS[level] ?? level, description: alertName(description), ts });
      },
      // TLS 1.2 encrypts what follows change_cipher_spec, which always comes after the
      // ServerHello (RFC 5246 §7.3). TLS 1.3 sends it only for middleboxes (RFC 8446 §D.4), also
      // before the ServerHello: a client sends it ahead of its second ClientHello, in clear.
      changeCipherSpec: () => {
        const sh = this.handshake.server.hello;
        return sh !== null && chosenVersion(sh) < VERSION_TLS13;
      },
    });
  }

  private sideOf(direction: Direction): Side<unknown> {
    return direction === this.session.clientDirection ? this.handshake.client : this.handshake.server;
  }

  private message(m: HandshakeMessage): void {
    const h = this.handshake;
    if (m.type === CLIENT_HELLO && h.client.hello === null) {
      h.client.hello = parseClientHello(m.body);
      h.client.startTs = m.startTs;
      h.client.endTs = m.endTs;
      h.client.problem ??= m.problem ?? h.client.hello.problem;
    } else if (m.type === SERVER_HELLO && h.server.hello === null) {
      const sh = parseServerHello(m.body);
      if (sh.helloRetry && sh.problem === null) {
        h.helloRetry = true;
        return;
      }
      h.server.hello = sh;
      h.server.startTs = m.startTs;
      h.server.endTs = m.endTs;
      h.server.problem ??= m.problem ?? sh.problem;
    } else if (m.type === CERTIFICATE && h.certificate === null && h.server.hello !== null && chosenVersion(h.server.hello) < VERSION_TLS13) {
      h.certificate = firstCertificate(m.body);
    }
  }

  /** A direction lost its framing before its hello: that side's entry part is incomplete. */
  private noteLost(direction: Direction): void {
    const lost = this.readers[direction].lost;
    const s = this.sideOf(direction);
    if (lost !== null && s.hello === null) s.problem ??= lost;
  }

  private emit(): void {
    if (this.done) return;
    this.done = true;
    this.session.emit(makeTransaction(this.handshake));
  }

  /** A bug surfaced as an exception: give up on the stream rather than throw into the pipeline. */
  private guard(f: () => void): void {
    try {
      f();
    } catch {
      this.done = true;
    }
  }
}

function side<H>(reader: RecordReader): Side<H> {
  return { hello: null, startTs: 0, endTs: 0, counts: reader.counts, alerts: [], problem: null };
}

