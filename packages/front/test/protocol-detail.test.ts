import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detailSections, GENERIC_SECTIONS } from '../src/domain/protocol-detail.js';

describe('per-protocol detail registry', () => {
  it('keeps the HTTP view for HTTP and the flows, and gives DNS its own section', () => {
    assert.deepEqual(detailSections('http'), ['general', 'endpoints', 'messages', 'stream']);
    assert.deepEqual(detailSections('tcp'), detailSections('http'));
    assert.deepEqual(detailSections('udp'), detailSections('http'));
    assert.deepEqual(detailSections('dns'), ['general', 'endpoints', 'dns', 'stream']);
    assert.deepEqual(detailSections('ws'), ['general', 'endpoints', 'ws', 'stream']);
    assert.deepEqual(detailSections('icmp'), ['general', 'endpoints', 'icmp', 'stream']);
    assert.deepEqual(detailSections('postgresql'), ['general', 'endpoints', 'postgresql', 'stream']);
    assert.deepEqual(detailSections('kafka'), ['general', 'endpoints', 'kafka', 'stream']);
    assert.deepEqual(detailSections('mongodb'), ['general', 'endpoints', 'mongodb', 'stream']);
    assert.deepEqual(detailSections('redis'), ['general', 'endpoints', 'redis', 'stream']);
    assert.deepEqual(detailSections('mysql'), ['general', 'endpoints', 'mysql', 'stream']);
    assert.deepEqual(detailSections('mqtt'), ['general', 'endpoints', 'mqtt', 'stream']);
    assert.deepEqual(detailSections('amqp'), ['general', 'endpoints', 'amqp', 'stream']);
  });

  it("gives HTTP/2 the HTTP messages after its stream's own section, and TLS the hellos", () => {
    assert.deepEqual(detailSections('http2'), ['general', 'endpoints', 'http2', 'messages', 'stream']);
    assert.deepEqual(detailSections('tls'), ['general', 'endpoints', 'tls', 'stream']);
  });

  it('gives gRPC its own sections, and GraphQL its own before the HTTP request and response', () => {
    assert.deepEqual(detailSections('grpc'), ['general', 'endpoints', 'grpc', 'stream']);
    assert.deepEqual(detailSections('graphql'), ['general', 'endpoints', 'graphql', 'messages', 'stream']);
  });

  it('shows a protocol without a view of its own as raw JSON, never as empty HTTP sections', () => {
    assert.deepEqual(detailSections('ldap'), ['general', 'endpoints', 'raw', 'stream']);
    // A name that is a property of every object is still just an unknown protocol.
    assert.equal(detailSections('constructor'), GENERIC_SECTIONS);
    assert.equal(detailSections('__proto__'), GENERIC_SECTIONS);
  });
});
