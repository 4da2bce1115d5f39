/**
 * HPACK (protocols/http2/hpack.ts, huffman.ts): the examples of RFC 7541 Appendix C as the RFC
 * prints them (byte literals: the spec's own test vectors), the Huffman table of Appendix B
 * checked as a code, and what the decoder does with a table it joined mid-way.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HpackDecoder, type HeaderField } from '../dist/protocols/http2/hpack.js';
import { huffmanDecode } from '../dist/protocols/http2/huffman.js';
import { HUFFMAN_CODES } from '../dist/protocols/http2/huffman-table.js';

const hex = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ''), 'hex');
const f = (name: string, value: string): HeaderField => ({ name, value });

/** Huffman-codes `text` with the table (a test-side encoder: bits appended MSB first, padded with ones). */
function huffmanEncode(text: string): Buffer {
  let bits = '';
  for (const ch of Buffer.from(text, 'latin1')) bits += HUFFMAN_CODES[2 * ch]!.toString(2).padStart(HUFFMAN_CODES[2 * ch + 1]!, '0');
  bits += '1'.repeat((8 - (bits.length % 8)) % 8);
  return Buffer.from(bits.match(/.{8}/g)?.map((b) => parseInt(b, 2)) ?? []);
}

/** Decodes each block in turn, checking the fields and the dynamic table after each (newest first, with sizes). */
function run(decoder: HpackDecoder, steps: Array<{ block: string; fields: HeaderField[]; table: Array<[number, string, string]>; size: number }>): void {
  for (const [i, step] of steps.entries()) {
    const out = decoder.decode(hex(step.block));
    assert.equal(out.problem, null, `block ${i + 1}`);
    assert.deepEqual(out.fields, step.fields, `block ${i + 1}`);
    assert.deepEqual(decoder.table.map((e) => [e.name.length + e.value.length + 32, e.name, e.value]), step.table, `table after block ${i + 1}`);
    assert.equal(decoder.tableSize, step.size, `table size after block ${i + 1}`);
  }
}

const REQ1 = [f(':method', 'GET'), f(':scheme', 'http'), f(':path', '/'), f(':authority', 'www.example.com')];
const REQ2 = [...REQ1, f('cache-control', 'no-cache')];
const REQ3 = [f(':method', 'GET'), f(':scheme', 'https'), f(':path', '/index.html'), f(':authority', 'www.example.com'), f('custom-key', 'custom-value')];
const DATE1 = 'Mon, 21 Oct 2013 20:13:21 GMT';
const DATE2 = 'Mon, 21 Oct 2013 20:13:22 GMT';
const COOKIE = 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1';
const RES1 = [f(':status', '302'), f('cache-control', 'private'), f('date', DATE1), f('location', 'https://www.example.com')];
const RES2 = [f(':status', '307'), f('cache-control', 'private'), f('date', DATE1), f('location', 'https://www.example.com')];
const RES3 = [f(':status', '200'), f('cache-control', 'private'), f('date', DATE2), f('location', 'https://www.example.com'), f('content-encoding', 'gzip'), f('set-cookie', COOKIE)];

const requestSteps = (blocks: [string, string, string]) => [
  { block: blocks[0], fields: REQ1, table: [[57, ':authority', 'www.example.com']] as Array<[number, string, string]>, size: 57 },
  { block: blocks[1], fields: REQ2, table: [[53, 'cache-control', 'no-cache'], [57, ':authority', 'www.example.com']] as Array<[number, string, string]>, size: 110 },
  {
    block: blocks[2],
    fields: REQ3,
    table: [[54, 'custom-key', 'custom-value'], [53, 'cache-control', 'no-cache'], [57, ':authority', 'www.example.com']] as Array<[number, string, string]>,
    size: 164,
  },
];

const responseSteps = (blocks: [string, string, string]) => [
  {
    block: blocks[0],
    fields: RES1,
    table: [[63, 'location', 'https://www.example.com'], [65, 'date', DATE1], [52, 'cache-control', 'private'], [42, ':status', '302']] as Array<[number, string, string]>,
    size: 222,
  },
  {
    // ":status: 302" is evicted to make room for ":status: 307" (RFC 7541 §4.4).
    block: blocks[1],
    fields: RES2,
    table: [[42, ':status', '307'], [63, 'location', 'https://www.example.com'], [65, 'date', DATE1], [52, 'cache-control', 'private']] as Array<[number, string, string]>,
    size: 222,
  },
  {
    block: blocks[2],
    fields: RES3,
    table: [[98, 'set-cookie', COOKIE], [52, 'content-encoding', 'gzip'], [65, 'date', DATE2]] as Array<[number, string, string]>,
    size: 215,
  },
];

describe('HPACK Huffman code (RFC 7541 Appendix B)', () => {
  it('is a complete prefix code over 257 symbols, each code fitting its length', () => {
    assert.equal(HUFFMAN_CODES.length, 2 * 257);
    let kraft = 0n;
    for (let sym = 0; sym <= 256; sym++) {
      const code = HUFFMAN_CODES[2 * sym]!;
      const bits = HUFFMAN_CODES[2 * sym + 1]!;
      assert.ok(bits >= 5 && bits <= 30 && code < 2 ** bits, `symbol ${sym}`);
      kraft += 1n << BigInt(30 - bits);
    }
    assert.equal(kraft, 1n << 30n, 'the lengths fill the code space exactly (Kraft equality)');
    // EOS is the all-ones 30-bit code (§5.2: padding is its prefix).
    assert.deepEqual([HUFFMAN_CODES[512], HUFFMAN_CODES[513]], [0x3fffffff, 30]);
  });

  it('decodes every octet alone and all 256 in a row', () => {
    for (let octet = 0; octet < 256; octet++) {
      const text = String.fromCharCode(octet);
      const coded = huffmanEncode(text);
      assert.equal(huffmanDecode(coded, 0, coded.length), text, `octet ${octet}`);
    }
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
    const coded = huffmanEncode(all);
    assert.equal(huffmanDecode(coded, 0, coded.length), all);
  });

  it('decodes the string literals of Appendix C.4 and C.6', () => {
    for (const [coded, text] of [
      ['f1e3c2e5f23a6ba0ab90f4ff', 'www.example.com'],
      ['a8eb10649cbf', 'no-cache'],
      ['25a849e95ba97d7f', 'custom-key'],
      ['25a849e95bb8e8b4bf', 'custom-value'],
      ['6402', '302'],
      ['aec3771a4b', 'private'],
      ['d07abe941054d444a8200595040b8166e082a62d1bff', DATE1],
      ['9d29ad171863c78f0b97c8e9ae82ae43d3', 'https://www.example.com'],
      ['640eff', '307'],
      ['9bd9ab', 'gzip'],
      ['94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007', COOKIE],
    ] as const) {
      const b = hex(coded);
      assert.equal(huffmanDecode(b, 0, b.length), text);
      assert.deepEqual(huffmanEncode(text), b, `the table encodes ${text} as the RFC does`);
    }
  });

  it('refuses what §5.2 forbids: padding of 8 bits or more, padding that is not ones, EOS', () => {
    const www = hex('f1e3c2e5f23a6ba0ab90f4ff');
    assert.equal(huffmanDecode(Buffer.concat([www, Buffer.from([0xff])]), 0, www.length + 1), null, '8 more bits of padding');
    // '0' is 00000; then 111 is padding, 110 is not.
    assert.equal(huffmanDecode(Buffer.from([0x07]), 0, 1), '0');
    assert.equal(huffmanDecode(Buffer.from([0x06]), 0, 1), null, 'padding with a zero bit');
    assert.equal(huffmanDecode(Buffer.from([0xff, 0xff, 0xff, 0xff]), 0, 4), null, 'EOS in the string');
  });
});

describe('HPACK header blocks (RFC 7541 Appendix C)', () => {
  it('C.2.1 literal with indexing, C.2.2 without, C.2.3 never indexed, C.2.4 indexed', () => {
    const d = new HpackDecoder(true);
    run(d, [{ block: '400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572', fields: [f('custom-key', 'custom-header')], table: [[55, 'custom-key', 'custom-header']], size: 55 }]);
    for (const [block, field] of [
      ['040c 2f73 616d 706c 652f 7061 7468', f(':path', '/sample/path')],
      ['1008 7061 7373 776f 7264 0673 6563 7265 74', f('password', 'secret')],
      ['82', f(':method', 'GET')],
    ] as const) {
      const fresh = new HpackDecoder(true);
      assert.deepEqual(fresh.decode(hex(block)), { fields: [field], problem: null });
      assert.equal(fresh.tableSize, 0, 'not added to the table');
    }
  });

  it('C.3: requests without Huffman coding, one dynamic table across them', () => {
    run(new HpackDecoder(true), requestSteps([
      '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
      '8286 84be 5808 6e6f 2d63 6163 6865',
      '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65',
    ]));
  });

  it('C.4: the same requests with Huffman coding', () => {
    run(new HpackDecoder(true), requestSteps([
      '8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff',
      '8286 84be 5886 a8eb 1064 9cbf',
      '8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf',
    ]));
  });

  it('C.5: responses without Huffman coding, a 256-octet table with evictions', () => {
    run(new HpackDecoder(true, 256), responseSteps([
      '4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
      '4803 3330 37c1 c0bf',
      '88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31',
    ]));
  });

  it('C.6: the same responses with Huffman coding', () => {
    run(new HpackDecoder(true, 256), responseSteps([
      '4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3',
      '4883 640e ffc1 c0bf',
      '88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07',
    ]));
  });

  it('a dynamic table size update shrinks the table, evicting the oldest entries (§6.3, §4.3)', () => {
    const d = new HpackDecoder(true);
    d.decode(hex('8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d'));
    d.decode(hex('8286 84be 5808 6e6f 2d63 6163 6865'));
    assert.equal(d.tableSize, 110);
    // 001xxxxx with 5-bit prefix 31, then 53 - 31 = 22: a maximum of 53, room for the newest entry only.
    assert.deepEqual(d.decode(hex('3f16 be')), { fields: [f('cache-control', 'no-cache')], problem: null });
    assert.deepEqual(d.table, [f('cache-control', 'no-cache')]);
  });

  it('refuses a reference past the table, index 0, and a cut string: DIS_ERR_SYNTAX, and the table is no longer trusted', () => {
    for (const block of ['be', '80', '410f 7777 77']) {
      const d = new HpackDecoder(true);
      assert.equal(d.decode(hex(block)).problem, 'DIS_ERR_SYNTAX', block);
      assert.equal(d.synced, false);
    }
  });
});

describe('HPACK joined mid-way (entries made before the capture are unknown)', () => {
  it('skips fields that refer to unknown entries, reports DIS_ERR_GAP, keeps the rest', () => {
    const d = new HpackDecoder(false);
    // :method GET, :scheme http, :path /, then index 62 (an entry from before) and a literal
    // with index 63 as its name.
    const out = d.decode(hex('8286 84be 7f00 0378 797a'));
    assert.deepEqual(out, { fields: [f(':method', 'GET'), f(':scheme', 'http'), f(':path', '/')], problem: 'DIS_ERR_GAP' });
    // What is inserted from now on is known: index 62 is the newest entry.
    const next = d.decode(hex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572 be'));
    assert.deepEqual(next, { fields: [f('custom-key', 'custom-header'), f('custom-key', 'custom-header')], problem: null });
    assert.equal(d.synced, false);
  });

  it('knows the whole table again after a size update to 0, or once what it saw inserted fills it', () => {
    const emptied = new HpackDecoder(false);
    emptied.decode(hex('20'));
    assert.equal(emptied.synced, true);
    const c51 = hex('4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d');
    const roomy = new HpackDecoder(false, 256);
    roomy.decode(c51);
    assert.equal(roomy.synced, false, '222 octets of 256: an older entry of 32 octets may remain');
    const filled = new HpackDecoder(false, 250);
    filled.decode(c51);
    assert.equal(filled.synced, true, '222 octets of 250: no entry (32 octets at least) can remain beside them');
  });
});
