import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pcapExport, LIVE_EXPORT_MINUTES } from '../src/domain/pcap-export.js';
import { initialTheme, otherTheme } from '../src/domain/theme.js';

describe('theme', () => {
  it("takes the user's stored choice, else the system's preference", () => {
    assert.equal(initialTheme('dark', false), 'dark');
    assert.equal(initialTheme('light', true), 'light');
    assert.equal(initialTheme(null, true), 'dark');
    assert.equal(initialTheme('purple', false), 'light');
    assert.equal(otherTheme('dark'), 'light');
  });
});

describe('pcapExport', () => {
  const now = Date.UTC(2026, 11, 1, 19, 40, 5);
  it('live with no range: the last minutes, said in the description', () => {
    const e = pcapExport({ q: '' }, now);
    const p = new URLSearchParams(e.href.split('?')[1]);
    assert.equal(e.href.split('?')[0], '/api/pcap');
    assert.equal(Number(p.get('to')), now);
    assert.equal(Number(p.get('from')), now - LIVE_EXPORT_MINUTES * 60_000);
    assert.equal(p.get('q'), '');
    assert.equal(e.filename, 'shoal_20261201-192505Z_20261201-194005Z.pcap');
    assert.equal(p.get('filename'), e.filename, "the hub's Content-Disposition names it the same");
    assert.match(e.description, /every entry in the last 15 minutes/);
  });

  it('a range and a query: both in the request and in the file name', () => {
    const e = pcapExport({ q: 'status_code >= 500 && http', from: now - 1000, to: now }, now);
    const p = new URLSearchParams(e.href.split('?')[1]);
    assert.equal(p.get('q'), 'status_code >= 500 && http');
    assert.equal(Number(p.get('from')), now - 1000);
    assert.equal(e.filename, 'shoal_status_code-500-http_20261201-194004Z_20261201-194005Z.pcap');
    assert.match(e.description, /matching status_code >= 500 && http from 2026-12-01T19:40:04/);
  });
});
