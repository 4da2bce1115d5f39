/**
 * The DNS variables (`dns_questions`, `dns_question_types`, `dns_answers`, `dns_rcode`, KFL2's
 * names) on DNS entries the dissector made from real dig/dnsmasq traffic, and their zero values
 * on every other kind of entry.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import { compileFilter } from '@shoal/filter';
import * as D from './dns-entries.js';
import * as E from './entries.js';

function check(entry: Entry, filter: string, expected: boolean): void {
  const f = compileFilter(filter);
  assert.equal(f.matches(entry), expected, `${filter} on ${entry.summary.text}`);
  assert.equal(f.errorCount, 0, `${filter}: ${f.lastError?.error.message ?? ''}`);
}

describe('DNS variables', () => {
  it('dns_questions and dns_question_types: what was asked', () => {
    check(D.cnameA(), 'dns_questions == ["api.shoal.test"] && dns_question_types == ["A"]', true);
    check(D.srv(), '"SRV" in dns_question_types && dns_questions[0].startsWith("_http._tcp.")', true);
    check(D.nxdomain(), '"AAAA" in dns_question_types && "nothere.shoal.test" in dns_questions', true);
    check(D.cnameA(), '"AAAA" in dns_question_types', false);
  });

  it('the questions of a response seen without its query', () => {
    check(D.responseOnly(), 'dns_questions == ["api.shoal.test"] && dns_question_types == ["A"] && malformed_code == "DIS_ERR_NO_REQUEST"', true);
  });

  it('dns_answers: the data of every answer record, a CNAME chain included', () => {
    check(D.cnameA(), 'dns_answers == ["www.shoal.test", "10.244.81.80"]', true);
    check(D.srv(), 'dns_answers.exists(a, a.endsWith(" www.shoal.test"))', true);
    check(D.nxdomain(), 'size(dns_answers) == 0', true);
    check(D.unanswered(), 'size(dns_answers) == 0', true);
    check(D.cnameA(), '"10.0.0.1" in dns_answers', false);
  });

  it('dns_rcode: the response code by name, "" without a response', () => {
    check(D.nxdomain(), 'dns && dns_rcode == "NXDOMAIN"', true);
    check(D.cnameA(), 'dns_rcode == "NOERROR"', true);
    check(D.unanswered(), 'dns_rcode == "" && malformed_code == "DIS_ERR_NO_RESPONSE"', true);
    check(D.cnameA(), 'dns_rcode == "NXDOMAIN"', false);
  });

  it('a typical hunt: failed look-ups of cluster names, and look-ups nobody answered', () => {
    const failed = 'dns && (dns_rcode in ["NXDOMAIN", "SERVFAIL"] || malformed_code == "DIS_ERR_NO_RESPONSE") && dns_questions.exists(q, q.endsWith(".shoal.test"))';
    check(D.nxdomain(), failed, true);
    check(D.unanswered(), failed, true);
    check(D.cnameA(), failed, false);
  });

  it('are zero values on entries of other protocols, without evaluation errors', () => {
    for (const e of [E.plainGet(), E.notFound(), E.noResponse(), E.lostRequest(), E.tcpFlow(), E.udpFlow()]) {
      check(e, 'size(dns_questions) == 0 && size(dns_question_types) == 0 && size(dns_answers) == 0 && dns_rcode == ""', true);
      check(e, 'dns', false);
    }
  });

  it('odd shapes in request/response (not lists, not objects) give empty lists, never an error', () => {
    const odd = { ...D.cnameA(), request: { questions: 'x' }, response: { answers: [null, 3, { data: 5 }, { data: 'ok' }], rcode: 7 } } as unknown as Entry;
    check(odd, 'size(dns_questions) == 0 && dns_answers == ["ok"] && dns_rcode == ""', true);
  });
});
