/**
 * The Redis variables (KFL2's `redis_type`, `redis_command`, `redis_key`, `redis_request_size`,
 * `redis_response_size`, `redis_total_size`, and `redis_error`) on entries the dissector made from
 * real traffic, and their zero values on every other kind of entry.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import { compileFilter } from '@shoal/filter';
import * as D from './dns-entries.js';
import * as E from './entries.js';
import * as RE from './redis-entries.js';
import * as W from './ws-entries.js';

function check(entry: Entry, filter: string, expected: boolean): void {
  const f = compileFilter(filter);
  assert.equal(f.matches(entry), expected, `${filter} on ${entry.summary.text}`);
  assert.equal(f.errorCount, 0, `${filter}: ${f.lastError?.error.message ?? ''}`);
}

describe('Redis variables', () => {
  it('redis_type, redis_key and redis_command: the command, its key, and the line it makes', () => {
    check(RE.set(), 'redis && redis_type == "SET" && redis_key == "user:1" && redis_command == "SET user:1 alice"', true);
    check(RE.setBinary(), 'redis_command == "SET bin:1 <binary>"', true);
    check(RE.message(), 'redis_type == "message" && redis_key == "" && redis_command == "" && path == "news"', true);
    // The common variables hold the same.
    check(RE.set(), 'method == "SET" && path == "user:1"', true);
  });

  it('redis_error: the text of an error reply; such an entry is what a hunt for errors finds', () => {
    check(RE.wrongType(), 'redis_error.startsWith("WRONGTYPE") && response.status == "error"', true);
    check(RE.set(), 'redis_error == "" && response.status == "ok"', true);
  });

  it('sizes: the command and the reply on the wire', () => {
    check(RE.getLarge(), 'redis_response_size > 300000 && redis_request_size < 100 && redis_total_size == redis_request_size + redis_response_size', true);
    check(RE.message(), 'redis_request_size == 0 && redis_response_size > 0', true);
  });

  it('are zero values on other entries, without evaluation errors', () => {
    const zero = 'redis_type == "" && redis_command == "" && redis_key == "" && redis_error == "" && redis_request_size == 0 && redis_response_size == 0 && redis_total_size == 0';
    for (const e of [E.plainGet(), E.notFound(), E.noResponse(), E.tcpFlow(), E.udpFlow(), D.cnameA(), W.clientText()]) check(e, zero, true);
  });
});
