/**
 * What the lab's dashboard tests read and do in the feed and the detail of a live page: the rows
 * on screen, waiting for rows, pausing the feed to click one, opening a row's detail next to the
 * entry the hub stored, scrolling back to a marker.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { getJson } from './lab-api.js';
import { waitFor } from './lab-run.js';

/** A row on screen as the test reads it: its id, and what its cells say. */
export interface RowText {
  id: string;
  /** The protocol badge: `HTTP`, `HTTP/2`, `gRPC`, `GQL`, `WS`, `DNS`, `TCP`. */
  abbr: string;
  method: string;
  text: string;
  status: string;
  src: string;
  dst: string;
}

export async function rowsOnScreen(page: Page): Promise<RowText[]> {
  return page.locator('.row[data-id]').evaluateAll((els) =>
    els.map((el) => {
      const cell = (selector: string) => el.querySelector(selector)?.textContent ?? '';
      const [src, dst] = [...el.querySelectorAll('.endpoint')].map((e) => e.textContent ?? '');
      return { id: el.getAttribute('data-id')!, abbr: cell('.badge'), method: cell('.method'), text: cell('.text'), status: cell('.status'), src: src ?? '', dst: dst ?? '' };
    }),
  );
}

export const calls = (rows: RowText[]): string[] => [...new Set(rows.map((r) => `${r.src} → ${r.dst}`))].sort();

/** Until the feed shows at least one row and every row satisfies `match`; the last rows read on failure. */
export async function feedShowsOnly(page: Page, what: string, match: (r: RowText) => boolean): Promise<RowText[]> {
  let last: RowText[] = [];
  return waitFor(what, async () => {
    last = await rowsOnScreen(page);
    return last.length > 0 && last.every(match) ? last : undefined;
  }, 30_000).catch((err: Error) => {
    throw new Error(`${err.message}; rows: ${calls(last).join(', ')}`);
  });
}

/**
 * Stops following the tail (Space), so rows hold still under the mouse: the "jump to latest"
 * button says the feed is paused. A new query opens a new feed that follows again.
 */
export async function pause(page: Page): Promise<void> {
  const paused = page.locator('.jump-latest');
  if ((await paused.count()) === 0) await page.keyboard.press(' ');
  await paused.waitFor();
}

/** The newest row on screen that satisfies `match`, in a paused feed; waits for one to arrive. */
export async function pausedRow(page: Page, what: string, match: (r: RowText) => boolean): Promise<RowText> {
  await waitFor(what, async () => ((await rowsOnScreen(page)).some(match) ? true : undefined), 30_000);
  await pause(page);
  const row = (await rowsOnScreen(page)).filter(match).at(-1);
  assert.ok(row !== undefined, `${what}: still on screen once paused`);
  return row;
}

export const rowById = (page: Page, id: string) => page.locator(`.row[data-id="${id}"]`);

/**
 * Scrolls the feed up a screen at a time until `selector` is in the page (only the rows on screen
 * are): rows that came after a marker push it above the view. At most `screens` screens.
 */
export async function scrollUpTo(page: Page, selector: string, screens = 200): Promise<void> {
  for (let i = 0; i < screens && (await page.locator(selector).count()) === 0; i++) {
    const atTop = await page.getByTestId('feed').evaluate((el) => {
      el.scrollTop = Math.max(0, el.scrollTop - el.clientHeight);
      return el.scrollTop === 0;
    });
    // Two frames: the scroll event's render has been painted.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    if (atTop && (await page.locator(selector).count()) === 0) break;
  }
  await page.locator(selector).first().waitFor({ state: 'attached', timeout: 5000 });
}

/** The header table of one side of the open detail, as name → value. */
export async function headerTable(page: Page, side: 'request' | 'response'): Promise<Record<string, string>> {
  const pairs = await page.locator(`.entry-detail [data-section=${side}] .headers tr`).evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')?.textContent ?? '', tr.querySelector('td')?.textContent ?? '']));
  return Object.fromEntries(pairs);
}

/**
 * Opens `/?q=QUERY`, waits for a row that satisfies `match`, pauses the feed and opens that row's
 * detail: the row, the detail's locator, and the entry as the hub stored it (`GET /entries/:id`).
 */
export async function openLiveEntry<T>(page: Page, hub: string, query: string, what: string, match: (r: RowText) => boolean): Promise<{ row: RowText; stored: T; detail: ReturnType<Page['locator']> }> {
  await page.goto(`${new URL(page.url()).origin}/?q=${encodeURIComponent(query)}`);
  const row = await pausedRow(page, what, match);
  await rowById(page, row.id).locator('.time').click();
  await page.waitForURL((u) => u.searchParams.get('entry') === row.id);
  const detail = page.locator(`.entry-detail[data-entry="${row.id}"]`);
  await detail.locator('.detail-body').waitFor();
  return { row, stored: await getJson<T>(`${hub}/entries/${encodeURIComponent(row.id)}`), detail };
}

/** A two-column table's rows as label → value (innerText, as shown). */
export async function labelled(table: ReturnType<Page['locator']>): Promise<Record<string, string>> {
  const pairs = await table.locator('tr').evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')?.textContent ?? '', (tr.querySelector('td') as HTMLElement | null)?.innerText ?? '']));
  return Object.fromEntries(pairs);
}
