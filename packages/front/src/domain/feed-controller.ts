/**
 * Opens a query on the feed: the newest stored entries from the hub's history, then the live
 * stream from the same instant, so nothing falls between the two (the stream replays from a
 * little before it; copies are dropped by id). Scrolling to the top asks for the next older page.
 *
 * Or opens a stored past window [from, to): no live stream, history pages walked back from `to`
 * (`/entries?before=`) and cut at `from`, since the hub's history has no lower bound of its own.
 */
import type { FeedModel, TimeWindow } from './feed-model.js';
import type { HubApi } from './hub-api.js';
import type { HubStream } from './hub-stream.js';

/**
 * Rows asked for on opening a query, and per older page (the hub's limit is 1000). The first
 * page is on the way from a filter change to the updated feed: a tall screen's worth (100 rows
 * of 26 px), about 200 KB of entries to gather, send and parse; older pages follow on scrolling.
 */
export const FIRST_PAGE = 100;
export const OLDER_PAGE = 1000;
/**
 * History ends, and the live stream's replay begins, this long ago: entries are emitted when
 * their response ends, so the newest seconds are still filling in; the stream delivers them.
 */
const HANDOVER_MS = 5_000;

export class FeedController {
  private filter = '';
  private loading: Promise<void> | undefined;
  private generation = 0;

  constructor(
    private readonly model: FeedModel,
    private readonly stream: HubStream,
    private readonly api: HubApi,
    private readonly now: () => number = Date.now,
    /** Rows per page; smaller in tests, to walk several pages over a small capture. */
    private readonly pageSizes = { first: FIRST_PAGE, older: OLDER_PAGE },
  ) {}

  /** Shows `filter`: history up to now, then live. Returns once the first page is in. */
  async open(filter: string): Promise<void> {
    this.filter = filter;
    const generation = ++this.generation;
    const handover = this.now() - HANDOVER_MS;
    // The old query's stream stops at once; its rows stay on screen until the new query's first
    // page is in, then one change swaps them: the page lays out the feed once, not once empty
    // and once refilled. The new socket opens after it and replays from the handover, so
    // nothing between the two is missed; each query has its own socket, so nothing of the
    // previous query can arrive on it.
    this.stream.stop();
    let swapped = false;
    try {
      await this.page(generation, handover, this.pageSizes.first, () => {
        this.model.reset();
        swapped = true;
      });
    } finally {
      if (generation === this.generation) {
        // The history failed (the hub is away): the rows are the old query's all the same.
        if (!swapped) this.model.reset();
        this.stream.start(filter, handover);
      }
    }
    this.untilRows(generation);
  }

  /** Shows `filter` over the past `window` only: its newest page, then older ones as the view asks. */
  async openWindow(filter: string, window: TimeWindow): Promise<void> {
    this.filter = filter;
    const generation = ++this.generation;
    this.model.reset(window);
    this.stream.stop();
    await this.page(generation, window.to, this.pageSizes.first);
    this.untilRows(generation);
  }

  /**
   * The next older page, when there is one and none is on its way. A page may hold no row with
   * more to come (a selective filter's: the workers read a bounded number of entries per
   * request, wire/history.ts): then the next one is asked at once, until a page brings rows or
   * history ends, so the view is never left empty with nothing to scroll.
   */
  loadOlder(): Promise<void> {
    const cursor = this.model.olderCursor;
    if (cursor === null || cursor === undefined) return Promise.resolve();
    this.loading ??= this.olderPages(this.generation, cursor).finally(() => (this.loading = undefined));
    return this.loading;
  }

  close(): void {
    this.generation++;
    this.stream.stop();
  }

  private async olderPages(generation: number, cursor: number): Promise<void> {
    for (;;) {
      const added = await this.page(generation, cursor, this.pageSizes.older);
      const next = this.model.olderCursor;
      if (generation !== this.generation || added > 0 || next === null || next === undefined) return;
      cursor = next;
    }
  }

  /** After a query's first page: when it brought no row but history goes on, the next pages follow. */
  private untilRows(generation: number): void {
    if (generation === this.generation && this.model.lastPrepended === 0) void this.loadOlder();
  }

  /**
   * Asks for a page and adds it; `first` runs just before, in the same turn (open's swap).
   * Returns the rows added.
   */
  private async page(generation: number, before: number, limit: number, first?: () => void): Promise<number> {
    const page = await this.api.history(this.filter, before, limit);
    // A newer query was opened meanwhile: this page belongs to the old one.
    if (generation !== this.generation) return 0;
    first?.();
    const from = this.model.window?.from;
    if (from === undefined) {
      this.model.addOlder(page.entries, page.next, page.examined);
      return page.entries.length;
    }
    // Pages run newest to oldest: once one reaches back past `from`, there is nothing older to ask for.
    const inside = page.entries.filter((e) => e.timestamp >= from);
    this.model.addOlder(inside, page.next !== null && page.next > from ? page.next : null, page.examined);
    return inside.length;
  }
}
