/**
 * tshark's view of the MongoDB messages in a capture, and ours in the same terms, so that a test
 * can compare the two message by message. tshark is an independent dissector (Wireshark's
 * MongoDB dissector reads the header, OP_MSG sections, OP_QUERY and OP_REPLY and their BSON); it
 * runs at test time, with port 27017 decoded as MongoDB.
 *
 * One line per message: the client's port, the opcode, the requestID and responseTo, and for a
 * request the first element's name (the command). A segment that ends several messages has its
 * fields listed together: the command is taken only from segments with one message.
 */

import type { Entry } from '@shoal/model';
import { tshark } from './tshark-summary.js';

const SERVER = 27017;
const OPCODES: Readonly<Record<string, number>> = { OP_REPLY: 1, OP_UPDATE: 2001, OP_INSERT: 2002, OP_QUERY: 2004, OP_GET_MORE: 2005, OP_DELETE: 2006, OP_KILL_CURSORS: 2007, OP_COMPRESSED: 2012, OP_MSG: 2013 };

export function tsharkMongo(capture: string): string[] {
  const out = tshark([
    '-r', capture, '-o', 'tcp.reassemble_out_of_order:TRUE', '-d', `tcp.port==${SERVER},mongo`, '-Y', 'mongo', '-T', 'fields',
    '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=|',
    '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'mongo.opcode', '-e', 'mongo.request_id', '-e', 'mongo.response_to', '-e', 'mongo.element.name',
  ]);
  const lines: string[] = [];
  for (const row of out.split('\n')) {
    if (row === '') continue;
    const [sport = '', dport = '', ops = '', ids = '', tos = '', names = ''] = row.split('\t');
    const fromClient = Number(dport) === SERVER;
    const port = fromClient ? sport : dport;
    const opList = ops.split('|');
    const idList = ids.split('|');
    const toList = tos.split('|');
    opList.forEach((op, i) => {
      const cmd = fromClient && opList.length === 1 ? ` cmd=${names.split('|')[0] ?? ''}` : '';
      // tshark writes the ids in hex.
      lines.push(`client=${port} op=${op} id=${Number(idList[i])} to=${Number(toList[i])}${cmd}`);
    });
  }
  return lines;
}

/** Our MongoDB entries as the same lines; `single`: the requests whose command tshark can attribute. */
export function ourMongo(entries: readonly Entry[], single: (port: string, id: number) => boolean): string[] {
  const lines: string[] = [];
  for (const e of entries) {
    if (e.protocol.name !== 'mongodb') continue;
    const port = String(e.src.port);
    const req = e.request;
    const res = e.response;
    if (req !== null) {
      const id = req['requestId'] as number;
      const cmd = single(port, id) ? ` cmd=${req['command'] as string}` : '';
      lines.push(`client=${port} op=${OPCODES[req['opCode'] as string]} id=${id >>> 0} to=0${cmd}`);
    }
    if (res !== null) lines.push(`client=${port} op=${OPCODES[res['opCode'] as string]} id=${(res['requestId'] as number) >>> 0} to=${(res['responseTo'] as number) >>> 0}`);
  }
  return lines;
}
