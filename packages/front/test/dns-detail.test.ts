import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import { dnsDetail, flagWords } from '../src/domain/dns-detail.js';
import type { DetailCell, DetailTable } from '../src/domain/detail-table.js';
import { termText } from '../src/domain/filter-snippet.js';
import { assertTermsSelect, golden as goldenOf } from './helpers/golden-entries.js';

/** The reviewed golden entries of a DNS fixture of @shoal/dissect (packages/dissect/test/fixtures/dns). */
const golden = (name: string): Entry[] => goldenOf('dns', name);

const texts = (t: DetailTable | undefined): string[][] => (t?.rows ?? []).map((r) => r.map((c) => c.text));
const table = (entry: Entry, side: 'request' | 'response', key: string): DetailTable | undefined =>
  dnsDetail(entry)
    .messages.find((m) => m.side === side)
    ?.tables.find((t) => t.key === key);
const header = (entry: Entry, side: 'request' | 'response'): Record<string, DetailCell> =>
  Object.fromEntries(dnsDetail(entry).messages.find((m) => m.side === side)!.header.map((r) => [r.label, r.value]));

describe('DNS detail view', () => {
  const records = golden('udp-records');
  const api = records.find((e) => e.summary.text.startsWith('A api.shoal.test'))!;

  it('shows the header in words, the question and every record section as tables', () => {
    const q = header(api, 'request');
    const r = header(api, 'response');
    assert.equal(q['flags']!.text, 'recursion desired (rd), authentic data (ad)');
    assert.equal(r['flags']!.text, 'response (qr), authoritative answer (aa), recursion desired (rd)');
    assert.equal(r['opcode']!.text, 'QUERY');
    assert.equal(r['rcode']!.text, 'NOERROR');
    assert.equal(q['rcode'], undefined, 'a query has no rcode');
    assert.equal(r['id']!.text, String((api.response as unknown as { id: number }).id));
    assert.deepEqual(texts(table(api, 'request', 'questions')), [['api.shoal.test', 'A']]);
    assert.deepEqual(texts(table(api, 'response', 'answers')), [
      ['api.shoal.test', 'CNAME', '600', 'www.shoal.test'],
      ['www.shoal.test', 'A', '600', '10.244.81.80'],
    ]);
    assert.deepEqual(texts(table(api, 'response', 'authorities')), [['shoal.test', 'NS', '600', 'ns.shoal.test']]);
    assert.equal(table(api, 'request', 'answers'), undefined, 'a query with no records shows no empty answer table');
  });

  it("makes the names and types asked, the answers' data and the rcode filter terms the real filter keeps the entry with", () => {
    const q = table(api, 'request', 'questions')!;
    assert.deepEqual(
      q.rows[0]!.map((c) => (c.term === undefined ? null : termText(c.term))),
      ['"api.shoal.test" in dns_questions', '"A" in dns_question_types'],
    );
    const answers = table(api, 'response', 'answers')!;
    assert.deepEqual(
      answers.rows.map((r) => termText(r[3]!.term!)),
      ['"www.shoal.test" in dns_answers', '"10.244.81.80" in dns_answers'],
    );
    assert.equal(termText(header(api, 'response')['rcode']!.term!), 'dns_rcode == "NOERROR"');
    // Names, types and TTLs of records, and authority data, are in no variable: shown, not clickable.
    assert.ok(answers.rows.every((r) => r.slice(0, 3).every((c) => c.term === undefined)));
    assert.ok(table(api, 'response', 'authorities')!.rows.flat().every((c) => c.term === undefined));
    for (const e of records) {
      const view = dnsDetail(e);
      assertTermsSelect(e, view.messages.flatMap((m) => [...m.header.map((h) => h.value), ...m.tables.flatMap((t) => t.rows.flat())]));
    }
  });

  it('shows EDNS (UDP size, DO, options) when the message has it', () => {
    const [edns] = golden('edns');
    const view = dnsDetail(edns!).messages.find((m) => m.side === 'request')!;
    const json = (edns!.request as unknown as { edns: { udpSize: number; do: boolean; options: { code: number; name?: string; data: string }[] } }).edns;
    assert.deepEqual(view.edns!.rows.slice(0, 2), [
      { label: 'UDP size', value: { text: `${json.udpSize} bytes` } },
      { label: 'DO', value: { text: json.do ? 'set (DNSSEC OK)' : 'not set' } },
    ]);
    assert.ok(json.options.length > 0, 'the fixture has options');
    assert.deepEqual(
      texts(view.edns!.options),
      json.options.map((o) => [o.name === undefined ? String(o.code) : `${o.name} (${o.code})`, o.data]),
    );
  });

  it('says a query went unanswered, and shows only the query', () => {
    const [lost] = golden('no-answer');
    assert.equal(lost!.malformed?.code, 'DIS_ERR_NO_RESPONSE');
    const view = dnsDetail(lost!);
    assert.deepEqual(
      view.messages.map((m) => m.side),
      ['request'],
    );
    assert.deepEqual(view.notes, [{ side: 'response', text: 'No response came: the query went unanswered.' }]);
  });

  it('says a response came for a query that was not seen', () => {
    const [answered] = golden('udp-records');
    const view = dnsDetail({ request: null, response: answered!.response });
    assert.deepEqual(
      view.messages.map((m) => m.side),
      ['response'],
    );
    assert.deepEqual(
      view.notes.map((n) => n.side),
      ['request'],
    );
  });

  it('names a type with another class with its class, not as a type filter', () => {
    const view = dnsDetail({
      request: { id: 1, opcode: 'QUERY', flags: [], questions: [{ name: 'version.bind', type: 'TXT', class: 'CH' }], answers: [], authorities: [], additionals: [] },
      response: null,
    });
    const row = view.messages[0]!.tables[0]!.rows[0]!;
    assert.deepEqual(row[1], { text: 'TXT CH' });
    assert.equal(view.messages[0]!.header.find((h) => h.label === 'flags')!.value.text, 'none');
  });

  it('writes flags as words with their dig name, and an unknown one as it is', () => {
    assert.equal(flagWords('cd'), 'checking disabled (cd)');
    assert.equal(flagWords('x9'), 'x9');
  });
});
