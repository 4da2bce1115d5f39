import { useEffect, useState } from 'react';
import { timeWindow, type TimeWindow } from '../../domain/time-window.js';
import type { UrlState } from '../../domain/url-state.js';

/** How often a live aggregate view (map, statistics) asks again. */
export const LIVE_REFRESH_MS = 5_000;

export interface WindowQuery<T> {
  /** The last answer; kept while the next one loads, so a refresh does not blank the view. */
  data: T | undefined;
  window: TimeWindow | undefined;
  error: Error | undefined;
  loading: boolean;
}

/**
 * Loads `load(window)` for the URL's query and time range, again whenever they change, and every
 * LIVE_REFRESH_MS while the window is live (it ends now). One request at a time: the next
 * refresh is timed from the end of the last, and an answer for an old query is dropped.
 */
export function useWindowQuery<T>(load: (w: TimeWindow) => Promise<T>, url: Pick<UrlState, 'q' | 'from' | 'to'>): WindowQuery<T> {
  const [state, setState] = useState<WindowQuery<T>>({ data: undefined, window: undefined, error: undefined, loading: true });
  const { q, from, to } = url;
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async (): Promise<void> => {
      const w = timeWindow({ from, to }, Date.now());
      setState((s) => ({ ...s, loading: true }));
      try {
        const data = await load(w);
        if (!stopped) setState({ data, window: w, error: undefined, loading: false });
      } catch (err) {
        if (!stopped) setState((s) => ({ ...s, error: err as Error, loading: false }));
      }
      if (!stopped && w.live) timer = setTimeout(() => void run(), LIVE_REFRESH_MS);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // `load` is rebuilt each render by its caller; the query and the range are what matter.
  }, [q, from, to]);
  return state;
}
