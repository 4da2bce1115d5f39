/**
 * The WebSocket variables (KFL2's `ws_opcode`, `ws_request`, `ws_response`,
 * `ws_request_payload_data`, `ws_request_payload_length`, …, and `ws_close_code`) and the ICMP
 * ones (`icmp_type`, `icmp_code`, `icmp_version`) on entries the dissector made from real traffic,
 * and their zero values on every other kind of entry.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import { compileFilter } from '@shoal/filter';
import * as D from './dns-entries.js';
import * as E from './entries.js';
import * as W from './ws-entries.js';

function check(entry: Entry, filter: string, expected: boolean): void {
  const f = compileFilter(filter);
  assert.equal(f.matches(entry), expected, `${filter} on ${entry.summary.text}`);
  assert.equal(f.errorCount, 0, `${filter}: ${f.lastError?.error.message ?? ''}`);
}

describe('WebSocket variables', () => {
  it('ws_opcode: the message\'s opcode; `ping` for a ping and its pong, whoever pinged', () => {
    check(W.clientText(), 'ws && ws_opcode == "text"', true);
    check(W.serverBinary(), 'ws_opcode == "binary"', true);
    check(W.serverPing(), 'ws_opcode == "ping"', true);
    check(W.feedClose(), 'ws_opcode == "close"', true);
    check(W.clientText(), 'ws_opcode == "binary"', false);
  });

  it('ws_request and ws_response: which side sent the entry\'s messages', () => {
    check(W.clientText(), 'ws_request && !ws_response', true);
    check(W.serverBinary(), '!ws_request && ws_response', true);
    check(W.serverPing(), 'ws_request && ws_response', true);
  });

  it('payload data and lengths: text as shown (inflated), lengths of the whole message', () => {
    check(W.clientText(), 'ws_request_payload_data == "hello over a websocket" && ws_request_payload_length == 22 && ws_response_payload_length == 0', true);
    check(W.serverLarge(), 'ws_response_payload_data.startsWith("line 0000 of the large") && ws_response_payload_length == 74000', true);
    // A binary message's base64 is not its text.
    check(W.serverBinary(), 'ws_response_payload_data == "" && ws_response_payload_length == 300', true);
  });

  it('ws_close_code: the application code of a close', () => {
    check(W.feedClose(), 'ws_close_code == 4001 && response.closeReason == "feed over"', true);
    check(W.clientText(), 'ws_close_code == 0', true);
  });
});

describe('ICMP variables', () => {
  it('icmp_type and icmp_code: the first message of the entry, in words and number', () => {
    check(W.echo4(), 'icmp && icmp_type == "echo request" && icmp_code == 0 && icmp_version == 4', true);
    check(W.portUnreachable6(), 'icmp_type == "destination unreachable" && icmp_code == 4 && icmp_version == 6', true);
    check(W.timeExceeded4(), 'icmp_type == "time exceeded" && response.quoted.dst == "10.244.85.9"', true);
    check(W.solicitation(), 'icmp_type == "neighbor solicitation" && icmp_version == 6', true);
  });

  it('a typical hunt: what could not be reached, and from where', () => {
    const hunt = 'icmp && icmp_type in ["destination unreachable", "time exceeded"]';
    check(W.portUnreachable6(), hunt, true);
    check(W.timeExceeded4(), hunt, true);
    check(W.echo4(), hunt, false);
  });
});

describe('WebSocket and ICMP variables on other entries', () => {
  it('are zero values, without evaluation errors', () => {
    const zero = 'ws_opcode == "" && !ws_request && !ws_response && ws_request_payload_data == "" && ws_response_payload_data == "" && ' +
      'ws_request_payload_length == 0 && ws_response_payload_length == 0 && ws_close_code == 0 && icmp_type == "" && icmp_code == 0 && icmp_version == 0';
    for (const e of [E.plainGet(), E.notFound(), E.noResponse(), E.tcpFlow(), E.udpFlow(), D.cnameA()]) check(e, zero, true);
    check(W.echo4(), 'ws_opcode == "" && !ws_request', true);
    check(W.clientText(), 'icmp_type == "" && icmp_version == 0', true);
  });
});
