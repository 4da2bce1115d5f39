/**
 * The methods of AMQP 0-9-1 (amqp0-9-1.xml, the protocol's machine-readable definition, and
 * amqp0-9-1.pdf §1 "Class and method reference"), with RabbitMQ's extensions (exchange.bind,
 * confirm, basic.nack): their names, their arguments in order, which carry content (a header
 * frame and body frames follow, §4.2.6), and which are synchronous (the peer answers with one of
 * the methods listed, §2.2.4, unless the request set `no-wait`).
 *
 * A method frame's payload is class-id:16 method-id:16 arguments (§4.2.4); the arguments are the
 * field types of fields.ts. The credentials of connection.start-ok (its `response`) and
 * connection.secure(-ok) are never decoded into an entry: their size only.
 */

import { Cursor, type FieldValue } from './fields.js';

export type Args = Record<string, FieldValue>;

type Field = readonly [name: string, type: 'octet' | 'short' | 'long' | 'longlong' | 'bit' | 'shortstr' | 'longstr' | 'table' | 'secret' | 'timestamp'];

interface MethodSpec {
  name: string;
  fields: readonly Field[];
  /** Method keys (class << 16 | method) of the answers it expects; none: asynchronous. */
  answers: readonly number[];
  content: boolean;
}

const key = (cls: number, method: number): number => (cls << 16) | method;

const specs = new Map<number, MethodSpec>();

function define(cls: number, method: number, name: string, fields: readonly Field[], answers: readonly [number, number][] = [], content = false): void {
  specs.set(key(cls, method), { name, fields, answers: answers.map(([c, m]) => key(c, m)), content });
}

const reserved = (type: 'short' | 'shortstr' | 'longstr' | 'bit'): Field => ['reserved', type];

// connection (10)
define(10, 10, 'connection.start', [['versionMajor', 'octet'], ['versionMinor', 'octet'], ['serverProperties', 'table'], ['mechanisms', 'longstr'], ['locales', 'longstr']], [[10, 11]]);
define(10, 11, 'connection.start-ok', [['clientProperties', 'table'], ['mechanism', 'shortstr'], ['response', 'secret'], ['locale', 'shortstr']]);
define(10, 20, 'connection.secure', [['challenge', 'secret']], [[10, 21]]);
define(10, 21, 'connection.secure-ok', [['response', 'secret']]);
define(10, 30, 'connection.tune', [['channelMax', 'short'], ['frameMax', 'long'], ['heartbeat', 'short']], [[10, 31]]);
define(10, 31, 'connection.tune-ok', [['channelMax', 'short'], ['frameMax', 'long'], ['heartbeat', 'short']]);
define(10, 40, 'connection.open', [['virtualHost', 'shortstr'], reserved('shortstr'), reserved('bit')], [[10, 41]]);
define(10, 41, 'connection.open-ok', [reserved('shortstr')]);
define(10, 50, 'connection.close', [['replyCode', 'short'], ['replyText', 'shortstr'], ['classId', 'short'], ['methodId', 'short']], [[10, 51]]);
define(10, 51, 'connection.close-ok', []);
define(10, 60, 'connection.blocked', [['reason', 'shortstr']]);
define(10, 61, 'connection.unblocked', []);
// channel (20)
define(20, 10, 'channel.open', [reserved('shortstr')], [[20, 11]]);
define(20, 11, 'channel.open-ok', [reserved('longstr')]);
define(20, 20, 'channel.flow', [['active', 'bit']], [[20, 21]]);
define(20, 21, 'channel.flow-ok', [['active', 'bit']]);
define(20, 40, 'channel.close', [['replyCode', 'short'], ['replyText', 'shortstr'], ['classId', 'short'], ['methodId', 'short']], [[20, 41]]);
define(20, 41, 'channel.close-ok', []);
// exchange (40)
define(40, 10, 'exchange.declare', [reserved('short'), ['exchange', 'shortstr'], ['type', 'shortstr'], ['passive', 'bit'], ['durable', 'bit'], ['autoDelete', 'bit'], ['internal', 'bit'], ['noWait', 'bit'], ['arguments', 'table']], [[40, 11]]);
define(40, 11, 'exchange.declare-ok', []);
define(40, 20, 'exchange.delete', [reserved('short'), ['exchange', 'shortstr'], ['ifUnused', 'bit'], ['noWait', 'bit']], [[40, 21]]);
define(40, 21, 'exchange.delete-ok', []);
define(40, 30, 'exchange.bind', [reserved('short'), ['destination', 'shortstr'], ['source', 'shortstr'], ['routingKey', 'shortstr'], ['noWait', 'bit'], ['arguments', 'table']], [[40, 31]]);
define(40, 31, 'exchange.bind-ok', []);
define(40, 40, 'exchange.unbind', [reserved('short'), ['destination', 'shortstr'], ['source', 'shortstr'], ['routingKey', 'shortstr'], ['noWait', 'bit'], ['arguments', 'table']], [[40, 51]]);
define(40, 51, 'exchange.unbind-ok', []);
// queue (50)
define(50, 10, 'queue.declare', [reserved('short'), ['queue', 'shortstr'], ['passive', 'bit'], ['durable', 'bit'], ['exclusive', 'bit'], ['autoDelete', 'bit'], ['noWait', 'bit'], ['arguments', 'table']], [[50, 11]]);
define(50, 11, 'queue.declare-ok', [['queue', 'shortstr'], ['messageCount', 'long'], ['consumerCount', 'long']]);
define(50, 20, 'queue.bind', [reserved('short'), ['queue', 'shortstr'], ['exchange', 'shortstr'], ['routingKey', 'shortstr'], ['noWait', 'bit'], ['arguments', 'table']], [[50, 21]]);
define(50, 21, 'queue.bind-ok', []);
define(50, 30, 'queue.purge', [reserved('short'), ['queue', 'shortstr'], ['noWait', 'bit']], [[50, 31]]);
define(50, 31, 'queue.purge-ok', [['messageCount', 'long']]);
define(50, 40, 'queue.delete', [reserved('short'), ['queue', 'shortstr'], ['ifUnused', 'bit'], ['ifEmpty', 'bit'], ['noWait', 'bit']], [[50, 41]]);
define(50, 41, 'queue.delete-ok', [['messageCount', 'long']]);
define(50, 50, 'queue.unbind', [reserved('short'), ['queue', 'shortstr'], ['exchange', 'shortstr'], ['routingKey', 'shortstr'], ['arguments', 'table']], [[50, 51]]);
define(50, 51, 'queue.unbind-ok', []);
// basic (60)
define(60, 10, 'basic.qos', [['prefetchSize', 'long'], ['prefetchCount', 'short'], ['global', 'bit']], [[60, 11]]);
define(60, 11, 'basic.qos-ok', []);
define(60, 20, 'basic.consume', [reserved('short'), ['queue', 'shortstr'], ['consumerTag', 'shortstr'], ['noLocal', 'bit'], ['noAck', 'bit'], ['exclusive', 'bit'], ['noWait', 'bit'], ['arguments', 'table']], [[60, 21]]);
define(60, 21, 'basic.consume-ok', [['consumerTag', 'shortstr']]);
define(60, 30, 'basic.cancel', [['consumerTag', 'shortstr'], ['noWait', 'bit']], [[60, 31]]);
define(60, 31, 'basic.cancel-ok', [['consumerTag', 'shortstr']]);
define(60, 40, 'basic.publish', [reserved('short'), ['exchange', 'shortstr'], ['routingKey', 'shortstr'], ['mandatory', 'bit'], ['immediate', 'bit']], [], true);
define(60, 50, 'basic.return', [['replyCode', 'short'], ['replyText', 'shortstr'], ['exchange', 'shortstr'], ['routingKey', 'shortstr']], [], true);
define(60, 60, 'basic.deliver', [['consumerTag', 'shortstr'], ['deliveryTag', 'longlong'], ['redelivered', 'bit'], ['exchange', 'shortstr'], ['routingKey', 'shortstr']], [], true);
define(60, 70, 'basic.get', [reserved('short'), ['queue', 'shortstr'], ['noAck', 'bit']], [[60, 71], [60, 72]]);
define(60, 71, 'basic.get-ok', [['deliveryTag', 'longlong'], ['redelivered', 'bit'], ['exchange', 'shortstr'], ['routingKey', 'shortstr'], ['messageCount', 'long']], [], true);
define(60, 72, 'basic.get-empty', [reserved('shortstr')]);
define(60, 80, 'basic.ack', [['deliveryTag', 'longlong'], ['multiple', 'bit']]);
define(60, 90, 'basic.reject', [['deliveryTag', 'longlong'], ['requeue', 'bit']]);
define(60, 100, 'basic.recover-async', [['requeue', 'bit']]);
define(60, 110, 'basic.recover', [['requeue', 'bit']], [[60, 111]]);
define(60, 111, 'basic.recover-ok', []);
define(60, 120, 'basic.nack', [['deliveryTag', 'longlong'], ['multiple', 'bit'], ['requeue', 'bit']]);
// confirm (85), tx (90)
define(85, 10, 'confirm.select', [['noWait', 'bit']], [[85, 11]]);
define(85, 11, 'confirm.select-ok', []);
define(90, 10, 'tx.select', [], [[90, 11]]);
define(90, 11, 'tx.select-ok', []);
define(90, 20, 'tx.commit', [], [[90, 21]]);
define(90, 21, 'tx.commit-ok', []);
define(90, 30, 'tx.rollback', [], [[90, 31]]);
define(90, 31, 'tx.rollback-ok', []);

export const Method = {
  CONNECTION_CLOSE: key(10, 50),
  CONNECTION_CLOSE_OK: key(10, 51),
  CHANNEL_CLOSE: key(20, 40),
  CHANNEL_CLOSE_OK: key(20, 41),
  BASIC_PUBLISH: key(60, 40),
  BASIC_RETURN: key(60, 50),
  BASIC_DELIVER: key(60, 60),
  BASIC_GET_OK: key(60, 71),
  BASIC_ACK: key(60, 80),
  BASIC_REJECT: key(60, 90),
  BASIC_NACK: key(60, 120),
  BASIC_CONSUME: key(60, 20),
  BASIC_CONSUME_OK: key(60, 21),
  CONFIRM_SELECT: key(85, 10),
  CONFIRM_SELECT_OK: key(85, 11),
} as const;

export const methodKey = key;

/** A method's name, `class.method` (`basic.publish`), or its numbers when it is not one of 0-9-1's. */
export function methodName(k: number): string {
  return specs.get(k)?.name ?? `method ${k >>> 16}.${k & 0xffff}`;
}

export const isKnown = (k: number): boolean => specs.has(k);

/** Methods that only ever answer another (the `-ok`s, basic.get-empty). */
const ANSWERS: ReadonlySet<number> = new Set([...specs.values()].flatMap((s) => s.answers));
export const isAnswerMethod = (k: number): boolean => ANSWERS.has(k);
export const carriesContent = (k: number): boolean => specs.get(k)?.content === true;
/** The answers a method expects (none: it is asynchronous). */
export const answersOf = (k: number): readonly number[] => specs.get(k)?.answers ?? [];

/** The arguments of method `k` from its frame's payload after the ids; `short` when they run past it. */
export function decodeArgs(k: number, payload: Buffer): { args: Args; short: boolean } {
  const spec = specs.get(k);
  const c = new Cursor(payload);
  const args: Args = {};
  if (spec === undefined) return { args, short: false };
  for (const [name, type] of spec.fields) {
    let v: FieldValue;
    switch (type) {
      case 'octet':
        v = c.octet();
        break;
      case 'short':
        v = c.short16();
        break;
      case 'long':
        v = c.long();
        break;
      case 'longlong':
      case 'timestamp':
        v = c.longlong();
        break;
      case 'bit':
        v = c.bit();
        break;
      case 'shortstr':
        v = c.shortstr();
        break;
      case 'longstr':
        v = c.longstr().toString('utf8');
        break;
      case 'secret':
        v = c.longstr().length;
        break;
      case 'table':
        v = c.table();
        break;
    }
    if (name !== 'reserved') args[type === 'secret' ? `${name}Size` : name] = v;
  }
  return { args, short: c.short };
}
