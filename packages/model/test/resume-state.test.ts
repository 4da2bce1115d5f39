/**
 * The feeds' resume rule (wire/feed.ts): where a broken feed resumes, which repeats it drops,
 * and how much it remembers to do so.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entryPosition, RESPONSE_TIMEOUT_MS, RESUME_MARGIN_MS, ResumeState } from '../dist/index.js';

const T = 1_800_000_000_000;

describe('ResumeState', () => {
  it('has the response timeout as its margin', () => {
    assert.equal(RESUME_MARGIN_MS, RESPONSE_TIMEOUT_MS);
  });

  it('resumes a margin before the newest entry delivered, never before the first since', () => {
    const live = new ResumeState();
    live.deliver('w/r/1', T);
    live.deliver('w/r/2', T + 5000);
    live.deliver('w/r/3', T + 2000);
    assert.equal(live.newest, T + 5000);
    assert.equal(live.resumeSince(T + 9000), T + 5000 - RESUME_MARGIN_MS);
    const replay = new ResumeState(T + 1000);
    replay.deliver('w/r/2', T + 5000);
    assert.equal(replay.resumeSince(T + 9000), T + 1000, 'what was not asked for is not asked for on resuming');
  });

  it('resumes an empty replay from its since, and an empty live feed a margin before it was lost', () => {
    assert.equal(new ResumeState(T).resumeSince(T + 60_000), T);
    assert.equal(new ResumeState().resumeSince(T + 60_000), T + 60_000 - RESUME_MARGIN_MS);
  });

  it('drops an id delivered already, and forgets ids a margin older than the newest', () => {
    const s = new ResumeState();
    assert.equal(s.deliver('w/r/1', T), true);
    assert.equal(s.deliver('w/r/1', T), false);
    s.deliver('w/r/2', T + RESUME_MARGIN_MS - 1);
    assert.equal(s.size, 2, 'both within the margin');
    s.deliver('w/r/3', T + RESUME_MARGIN_MS + 1);
    assert.equal(s.has('w/r/1'), false, 'older than the margin: a resumption cannot send it again');
    assert.equal(s.has('w/r/2'), true);
    assert.equal(s.size, 2);
  });

  it('holds rate × margin ids: 100 entries a second for twice the margin keep one margin of them', () => {
    const s = new ResumeState();
    const perSecond = 100;
    const n = (2 * RESUME_MARGIN_MS * perSecond) / 1000;
    for (let i = 0; i < n; i++) s.deliver(`w/r/${i}`, T + (i * 1000) / perSecond);
    assert.equal(s.size, (RESUME_MARGIN_MS * perSecond) / 1000 + 1);
  });

  it('past its cap, resumes after the newest id it had to forget, so nothing repeats', () => {
    const s = new ResumeState(undefined, 3);
    for (let i = 1; i <= 5; i++) s.deliver(`w/r/${i}`, T + i);
    assert.equal(s.size, 3);
    const since = s.resumeSince(T + 10);
    assert.ok(since > T + 2, `${since} is after the forgotten entry of T+2`);
    assert.ok(since <= T + 3, `${since} still takes the remembered entry of T+3 (dropped as a repeat)`);
  });

  it('starts over on reset', () => {
    const s = new ResumeState(T);
    s.deliver('w/r/1', T + 1);
    s.reset(undefined);
    assert.equal(s.newest, undefined);
    assert.equal(s.deliver('w/r/1', T + 1), true);
  });
});

describe('entryPosition', () => {
  it('reads the run and the sequence number of an id', () => {
    assert.deepEqual(entryPosition('node-a/mx51e2uk/301'), { run: 'node-a/mx51e2uk/', seq: 301 });
    assert.equal(entryPosition('node-a/301'), undefined);
    assert.equal(entryPosition('a/b/c'), undefined);
  });
});
