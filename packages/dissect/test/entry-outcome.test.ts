/**
 * The model's error rule (model's entry-outcome.ts) over entries made from real peers' captures,
 * in both details (the CLI's table dissects with detail `summary`): the @grpc/grpc-js call
 * answered NOT_FOUND with HTTP 200 is an error, its OK calls are not; the GraphQL query whose
 * field failed (200, one error) is an error, the others are not; nginx's 404 is a client error;
 * redis-server's error replies (an unknown command, WRONGTYPE) are errors, its other replies not;
 * PostgreSQL's statements answered with an ErrorResponse and MySQL's answered with an ERR packet
 * are errors, the others are not; a Kafka
 * response with an error code other than NONE is an error, and so is a MongoDB reply with ok 0 or a
 * write error.
 * mosquitto's refusals (a CONNECT not authorized, a PUBLISH 5.0 answers "not authorized") and
 * RabbitMQ's (a channel.close 404) are errors, nothing else of theirs.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { entryOutcome } from '@shoal/model';
import { dissectFile } from './helpers/dissect-capture.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/', import.meta.url));

/** `summary.text -> outcome` of every entry of `file` except flows, in both details (they must agree). */
function outcomes(file: string): string[] {
  const [full, summary] = (['full', 'summary'] as const).map((detail) =>
    dissectFile(`${FIXTURES}${file}`, { detail }).entries.filter((e) => e.protocol.name !== 'tcp').map((e) => `${e.summary.status} ${e.summary.text} => ${entryOutcome(e)}`),
  );
  assert.deepEqual(summary, full, 'detail summary gives the same outcomes');
  return full!.sort();
}

describe('entry outcome of real entries', () => {
  it('gRPC (@grpc/grpc-js): the NOT_FOUND call over HTTP 200 is an error', () => {
    assert.deepEqual(outcomes('grpc/calls.pcap'), [
      '200 /shoal.fixture.Library/AddBooks -> OK (3 -> 1 messages) => ok',
      '200 /shoal.fixture.Library/Chat -> OK (3 -> 3 messages) => ok',
      '200 /shoal.fixture.Library/GetBook -> NOT_FOUND => error',
      '200 /shoal.fixture.Library/GetBook -> OK => ok',
      '200 /shoal.fixture.Library/ListBooks -> OK (1 -> 3 messages) => ok',
    ]);
  });

  it('GraphQL (graphql-js over HTTP/1.1 and HTTP/2): the response with an error is an error', () => {
    for (const file of ['graphql/http1.pcap', 'graphql/http2.pcap']) {
      const got = outcomes(file).filter((o) => !o.includes('/search'));
      assert.deepEqual(got.filter((o) => o.endsWith('=> error')), ['200 query Missing -> 200 (1 error) => error'], file);
      assert.ok(got.length >= 3 && got.filter((o) => o.endsWith('=> ok')).length === got.length - 1, file);
    }
  });

  it('PostgreSQL (node-postgres): the statements answered with an ErrorResponse are errors', () => {
    const got = outcomes('postgresql/node-md5.pcap');
    assert.deepEqual(got.filter((o) => o.endsWith('=> error')), [
      'undefined SELECT * FROM no_such_table -> ERROR 42P01 relation "no_such_table" does not exist => error',
      'undefined SELECT 10 / $1::int AS q -> ERROR 22012 division by zero => error',
    ]);
    assert.equal(got.length, 15);
  });

  it('Redis (redis-server and redis-cli): the error replies are errors, nothing else is', () => {
    const got = outcomes('redis/cli.pcap');
    assert.deepEqual(got.filter((o) => !o.endsWith('=> ok')), [
      "undefined LPUSH user:1 -> WRONGTYPE Operation against a key holding the wrong kind of ... => error",
      "undefined NOSUCHCOMMAND x -> ERR unknown command 'NOSUCHCOMMAND', with args beginning wit... => error",
    ]);
    assert.equal(got.length, 29);
  });

  it('MySQL (mysql2): the commands answered with an ERR packet are errors', () => {
    const got = outcomes('mysql/node-mysql2.pcap');
    assert.deepEqual(got.filter((o) => o.endsWith('=> error')), [
      "undefined INSERT INTO shoal_users (id, name) VALUES (?, ?) -> ERROR 1062 (23000): Duplicate entry '1' for key 'PRIMARY' => error",
      "undefined SELECT * FROM no_such_table -> ERROR 1146 (42S02): Table 'shoal.no_such_table' doesn't exist => error",
    ]);
    assert.equal(got.length, 16);
  });

  it('MQTT (mosquitto) and AMQP (RabbitMQ): their refusals are errors, nothing else', () => {
    const errors = (file: string): string[] => outcomes(file).filter((o) => !o.endsWith('=> ok'));
    assert.deepEqual(errors('mqtt/cli-v5.pcap'), ['undefined CONNECT pub-mqttv5-anonymous (5.0) -> not authorized => error']);
    assert.deepEqual(errors('mqtt/node-v5.pcap'), ['undefined PUBLISH secret/plans (QoS 1, 17 B) -> PUBACK not authorized => error']);
    assert.deepEqual(errors('amqp/amqplib.pcap'), ["undefined queue.declare shoal.missing -> channel.close 404 NOT_FOUND - no queue 'shoal.missing' in vhost '/' => error"]);
  });

  it('HTTP/1 (nginx): the 404 is a client error, the 200s ok', () => {
    const got = outcomes('http1/keep-alive.pcap');
    assert.deepEqual(got.filter((o) => !o.endsWith('=> ok')), ['404 GET /missing -> 404 => client-error']);
    assert.equal(got.length, 4);
  });

  it('Kafka (kcat): the responses with an error code other than NONE are errors', () => {
    const got = outcomes('kafka/error.pcap');
    assert.deepEqual([...new Set(got.filter((o) => o.endsWith('=> error')))], [
      'undefined Metadata v4 missing -> UNKNOWN_TOPIC_OR_PARTITION => error',
      'undefined Produce v7 locked (1 record) -> TOPIC_AUTHORIZATION_FAILED => error',
    ]);
    assert.ok(got.some((o) => o === 'undefined Metadata v4 locked -> ok => ok'));
  });

  it('MongoDB (the official driver): ok 0 and a write error are errors', () => {
    const got = outcomes('mongodb/error.pcap');
    assert.deepEqual(got.filter((o) => o.endsWith('=> error')), [
      'undefined insert shop.orders (1 doc) -> error 11000 => error',
      'undefined nope shop -> error 59 CommandNotFound => error',
    ]);
  });
});
