/**
 * Protobuf without a schema (protocols/grpc/protobuf.ts): every wire type, the readings a value
 * gets, the choice between text, nested message and bytes for a LEN payload, what is not one
 * message, the bounds, and random bytes (never a throw, every tree serialisable).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMessage, MAX_DEPTH, MAX_FIELDS } from '../dist/protocols/grpc/protobuf.js';
import { pbFixed32, pbFixed64, pbGroup, pbLen, pbVarint, varint } from './helpers/protobuf-wire.js';
import { prng } from './helpers/split-replay.js';

describe('protobuf without a schema', () => {
  it("reads the guide's own example: field 1, varint 150 is 08 96 01", () => {
    assert.deepEqual(decodeMessage(Buffer.from('089601', 'hex')), [{ number: 1, wireType: 'varint', value: 150 }]);
  });

  it('gives every wire type its readings: varints exact past 2^53, fixed as unsigned and as float/double', () => {
    const msg = Buffer.concat([
      pbVarint(1, 2n ** 64n - 1n),
      pbVarint(2, 2 ** 53 - 1),
      pbFixed64(3, 1.5, true),
      pbFixed64(4, 12345n),
      pbFixed32(5, 0.25, true),
      pbFixed32(6, 312),
      pbVarint(536870911, 1),
    ]);
    assert.deepEqual(decodeMessage(msg), [
      { number: 1, wireType: 'varint', value: '18446744073709551615' },
      { number: 2, wireType: 'varint', value: 2 ** 53 - 1 },
      { number: 3, wireType: 'i64', value: '4609434218613702656', double: 1.5 },
      // 12345 as a double is a denormal: not a plausible double, so not shown as one.
      { number: 4, wireType: 'i64', value: '12345' },
      { number: 5, wireType: 'i32', value: 1048576000, float: 0.25 },
      { number: 6, wireType: 'i32', value: 312 },
      { number: 536870911, wireType: 'varint', value: 1 },
    ]);
  });

  it('reads a LEN payload as text, a nested message, or bytes, in that order', () => {
    const nested = Buffer.concat([pbLen(1, 'Reef Press'), pbVarint(2, 12000)]);
    const msg = Buffer.concat([
      pbLen(1, 'hi'), // also parses as a message (field 13, varint 105): text wins
      pbLen(2, nested), // starts with a line feed (the tag of field 1, LEN): a message
      pbLen(3, Buffer.from([0xff, 0x00, 0xfe])),
      pbLen(4, ''),
      pbLen(5, 'ligne\tavec « accents »\n'),
      pbLen(6, Buffer.concat([Buffer.from([0x01]), Buffer.from('x')])), // UTF-8 with a control character, not a message
    ]);
    assert.deepEqual(decodeMessage(msg), [
      { number: 1, wireType: 'len', length: 2, string: 'hi' },
      { number: 2, wireType: 'len', length: nested.length, fields: [{ number: 1, wireType: 'len', length: 10, string: 'Reef Press' }, { number: 2, wireType: 'varint', value: 12000 }] },
      { number: 3, wireType: 'len', length: 3, bytes: '/wD+' },
      { number: 4, wireType: 'len', length: 0, string: '' },
      { number: 5, wireType: 'len', length: Buffer.byteLength('ligne\tavec « accents »\n'), string: 'ligne\tavec « accents »\n' },
      { number: 6, wireType: 'len', length: 2, string: '\u0001x' },
    ]);
  });

  it('reads groups (wire types 3 and 4), nested ones too', () => {
    assert.deepEqual(decodeMessage(pbGroup(7, pbVarint(1, 1), pbGroup(2, pbVarint(3, 4)))), [
      { number: 7, wireType: 'group', fields: [{ number: 1, wireType: 'varint', value: 1 }, { number: 2, wireType: 'group', fields: [{ number: 3, wireType: 'varint', value: 4 }] }] },
    ]);
  });

  it('says null for bytes that are not one whole message', () => {
    for (const [why, hex] of [
      ['field number 0', '0001'],
      ['wire type 6', '0e01'],
      ['wire type 7', '0f01'],
      ['a varint cut off', '0896'],
      ['a varint of 11 bytes', `08${'ff'.repeat(10)}01`],
      ['a 10-byte varint over 64 bits', `08${'ff'.repeat(9)}02`],
      ['a length past the end', '0a05616263'],
      ['a fixed64 cut off', '09010203'],
      ['a group never ended', '3b0801'],
      ['a group end without its start', '3c'],
      ['a group ended by another field number', '3b08014c'],
    ] as const) {
      assert.equal(decodeMessage(Buffer.from(hex, 'hex')), null, why);
    }
    assert.deepEqual(decodeMessage(Buffer.alloc(0)), [], 'an empty message is a message with no field');
  });

  it(`stops following nested messages ${MAX_DEPTH} deep, and trees of more than ${MAX_FIELDS} fields are not shown as fields`, () => {
    let deep = pbVarint(1, 1);
    for (let i = 0; i < MAX_DEPTH + 5; i++) deep = pbLen(2, deep);
    const tree = decodeMessage(deep)!;
    let depth = 0;
    let node = tree[0]!;
    while (node.fields !== undefined) {
      depth++;
      node = node.fields[0]!;
    }
    assert.ok(depth <= MAX_DEPTH, `${depth} levels`);
    assert.ok(node.fields === undefined && node.string !== undefined, 'the deepest payload is shown as it is (UTF-8 here)');

    const many = Buffer.concat(Array.from({ length: MAX_FIELDS + 1 }, () => pbVarint(1, 1)));
    assert.equal(decodeMessage(many), null);
    const inner = pbLen(3, Buffer.concat(Array.from({ length: MAX_FIELDS }, () => pbVarint(1, 1))));
    const outer = decodeMessage(Buffer.concat([pbVarint(1, 7), inner]))!;
    assert.deepEqual(outer[0], { number: 1, wireType: 'varint', value: 7 });
    assert.equal(outer[1]!.fields, undefined, 'the nested payload over the bound is shown as it is');
    assert.equal(outer[1]!.string, '\u0008\u0001'.repeat(MAX_FIELDS));
  });

  it('never throws on random bytes, and every tree it gives is JSON that reads back', () => {
    const rnd = prng(2024);
    let messages = 0;
    for (let round = 0; round < 20_000; round++) {
      const n = Math.floor(rnd() * 64);
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
      // Half of them start as a plausible field, so the parser goes deeper than the first byte.
      const bytes = round % 2 === 0 ? b : Buffer.concat([varint((1 + (round % 30)) * 8 + (round % 6)), b]);
      const fields = decodeMessage(bytes);
      if (fields === null) continue;
      messages++;
      assert.deepEqual(JSON.parse(JSON.stringify(fields)), fields);
    }
    assert.ok(messages > 100, `${messages} random inputs parsed as messages`);
  });
});
