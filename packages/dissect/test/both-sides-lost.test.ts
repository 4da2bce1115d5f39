/**
 * Packets lost in both directions of a keep-alive connection at once (a capture replaced on a
 * target change discards what it had not delivered; drops): the whole engine over a built
 * conversation. Whatever is lost, each request keeps its own response: a lost request is an
 * entry marked DIS_ERR_GAP, and the pairing of the later requests never shifts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LinkType } from '@shoal/model';
import type { Packet } from './helpers/capture-rewrite.js';
import { dissectPackets, ofProtocol } from './helpers/dissect-capture.js';
import { ipv4, tcp } from './helpers/packet-builder.js';

const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;
const FIN = 0x01;
const CLIENT = { ip: '10.0.0.1', port: 40000 };
const SERVER = { ip: '10.0.0.2', port: 8080 };
const STATUSES = [200, 500, 201, 404, 200, 500];

/** Which packet of exchange `n` (1-based): the request, the response, the client's ack. */
type Part = 'req' | 'res' | 'ack';

/** A keep-alive connection with one exchange per status: GET /s/NNN?n=N answered NNN. */
function conversation(): Array<{ n: number; part: Part | 'open' | 'close'; packet: Packet }> {
  let c = 1000;
  let s = 5000;
  let ts = 1_700_000_000_000;
  const out: Array<{ n: number; part: Part | 'open' | 'close'; packet: Packet }> = [];
  const send = (n: number, part: Part | 'open' | 'close', fromClient: boolean, flags: number, text = ''): void => {
    const payload = Buffer.from(text, 'latin1');
    const [from, to, seq, ack] = fromClient ? [CLIENT, SERVER, c, s] : [SERVER, CLIENT, s, c];
    const data = ipv4(from.ip, to.ip, 6, tcp(from.port, to.port, seq, ack, flags, payload));
    out.push({ n, part, packet: { linkType: LinkType.RAW, tsMs: (ts += 1), data, wireLen: data.length } });
    const used = payload.length + ((flags & (SYN | FIN)) !== 0 ? 1 : 0);
    if (fromClient) c += used;
    else s += used;
  };
  send(0, 'open', true, SYN);
  send(0, 'open', false, SYN | ACK);
  send(0, 'open', true, ACK);
  STATUSES.forEach((status, i) => {
    const n = i + 1;
    send(n, 'req', true, PSH | ACK, `GET /s/${status}?n=${n} HTTP/1.1\r\nHost: x\r\n\r\n`);
    send(n, 'res', false, PSH | ACK, `HTTP/1.1 ${status} X\r\nContent-Length: 2\r\n\r\nok`);
    send(n, 'ack', true, ACK);
  });
  send(99, 'close', true, FIN | ACK);
  send(99, 'close', false, FIN | ACK);
  send(99, 'close', true, ACK);
  return out;
}

/** Summaries of the HTTP entries when the packets `lost` says are not captured. */
function dissectWithout(lost: (n: number, part: string) => boolean): string[] {
  const packets = conversation().filter((p) => !lost(p.n, p.part)).map((p) => p.packet);
  return ofProtocol(dissectPackets(packets), 'http').map((e) => `${e.summary.text}${e.malformed !== undefined ? ` [${e.malformed.code}]` : ''}`);
}

describe('packets lost in both directions of a keep-alive connection', () => {
  it('nothing lost: each request with its status', () => {
    assert.deepEqual(
      dissectWithout(() => false),
      STATUSES.map((status, i) => `GET /s/${status}?n=${i + 1} -> ${status}`),
    );
  });

  it('a whole exchange lost: one lost-request entry, the next ones paired right', () => {
    // The client's next request acks the lost response before the server acks the lost request:
    // the response's gap is known first, and must not be declared ahead of its request's.
    assert.deepEqual(
      dissectWithout((n) => n === 3),
      ['GET /s/200?n=1 -> 200', 'GET /s/500?n=2 -> 500', '(lost request) -> no response [DIS_ERR_GAP]', 'GET /s/404?n=4 -> 404', 'GET /s/200?n=5 -> 200', 'GET /s/500?n=6 -> 500'],
    );
  });

  it('a response and the next whole exchange lost: one gap holds two responses', () => {
    assert.deepEqual(
      dissectWithout((n, part) => (n === 2 && part !== 'req') || n === 3),
      ['GET /s/200?n=1 -> 200', 'GET /s/500?n=2 -> no response [DIS_ERR_GAP]', '(lost request) -> no response [DIS_ERR_GAP]', 'GET /s/404?n=4 -> 404', 'GET /s/200?n=5 -> 200', 'GET /s/500?n=6 -> 500'],
    );
  });

  it('two whole exchanges lost: one lost-request entry for both, the next ones paired right', () => {
    assert.deepEqual(
      dissectWithout((n) => n === 3 || n === 4),
      ['GET /s/200?n=1 -> 200', 'GET /s/500?n=2 -> 500', '(lost request) -> no response [DIS_ERR_GAP]', 'GET /s/200?n=5 -> 200', 'GET /s/500?n=6 -> 500'],
    );
  });
});
