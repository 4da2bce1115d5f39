/**
 * Which rows of the feed a virtualized view puts in the page, from the numbers alone: every row
 * has the same height, so no row is measured and the DOM is never read to decide.
 *
 * Following the tail, the window is the last rows whatever the scroll offset says: the offset
 * lags a frame behind rows that just arrived, and reading the real one would force a layout on
 * every batch. Each row gets a slot (its index modulo the window's size, which only changes
 * with the viewport's height): a view that keys its elements by slot moves a row's element to
 * the row that took its place instead of removing one element and creating another.
 */
export interface WindowInput {
  total: number;
  rowHeight: number;
  /** The viewport's height and scroll offset, in pixels. */
  height: number;
  scrollTop: number;
  following: boolean;
  /** Rows kept on each side beyond the visible ones, so a fast scroll shows no blank. */
  overscan: number;
}

export interface FeedWindow {
  /** Rows [first, last) go in the page. */
  first: number;
  last: number;
  /** Distinct slots: the most rows the window ever holds for this height. */
  slots: number;
  /** The scroll offset that shows the newest row at the bottom. */
  tailTop: number;
}

export function feedWindow(w: WindowInput): FeedWindow {
  const visible = Math.ceil(w.height / w.rowHeight) + 1;
  const slots = visible + 2 * w.overscan;
  const tailTop = Math.max(0, w.total * w.rowHeight - w.height);
  const top = w.following ? tailTop : Math.min(w.scrollTop, tailTop);
  const first = Math.max(0, Math.floor(top / w.rowHeight) - w.overscan);
  const last = Math.min(w.total, first + slots);
  return { first, last, slots, tailTop };
}

/** The key of row `i`'s element: the same element serves every row that takes this slot. */
export function slotOf(i: number, slots: number): number {
  return i % slots;
}
