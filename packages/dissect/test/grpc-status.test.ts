/**
 * The words of a gRPC call's headers (protocols/grpc/status.ts, PROTOCOL-HTTP2.md): `:path`,
 * `grpc-status` and its names, `grpc-message` percent-decoding, which never fails.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeStatusMessage, parseStatus, splitPath, statusName } from '../dist/protocols/grpc/status.js';

describe('gRPC status and path', () => {
  it('reads grpc-status: 1 to 9 decimal digits, else nothing', () => {
    assert.deepEqual(['0', '5', '16', '123456789'].map(parseStatus), [0, 5, 16, 123456789]);
    for (const bad of [undefined, '', ' 5', '5 ', '-1', '0x5', '1234567890', 'OK']) assert.equal(parseStatus(bad), null, String(bad));
    assert.deepEqual([0, 5, 16, 17].map(statusName), ['OK', 'NOT_FOUND', 'UNAUTHENTICATED', 'STATUS_17']);
  });

  it('percent-decodes grpc-message as UTF-8; a broken escape stays, characters sent unencoded stay', () => {
    assert.equal(decodeStatusMessage('no%20book%20%C2%AB0%C2%BB'), 'no book «0»');
    assert.equal(decodeStatusMessage('100%25 %zz %4 %'), '100% %zz %4 %');
    assert.equal(decodeStatusMessage('déjà %F0%9F%90%9F 🐟'), 'déjà 🐟 🐟');
    assert.equal(decodeStatusMessage('%FF%FE'), '\uFFFD\uFFFD', 'bytes that are not UTF-8');
    assert.equal(decodeStatusMessage('plain'), 'plain');
  });

  it('splits /package.Service/Method; other paths give nothing', () => {
    assert.deepEqual(splitPath('/shoal.fixture.Library/GetBook'), { service: 'shoal.fixture.Library', method: 'GetBook' });
    for (const bad of ['', '/', '//M', '/S/', '/S', 'S/M', '/a/b/c', '/S/M?x=1']) assert.equal(splitPath(bad), null, bad);
  });
});
